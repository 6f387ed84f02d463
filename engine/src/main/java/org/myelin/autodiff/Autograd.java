package org.myelin.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.myelin.Profiler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reverse-mode engine: records op applications and walks the recorded graph backwards.
 *
 * <p>Recording is per thread and on by default; {@link #noGrad()} switches it off for a block (evaluation,
 * optimiser updates). Backward visits nodes in reverse topological order (sorted iteratively, so deep graphs
 * do not overflow the stack) and adds up the gradients of a tensor that feeds several ops (the sum rule).
 * After a backward pass the graph is released: ops drop their saved arrays and a second backward through the
 * same graph is an error.
 */
public final class Autograd {

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** Whether ops applied on this thread are currently recorded for backward. */
    public static boolean isRecording() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Switches recording off on this thread until the returned scope is closed.
     * Use with try-with-resources: {@code try (var scope = Autograd.noGrad()) { ... }}. Scopes nest.
     */
    public static NoGradScope noGrad() {
        NO_GRAD_DEPTH.get()[0]++;
        return new NoGradScope();
    }

    /** A no-grad region; closing it restores the previous recording state. */
    public static final class NoGradScope implements AutoCloseable {
        private boolean closed;

        private NoGradScope() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    /**
     * Applies {@code op} to {@code inputs}: runs its forward pass and, if recording and any input requires a
     * gradient, records it so that backward can reach the inputs.
     *
     * @throws IllegalArgumentException if the inputs have different data types
     */
    public static Tensor apply(Op op, Tensor... inputs) {
        DataType type = null;
        INDArray[] values = new INDArray[inputs.length];
        boolean[] needs = new boolean[inputs.length];
        boolean anyNeeds = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                throw new IllegalArgumentException(op.name() + ": input " + i + " is null");
            }
            if (type == null) {
                type = t.dataType();
            } else if (t.dataType() != type) {
                throw new IllegalArgumentException(op.name() + ": inputs have different data types: input 0 is "
                        + type + ", input " + i + " (" + t.describe() + ") is " + t.dataType()
                        + "; convert one with value().castTo(...)");
            }
            values[i] = t.value();
            needs[i] = t.requiresGrad();
            anyNeeds |= needs[i];
        }
        boolean record = anyNeeds && isRecording();
        op.setNeedsGrad(record ? needs : new boolean[inputs.length]);
        INDArray out;
        try (Profiler.Scope s = Profiler.opForward(op.getClass())) {
            out = op.forward(values);
        }
        if (!record) {
            op.release();
            return new Tensor(out, false, null, null);
        }
        return new Tensor(out, true, new Node(op, inputs.clone()), null);
    }

    static void backward(Tensor root, INDArray seed) {
        try (Profiler.Scope s = Profiler.scope("autograd backward (seed, graph walk, checks)")) {
            backwardFrom(root, seed);
        }
    }

    private static void backwardFrom(Tensor root, INDArray seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): " + root.describe()
                    + " does not require a gradient: no parameter it depends on requires one,"
                    + " or it was computed under noGrad()");
        }
        if (seed == null) {
            if (root.value().length() != 1) {
                throw new IllegalStateException("backward(): " + root.describe() + " is not a scalar;"
                        + " reduce it to one element (e.g. with a loss or sum) or pass the seed gradient"
                        + " backward(gradOut) of shape " + Arrays.toString(root.shape()));
            }
            // A kept array of the trainer's step (StepArrays) set by one store: ulike().assign(1.0) created a buffer
            // and ran an ND4J op every step.
            seed = StepArrays.uninitialized(root.dataType(), root.shape());
            seed.putScalar(0, 1.0);
        } else {
            if (!Arrays.equals(seed.shape(), root.shape())) {
                throw new IllegalArgumentException("backward(gradOut): gradOut has shape "
                        + Arrays.toString(seed.shape()) + ", expected the shape of " + root.describe());
            }
            if (seed.dataType() != root.dataType()) {
                throw new IllegalArgumentException("backward(gradOut): gradOut has data type " + seed.dataType()
                        + ", expected " + root.dataType());
            }
            seed = seed.dup();
        }
        if (root.released) {
            throw graphReleased(root);
        }
        if (root.isLeaf()) {
            root.accumulateGrad(seed);
            return;
        }

        List<Tensor> order = topologicalOrder(root);
        // Gradients of non-leaf tensors live only for the duration of this pass.
        Map<Tensor, INDArray> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        // Arrays already handed to a tensor: an op may return the same array for two inputs (Add passes
        // gradOut through), and accumulating in place into a shared array would corrupt the other one.
        Set<INDArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.add(seed);
        for (int k = order.size() - 1; k >= 0; k--) {
            Tensor t = order.get(k);
            INDArray gradOut = grads.remove(t);
            Node node = t.creator;
            t.creator = null;
            t.released = true;
            if (gradOut == null) {
                node.op.release();
                continue;
            }
            INDArray[] gradIn;
            try (Profiler.Scope s = Profiler.opBackward(node.op.getClass())) {
                gradIn = node.op.backward(gradOut);
            }
            node.op.release();
            if (gradIn.length != node.inputs.length) {
                throw new IllegalStateException(node.op.name() + ": backward returned " + gradIn.length
                        + " gradients for " + node.inputs.length + " inputs");
            }
            for (int i = 0; i < gradIn.length; i++) {
                Tensor in = node.inputs[i];
                INDArray g = gradIn[i];
                if (!in.requiresGrad() || g == null) {
                    continue;
                }
                if (!Arrays.equals(g.shape(), in.shape())) {
                    throw new IllegalStateException(node.op.name() + ": backward produced a gradient of shape "
                            + Arrays.toString(g.shape()) + " for input " + i + " of shape "
                            + Arrays.toString(in.shape()));
                }
                if (!owned.add(g)) {
                    try (Profiler.Scope s = Profiler.scope("autograd dup of a shared gradient")) {
                        g = g.dup();
                    }
                    owned.add(g);
                }
                if (in.released) {
                    throw graphReleased(in);
                }
                if (in.isLeaf()) {
                    if (in.grad() != null) {
                        owned.add(in.grad());
                    }
                    try (Profiler.Scope s = Profiler.scope("autograd gradient accumulation")) {
                        in.accumulateGrad(g);
                    }
                } else {
                    INDArray prev = grads.get(in);
                    if (prev == null) {
                        grads.put(in, g);
                    } else {
                        try (Profiler.Scope s = Profiler.scope("autograd gradient accumulation")) {
                            prev.addi(g);
                        }
                    }
                }
            }
        }
    }

    private static IllegalStateException graphReleased(Tensor t) {
        return new IllegalStateException("backward(): the graph that produced " + t.describe()
                + " was already released by an earlier backward pass; run the forward pass again");
    }

    /** Non-leaf tensors reachable from {@code root}, each after all the tensors it depends on. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // Iterative post-order DFS: a frame is (tensor, index of next input to visit).
        Deque<Object[]> stack = new ArrayDeque<>();
        visited.add(root);
        stack.push(new Object[] {root, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Tensor[] inputs = t.creator.inputs;
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in.creator != null && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
