package org.myelin.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a training run stands: the epoch (0-based) and batch within it, the global step, and the running sums
 * of the current epoch. Saved in checkpoints so that a resumed run continues exactly where it stopped.
 */
public final class TrainerState {
    int epoch;
    int batch;
    long step;
    double lossSum;
    long samples;
    long correct;
    double seconds;
    final Map<String, Double> gradNormSums = new LinkedHashMap<>();
    long gradNormCount;
    /** The largest step a checkpoint may hold: 2^53, beyond which a double (the schedules') rounds it. */
    static final long MAX_STEP = 1L << 53;

    /** Factor on the learning rate left by divergence rollbacks (1 without any); kept across epochs. */
    double learningRateScale = 1.0;
    /** Batches skipped over the whole run by the skip divergence policy. */
    long skippedBatches;
    /** The batch size that {@link #batch} counts in (0: not known, a checkpoint written before it was saved). */
    int batchSize;

    /**
     * Adds each parameter's gradient norm to the epoch's sums, unless one of them is not finite.
     *
     * @return the name of the first parameter whose gradient norm is not finite (nothing is added then), or null
     */
    String addGradientNorms(Map<String, Tensor> params) {
        Map<String, Double> norms = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            INDArray g = e.getValue().grad();
            double squares = g == null ? 0.0 : Kernels.active().sumOfSquares(g);
            double n = Math.sqrt(squares);
            // The sum is taken in float64, where it does not overflow; for a float32 gradient a sum of squares that
            // float32 cannot hold (norm > 1.8e19) counts as diverged, as in a float32 norm (ND4J's, PyTorch's):
            // such a step would throw the weights far out of range.
            if (!Double.isFinite(n) || (g.dataType() == DataType.FLOAT && squares > Float.MAX_VALUE)) {
                return e.getKey();
            }
            norms.put(e.getKey(), n);
        }
        norms.forEach((k, n) -> gradNormSums.merge(k, n, Double::sum));
        gradNormCount++;
        return null;
    }

    void nextEpoch() {
        epoch++;
        batch = 0;
        lossSum = 0;
        samples = 0;
        correct = 0;
        seconds = 0;
        gradNormSums.clear();
        gradNormCount = 0;
    }

    /** Epochs completed before the current one. */
    public int epochsCompleted() {
        return epoch;
    }

    /** Batches completed in the current epoch (0 at an epoch's start). */
    public int batch() {
        return batch;
    }

    public long step() {
        return step;
    }

    /** The factor divergence rollbacks have put on the learning rate (1 without any). */
    public double learningRateScale() {
        return learningRateScale;
    }

    /** Batches skipped so far by the skip divergence policy. */
    public long skippedBatches() {
        return skippedBatches;
    }

    /** The state as JSON-compatible values. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("batch", batch);
        m.put("step", step);
        m.put("lossSum", lossSum);
        m.put("samples", samples);
        m.put("correct", correct);
        m.put("seconds", seconds);
        m.put("gradNormSums", new LinkedHashMap<>(gradNormSums));
        m.put("gradNormCount", gradNormCount);
        m.put("learningRateScale", learningRateScale);
        m.put("skippedBatches", skippedBatches);
        m.put("batchSize", batchSize);
        return m;
    }

    /** Restores a state written by {@link #toMap()}. */
    public void restore(Map<String, Object> m) {
        // Everything is read and checked first: a bad value leaves this state unchanged.
        long e = whole(m, "epoch");
        long b = whole(m, "batch");
        long s = whole(m, "step");
        long n = whole(m, "samples");
        long c = whole(m, "correct");
        long g = whole(m, "gradNormCount");
        double loss = num(m, "lossSum").doubleValue();
        double secs = num(m, "seconds").doubleValue();
        // Absent from checkpoints written before divergence policies existed.
        double scale = m.get("learningRateScale") == null
                ? 1.0
                : num(m, "learningRateScale").doubleValue();
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("trainer state: 'learningRateScale' must be in (0, 1], was " + scale);
        }
        long skipped = m.get("skippedBatches") == null ? 0 : whole(m, "skippedBatches");
        long size = m.get("batchSize") == null ? 0 : whole(m, "batchSize");
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("trainer state: 'batchSize' is " + size + ", more than an int");
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        Object o = m.get("gradNormSums");
        if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> x : map.entrySet()) {
                if (!(x.getValue() instanceof Number v)) {
                    throw new IllegalArgumentException(
                            "trainer state: 'gradNormSums." + x.getKey() + "' must be a number, was " + x.getValue());
                }
                if (!(v.doubleValue() >= 0) || Double.isInfinite(v.doubleValue())) {
                    throw new IllegalArgumentException("trainer state: 'gradNormSums." + x.getKey()
                            + "' must be finite and >= 0 (a sum of norms), was " + v);
                }
                sums.put(String.valueOf(x.getKey()), v.doubleValue());
            }
        } else if (o != null) {
            throw new IllegalArgumentException("trainer state: 'gradNormSums' must be an object, was " + o);
        }
        // epoch + 1 and batch + 1 are shown and counted on: the largest int would wrap negative.
        if (e >= Integer.MAX_VALUE || b >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("trainer state: position epoch=" + e + " batch=" + b
                    + " is out of range (each at most " + (Integer.MAX_VALUE - 1) + ")");
        }
        // The schedules take the step as a double and add to it: beyond 2^53 it rounds, near 2^63 it wraps.
        if (s > MAX_STEP) {
            throw new IllegalArgumentException(
                    "trainer state: 'step' must be at most " + MAX_STEP + " (2^53), was " + s);
        }
        if (c > n) {
            throw new IllegalArgumentException("trainer state: 'correct' must be at most 'samples' = " + n
                    + " (the epoch's correct predictions among its samples), was " + c);
        }
        if (!Double.isFinite(loss) || (n == 0 && loss != 0)) {
            throw new IllegalArgumentException("trainer state: 'lossSum' must be finite (and 0 while 'samples' is 0),"
                    + " was " + loss + " with samples " + n);
        }
        if (!(secs >= 0) || Double.isInfinite(secs)) {
            throw new IllegalArgumentException("trainer state: 'seconds' must be finite and >= 0, was " + secs);
        }
        epoch = (int) e;
        batch = (int) b;
        step = s;
        lossSum = loss;
        samples = n;
        correct = c;
        seconds = secs;
        gradNormCount = g;
        gradNormSums.clear();
        gradNormSums.putAll(sums);
        learningRateScale = scale;
        skippedBatches = skipped;
        batchSize = (int) size;
    }

    private static long whole(Map<String, Object> m, String key) {
        Number n = num(m, key);
        long exact = org.myelin.io.Json.exactLong(n).orElse(-1); // never wraps or rounds a huge number
        if (exact < 0) {
            throw new IllegalArgumentException("trainer state: '" + key + "' must be a whole number >= 0, was " + n);
        }
        return exact;
    }

    private static Number num(Map<String, Object> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("trainer state: '" + key + "' must be a number, was " + o);
        }
        return n;
    }
}
