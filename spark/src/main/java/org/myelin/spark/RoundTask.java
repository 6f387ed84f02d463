package org.myelin.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.myelin.Blas;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Batches;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.MaxNormConstraint;
import org.myelin.train.DivergenceException;
import org.myelin.train.StepWorkspace;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The work of one partition in one round, run by Spark on the partition's cached {@link Shard}. A pure function of
 * the round's broadcast state, the shard and the round's numbers: a retried task computes the same result.
 *
 * <p>Synchronous mode ({@code localSteps == 0}): the round is global step {@code batch} of epoch {@code epoch}; its
 * batch is the same one the engine's {@link org.myelin.train.Trainer} would take, rows
 * {@code order[batch B, (batch + 1) B)} of {@link Batches#shuffledOrder}(N, seed, epoch). The partition computes
 * the gradient of the summed loss over the rows of that batch that it holds (none: an empty part).
 *
 * <p>Local steps: the partition takes {@code steps} optimiser steps from the broadcast parameters and optimiser
 * state. Its step {@code s} (global optimiser step count) uses local batch {@code s mod S_p} of local epoch
 * {@code s div S_p} ({@code S_p} batches of b per epoch of its own shard), in the shard's permutation seeded by
 * (seed, partition, local epoch), and the learning rate the driver computed for step {@code s}.
 */
final class RoundTask implements FlatMapFunction<Iterator<Shard>, Contribution> {
    private static final long serialVersionUID = 1L;

    private static final String WORKSPACE_ID = "myelin-spark-step";

    /** Indices into the broadcast array. */
    static final int PARAMETERS = 0;

    static final int BUFFERS = 1;
    static final int STATE = 2;

    private final Job job;
    private final Broadcast<Values[]> state;
    private final long round;
    private final int epoch;
    private final int batch;
    private final long stepBefore;
    private final double[] rates;

    /**
     * @param round      0-based round number (for messages)
     * @param epoch      synchronous mode: the 0-based epoch of the round's step
     * @param batch      synchronous mode: the batch index within the epoch
     * @param stepBefore optimiser steps completed before the round
     * @param rates      local steps: the learning rate of each of the round's steps (their count is K)
     */
    RoundTask(Job job, Broadcast<Values[]> state, long round, int epoch, int batch, long stepBefore, double[] rates) {
        this.job = job;
        this.state = state;
        this.round = round;
        this.epoch = epoch;
        this.batch = batch;
        this.stepBefore = stepBefore;
        this.rates = rates;
    }

    @Override
    public Iterator<Contribution> call(Iterator<Shard> shards) {
        Blas.select(); // before this executor JVM loads ND4J (a shard shipped from the driver has not yet)
        if (!shards.hasNext()) {
            return java.util.Collections.emptyIterator();
        }
        Shard shard = shards.next();
        Workers.Worker w = Workers.borrow(job);
        try {
            Values[] s = state.value();
            s[PARAMETERS].copyInto(w.parameters);
            s[BUFFERS].copyInto(w.buffers);
            w.model.train();
            Contribution.Part part = rates == null ? gradient(w, shard) : localSteps(w, shard, s[STATE]);
            return List.of(new Contribution(part)).iterator();
        } finally {
            Workers.release(w);
        }
    }

    private Contribution.Part gradient(Workers.Worker w, Shard shard) {
        long start = job.starts()[shard.partition];
        int[] order = Batches.shuffledOrder(job.samples(), job.seed(), epoch);
        int from = batch * job.batchSize();
        int to = Math.min(from + job.batchSize(), order.length);
        int[] rows = new int[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            long local = order[i] - start;
            if (local >= 0 && local < shard.rows) {
                rows[n++] = (int) local;
            }
        }
        DataType type = shard.dataType();
        if (n == 0) {
            return new Contribution.Part(shard.partition, null, null, null, 0, 0, 0, 0);
        }
        rows = Arrays.copyOf(rows, n);
        INDArray x = shard.features();
        INDArray t = shard.targets();
        reseedDropouts(w, stepBefore, shard.partition);
        long t0 = System.nanoTime();
        try (MemoryWorkspace ws = StepWorkspace.open(WORKSPACE_ID)) {
            INDArray xb = Nd4j.pullRows(x, 1, rows);
            INDArray tb = Nd4j.pullRows(t, 1, rows);
            Tensor out = w.model.forward(Tensor.constant(xb));
            Tensor loss = job.loss().apply(out, Tensor.constant(tb));
            double mean = loss.item();
            // The loss is a mean over these n rows; seeding backward with n gives the gradient of their sum.
            loss.backward(Nd4j.valueArrayOf(
                    loss.value().shape(), (double) n, loss.value().dataType()));
            Values grads = Values.of(gradients(w), type);
            Values buffers = Values.of(w.buffers, type);
            buffers.scaleInPlace(n);
            long correct = correct(out.value(), tb);
            return new Contribution.Part(
                    shard.partition, grads, buffers, null, mean * n, n, correct, System.nanoTime() - t0);
        } finally {
            w.model.zeroGrad();
        }
    }

    private Contribution.Part localSteps(Workers.Worker w, Shard shard, Values optimizerState) {
        optimizerState.copyInto(w.state);
        w.optimizer.setSteps(stepBefore);
        int b = job.localBatch();
        int n = shard.rows;
        int perEpoch = job.dropLast() ? n / b : (n + b - 1) / b;
        if (perEpoch == 0) {
            throw new IllegalArgumentException("partition " + shard.partition + " has " + n + " samples, fewer than"
                    + " its local batch of " + b + " (dropLast)");
        }
        INDArray x = shard.features();
        INDArray t = shard.targets();
        List<GradientTransform> transforms = job.regularization().transforms();
        List<MaxNormConstraint> constraints = job.regularization().constraints();
        Map<String, Tensor> params = w.model.namedParameters();
        int[] order = null;
        long orderEpoch = -1;
        double lossSum = 0;
        long samples = 0;
        long correct = 0;
        long t0 = System.nanoTime();
        for (int k = 0; k < rates.length; k++) {
            long step = stepBefore + k;
            long localEpoch = step / perEpoch;
            int j = (int) (step % perEpoch);
            if (localEpoch != orderEpoch) {
                order = Batches.shuffledOrder(n, mix(job.seed(), shard.partition, 0), (int) localEpoch);
                orderEpoch = localEpoch;
            }
            int[] rows = Arrays.copyOfRange(order, j * b, Math.min(j * b + b, n));
            w.optimizer.setLearningRate(rates[k]);
            reseedDropouts(w, step, shard.partition);
            try (MemoryWorkspace ws = StepWorkspace.open(WORKSPACE_ID)) {
                INDArray xb = Nd4j.pullRows(x, 1, rows);
                INDArray tb = Nd4j.pullRows(t, 1, rows);
                Tensor out = w.model.forward(Tensor.constant(xb));
                Tensor loss = job.loss().apply(out, Tensor.constant(tb));
                double value = loss.item();
                if (!Double.isFinite(value)) {
                    throw new DivergenceException("training diverged: the loss is " + value + " at step " + (step + 1)
                            + " (round " + (round + 1) + ", partition " + shard.partition
                            + "); lower the learning rate or clip gradients");
                }
                loss.backward();
                for (GradientTransform g : transforms) {
                    g.apply(params);
                }
                w.optimizer.step();
                w.optimizer.zeroGrad();
                for (MaxNormConstraint c : constraints) {
                    c.apply(params);
                }
                lossSum += value * rows.length;
                samples += rows.length;
                correct += correct(out.value(), tb);
            } finally {
                w.model.zeroGrad();
            }
        }
        long compute = System.nanoTime() - t0;
        DataType type = shard.dataType();
        Values p = Values.of(w.parameters, type);
        Values buffers = Values.of(w.buffers, type);
        Values st = Values.of(w.state, type);
        p.scaleInPlace(samples);
        buffers.scaleInPlace(samples);
        st.scaleInPlace(samples);
        return new Contribution.Part(shard.partition, p, buffers, st, lossSum, samples, correct, compute);
    }

    /** The parameters' gradients in wire order; zeros for a parameter the backward pass did not reach. */
    private static List<INDArray> gradients(Workers.Worker w) {
        return w.model.namedParameters().values().stream()
                .map(p -> p.grad() != null
                        ? p.grad()
                        : Nd4j.zeros(p.value().dataType(), p.value().shape()))
                .toList();
    }

    /** Dropout masks depend only on (seed, step, partition, layer): a retried task draws the same ones. */
    private void reseedDropouts(Workers.Worker w, long step, int partition) {
        for (int i = 0; i < w.dropouts.size(); i++) {
            w.dropouts.get(i).reseed(mix(job.seed(), step, (long) partition << 20 | i));
        }
    }

    /** Correct predictions: argmax for several output columns, the 0.5/0 threshold for one. */
    static long correct(INDArray output, INDArray target) {
        if (target.columns() > 1) {
            return output.argMax(1)
                    .eq(target.argMax(1))
                    .castTo(DataType.INT64)
                    .sumNumber()
                    .longValue();
        }
        return 0;
    }

    /** SplitMix64 of three values. */
    static long mix(long a, long b, long c) {
        long z = a + 0x9E3779B97F4A7C15L * (b + 1) + 0xBF58476D1CE4E5B9L * (c + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
