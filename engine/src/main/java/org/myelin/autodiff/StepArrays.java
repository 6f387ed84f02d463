package org.myelin.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.myelin.Profiler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The result arrays of a repeated pass (a training step), kept from one pass to the next: the k-th result array a
 * pass asks for ({@link #uninitialized}) is the array the k-th request of the previous pass got, when its type and
 * shape match. A training step asks for the same arrays in the same order every time, so after the first step it
 * allocates none. Why: an ND4J array costs 5-20 us to create even inside a workspace (a native buffer object, its
 * deallocator and their registration), ~16 of them per step of a 3-layer MLP, 5-10% of a batch-128 Adam step.
 *
 * <p>Contract, the same as for the step's workspace: an array handed out in one pass is overwritten by a later one,
 * so nothing may keep it past its pass without copying it ({@code dup()}: the arrays are not in a workspace, so
 * {@code detach()} would return the array itself). Each slot keeps arrays of up to {@link #SHAPES_PER_SLOT} shapes,
 * so an epoch's last, smaller batch does not push out the full batch's arrays. One pass at a time per object, which
 * {@link #begin} checks; outside an active pass {@link #uninitialized} allocates as ND4J does.
 */
public final class StepArrays {
    /** Shapes kept per slot: the full batch and a last partial batch. */
    static final int SHAPES_PER_SLOT = 2;

    private static final ThreadLocal<StepArrays> ACTIVE = new ThreadLocal<>();

    private final List<INDArray[]> slots = new ArrayList<>();
    private int next;
    private final AtomicBoolean inPass = new AtomicBoolean();
    private long created;

    /** An uninitialised c-order result array: the active pass's kept one, or a new ND4J array outside a pass. */
    public static INDArray uninitialized(DataType type, long... shape) {
        try (Profiler.Scope s = Profiler.scope(Profiler.ALLOCATION)) {
            StepArrays active = ACTIVE.get();
            return active == null ? Nd4j.createUninitialized(type, shape, 'c') : active.take(type, shape);
        }
    }

    /**
     * Starts a pass on this thread: requests until the returned scope closes are served from this object. Passes of
     * different objects nest: an inner one restores the outer one when it ends.
     */
    public Pass begin() {
        Pass pass = tryBegin();
        if (pass == null) {
            // A second pass over the same arrays (two trainers stepping one model at once, or a nested step) would
            // hand the first one's live results out again.
            throw new IllegalStateException("StepArrays: a pass is already running on these arrays (two trainers"
                    + " stepping the same model at once?)");
        }
        return pass;
    }

    /** {@link #begin()}, or null (nothing started) when a pass is already running on these arrays. */
    public Pass tryBegin() {
        if (!inPass.compareAndSet(false, true)) {
            return null;
        }
        StepArrays outer = ACTIVE.get();
        next = 0;
        ACTIVE.set(this);
        return () -> {
            inPass.set(false);
            if (outer == null) {
                ACTIVE.remove();
            } else {
                ACTIVE.set(outer);
            }
        };
    }

    /**
     * Drops the kept arrays (a later pass creates them again), unless a pass is running on them: returns whether they
     * were dropped.
     */
    public boolean release() {
        if (!inPass.compareAndSet(false, true)) {
            return false;
        }
        slots.clear();
        inPass.set(false);
        return true;
    }

    /** Arrays created so far (not reused): what a test or a profile checks. */
    public long created() {
        return created;
    }

    private INDArray take(DataType type, long[] shape) {
        if (next == slots.size()) {
            slots.add(new INDArray[SHAPES_PER_SLOT]);
        }
        INDArray[] kept = slots.get(next++);
        for (int i = 0; i < kept.length; i++) {
            INDArray a = kept[i];
            if (a != null && a.dataType() == type && Arrays.equals(a.shape(), shape)) {
                // Most recent first, so the shape that goes when a new one comes is the one used longest ago.
                System.arraycopy(kept, 0, kept, 1, i);
                kept[0] = a;
                return a;
            }
        }
        // Outside any workspace: the array outlives the pass's workspace, which is reset after every step.
        INDArray a;
        try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            a = Nd4j.createUninitialized(type, shape, 'c');
        }
        created++;
        System.arraycopy(kept, 0, kept, 1, kept.length - 1);
        kept[0] = a;
        return a;
    }

    /** The end of a pass. */
    @FunctionalInterface
    public interface Pass extends AutoCloseable {
        @Override
        void close();
    }
}
