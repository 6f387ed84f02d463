package org.myelin.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.myelin.MemoryLimit;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Splits a dataset into batches for one epoch at a time, optionally in a seeded random order.
 *
 * <p>Batch, stochastic and mini-batch gradient descent are one loop with three names (CS 489 §14.1-14.2, MIT 6.390
 * §6.7.1; see docs/notes.md): a batch size of N (the dataset size) gives batch gradient descent, one step per epoch on
 * the whole set; a batch size of 1 gives stochastic gradient descent, one step per sample; anything in between gives
 * mini-batch descent. The trainer runs the same loop over {@link #epoch(int)} in every case.
 *
 * <p>Order: without shuffling, rows {@code 0..N-1} in turn. With {@link #shuffled(long) shuffling}, epoch {@code e}
 * visits the rows in a permutation that depends only on {@code (seed, e)}: the same seed replays the same orders,
 * different epochs get different orders, and every sample appears exactly once per epoch (once at most when the
 * last partial batch is dropped).
 *
 * <p>Last batch: when B does not divide N, the last batch has {@code N mod B} rows; it is kept by default and
 * dropped with {@link #dropLast(boolean) dropLast(true)}.
 *
 * <p>Rows are gathered with one bulk memory copy per row ({@code RowCopy}; {@code Nd4j.pullRows} for sources it
 * cannot copy directly), never element by element. With
 * {@link #reuseBuffers(boolean) reuseBuffers(true)} every full batch is written into the same two arrays (one more
 * pair for a kept partial batch), so a step allocates nothing; a batch's arrays are then valid only until the next
 * batch is produced, and this object must not be iterated by two threads at once. {@link #reuseBuffers(Buffers)}
 * hands in the arrays of an earlier {@code Batches} (a trainer keeps them per model), so that a new object does not
 * allocate them again.
 *
 * <p>Shapes: dataset {@code X [N, ...]} (any rank >= 2: {@code [N, d]}, images {@code [N, C, H, W]}),
 * {@code Y [N, k]}; each batch {@code [B, ...]} with the dataset's sample shape, {@code [B, k]}.
 * Instances are configured by the copying methods {@code shuffled}, {@code sequential}, {@code dropLast},
 * {@code reuseBuffers}.
 */
public final class Batches {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    /** Where batches are gathered; null: fresh arrays per batch. */
    private final Buffers buffers;

    /**
     * The reused arrays batches are gathered into: one pair for full batches, one for a kept partial batch, each
     * created at its first batch and again only when a batch's shape or type differs. Whoever shares one between
     * {@code Batches} objects iterates one of them at a time.
     */
    public static final class Buffers {
        private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        private INDArray fullX;
        private INDArray fullY;
        private INDArray partX;
        private INDArray partY;

        /**
         * Takes these buffers for one user (a trainer's {@code fit()}): false when another holds them, which then
         * gathers into buffers of its own. Sharing is only safe one iteration at a time, and a gathered batch is
         * overwritten by the next, so two users at once would train on each other's rows.
         */
        public boolean tryTake() {
            return taken.compareAndSet(false, true);
        }

        /** Gives back buffers taken by {@link #tryTake()}. */
        public void giveBack() {
            taken.set(false);
        }

        /**
         * Drops the buffers (the next gather creates them again), unless a user holds them: returns whether they were
         * dropped.
         */
        public boolean release() {
            if (!tryTake()) {
                return false;
            }
            fullX = null;
            fullY = null;
            partX = null;
            partY = null;
            giveBack();
            return true;
        }
    }

    private Batches(Dataset data, int batchSize, boolean shuffle, long seed, boolean dropLast, Buffers buffers) {
        if (data == null) {
            throw new IllegalArgumentException("Batches: dataset is null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batches: batch size must be >= 1, was " + batchSize);
        }
        if (dropLast && batchSize > data.size()) {
            throw new IllegalArgumentException("Batches: batch size " + batchSize + " exceeds the dataset size "
                    + data.size() + " and the last partial batch is dropped, so an epoch would have no batch");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.buffers = buffers;
    }

    /** Sequential batches of {@code batchSize} rows, the last partial batch kept, fresh arrays per batch. */
    public static Batches of(Dataset data, int batchSize) {
        return new Batches(data, batchSize, false, 0L, false, null);
    }

    /** A copy that visits epoch {@code e} in the permutation determined by {@code (seed, e)}. */
    public Batches shuffled(long seed) {
        return new Batches(data, batchSize, true, seed, dropLast, ownBuffers());
    }

    /** A copy that visits rows {@code 0..N-1} in order every epoch. */
    public Batches sequential() {
        return new Batches(data, batchSize, false, 0L, dropLast, ownBuffers());
    }

    /** A copy that drops ({@code true}) or keeps ({@code false}) the last batch when it is smaller than B. */
    public Batches dropLast(boolean drop) {
        return new Batches(data, batchSize, shuffle, seed, drop, ownBuffers());
    }

    /** A copy that writes batches into reused arrays ({@code true}) or fresh arrays ({@code false}). */
    public Batches reuseBuffers(boolean reuseBuffers) {
        return new Batches(data, batchSize, shuffle, seed, dropLast, reuseBuffers ? new Buffers() : null);
    }

    /**
     * A copy that writes batches into {@code buffers}, which may hold the arrays of an earlier {@code Batches}: they
     * are reused where a batch's shape and type match. Only one {@code Batches} sharing them may be iterated at a time.
     */
    public Batches reuseBuffers(Buffers buffers) {
        if (buffers == null) {
            throw new IllegalArgumentException("Batches: buffers must not be null (reuseBuffers(false) for none)");
        }
        return new Batches(data, batchSize, shuffle, seed, dropLast, buffers);
    }

    /** A copy's buffers: its own new ones when this object reuses buffers (copies are iterated independently). */
    private Buffers ownBuffers() {
        return buffers == null ? null : new Buffers();
    }

    /** The dataset being batched. */
    public Dataset dataset() {
        return data;
    }

    /** The batch size B (N: batch, 1: stochastic, in between: mini-batch gradient descent). */
    public int batchSize() {
        return batchSize;
    }

    /** Whether epochs visit rows in a seeded random order. */
    public boolean isShuffled() {
        return shuffle;
    }

    /** Whether a last batch smaller than B is dropped. */
    public boolean dropsLast() {
        return dropLast;
    }

    /** Batches per epoch: {@code floor(N / B)} when the last partial batch is dropped, else {@code ceil(N / B)}. */
    public int numBatches() {
        int n = data.size();
        // Not (n + B - 1) / B: that wraps for a batch size near Integer.MAX_VALUE.
        return dropLast ? n / batchSize : n / batchSize + (n % batchSize == 0 ? 0 : 1);
    }

    /** The order in which epoch {@code epoch} visits the dataset's rows (all N rows, before any drop). */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("Batches: epoch must be >= 0, was " + epoch);
        }
        int n = data.size();
        if (shuffle) {
            return Permutations.permutation(n, seed, epoch);
        }
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        return order;
    }

    /**
     * The order in which a shuffled {@code Batches} with this {@code seed} visits {@code n} rows in epoch
     * {@code epoch}: the permutation {@link #order(int)} returns, computed without a dataset (a distributed trainer's
     * workers each hold a part of the rows and need the global order to find their share of a batch).
     */
    public static int[] shuffledOrder(int n, long seed, int epoch) {
        if (n < 0 || epoch < 0) {
            throw new IllegalArgumentException(
                    "Batches.shuffledOrder: n and epoch must be >= 0, were " + n + " and " + epoch);
        }
        // An int[n] on the heap: n = Integer.MAX_VALUE was an OutOfMemoryError ("Requested array size exceeds VM
        // limit") rather than a refusal.
        MemoryLimit.check("Batches.shuffledOrder: the order of " + n + " rows", n, Integer.BYTES, "indices");
        return Permutations.permutation(n, seed, epoch);
    }

    /** The batches of epoch {@code epoch}, in order; each call of {@code iterator()} replays the same epoch. */
    public Iterable<Batch> epoch(int epoch) {
        int[] order = order(epoch);
        return () -> new BatchIterator(order, epoch);
    }

    private final class BatchIterator implements Iterator<Batch> {
        private final int[] order;
        private final int epoch;
        private final int count = numBatches();
        private int next;

        BatchIterator(int[] order, int epoch) {
            this.order = order;
            this.epoch = epoch;
        }

        @Override
        public boolean hasNext() {
            return next < count;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("Batches: epoch " + epoch + " has only " + count + " batches");
            }
            int from = (int) ((long) next * batchSize);
            int to = (int) Math.min((long) from + batchSize, order.length);
            int[] rows = Arrays.copyOfRange(order, from, to);
            Batch batch = new Batch(
                    gather(data.features(), rows, true), gather(data.targets(), rows, false), rows, epoch, next);
            next++;
            return batch;
        }
    }

    private INDArray gather(INDArray source, int[] rows, boolean isFeatures) {
        if (buffers == null) {
            return Dataset.gatherRows(source, rows);
        }
        if (source.rank() > 2) {
            // Gathered as the row-major [N, d] view into a [B, d] buffer, handed out as a [B, ...] view of it.
            long[] shape = source.shape().clone();
            shape[0] = rows.length;
            return gatherInto(Dataset.asMatrix(source), rows, isFeatures).reshape('c', shape);
        }
        return gatherInto(source, rows, isFeatures);
    }

    private INDArray gatherInto(INDArray source, int[] rows, boolean isFeatures) {
        boolean full = rows.length == batchSize;
        Buffers b = buffers;
        INDArray buffer = full ? (isFeatures ? b.fullX : b.fullY) : (isFeatures ? b.partX : b.partY);
        if (buffer == null
                || buffer.rows() != rows.length
                || buffer.columns() != source.columns()
                || buffer.dataType() != source.dataType()) {
            // Every row is written by the gather below, so the buffer is not zeroed first (3.2 MB at 1,024 MNIST rows).
            // Outside any workspace: the buffers outlive this call (a trainer keeps them per model).
            try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buffer = Nd4j.createUninitialized(source.dataType(), new long[] {rows.length, source.columns()}, 'c');
            }
            if (full) {
                if (isFeatures) {
                    b.fullX = buffer;
                } else {
                    b.fullY = buffer;
                }
            } else if (isFeatures) {
                b.partX = buffer;
            } else {
                b.partY = buffer;
            }
        }
        return RowCopy.gather(source, rows, buffer);
    }
}
