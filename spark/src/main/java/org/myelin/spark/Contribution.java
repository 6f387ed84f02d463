package org.myelin.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What the partitions of one round send back, reduced with Spark's {@code reduce}: one {@link Part} per
 * partition, kept in partition order. Spark merges task results in the order they arrive, and float addition is
 * not associative, so the driver adds the parts itself, always in partition order: a retried or re-scheduled
 * task cannot change a round's result in the last bit.
 */
final class Contribution implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One partition's result.
     *
     * @param values    synchronous mode: the gradient of the summed loss over its rows; local steps: its
     *                  parameters times its sample count
     * @param buffers   module buffers (batch-norm statistics) times its sample count
     * @param state     local steps: optimiser state times its sample count (null in synchronous mode)
     * @param lossSum   sum over its samples of the per-sample loss
     * @param samples   samples trained on
     * @param correct   correctly classified samples (classification)
     * @param computeNanos time spent in the engine
     */
    record Part(
            int partition,
            Values values,
            Values buffers,
            Values state,
            double lossSum,
            long samples,
            long correct,
            long computeNanos)
            implements Serializable {}

    private final List<Part> parts;

    Contribution(Part part) {
        this.parts = List.of(part);
    }

    private Contribution(List<Part> parts) {
        this.parts = parts;
    }

    /** The parts of both, in partition order (the reduce function). */
    static Contribution merge(Contribution a, Contribution b) {
        List<Part> all = new ArrayList<>(a.parts.size() + b.parts.size());
        all.addAll(a.parts);
        all.addAll(b.parts);
        all.sort((x, y) -> Integer.compare(x.partition(), y.partition()));
        return new Contribution(List.copyOf(all));
    }

    List<Part> parts() {
        return parts;
    }

    /** The parts added in partition order; parts without samples are skipped. Null when no part had samples. */
    Part total() {
        Values values = null;
        Values buffers = null;
        Values state = null;
        double loss = 0;
        long samples = 0;
        long correct = 0;
        long compute = 0;
        for (Part p : parts) {
            compute = Math.max(compute, p.computeNanos());
            if (p.samples() == 0) {
                continue;
            }
            values = add(values, p.values());
            buffers = add(buffers, p.buffers());
            state = add(state, p.state());
            loss += p.lossSum();
            samples += p.samples();
            correct += p.correct();
        }
        return samples == 0 ? null : new Part(-1, values, buffers, state, loss, samples, correct, compute);
    }

    private static Values add(Values sum, Values v) {
        if (v == null) {
            return sum;
        }
        if (sum == null) {
            return v.copy();
        }
        sum.addInPlace(v);
        return sum;
    }

    /** The slowest partition's compute time. */
    long maxComputeNanos() {
        long m = 0;
        for (Part p : parts) {
            m = Math.max(m, p.computeNanos());
        }
        return m;
    }
}
