package org.myelin.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.autodiff.Tensor;
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

    /**
     * Adds each parameter's gradient norm to the epoch's sums.
     *
     * @return the name of the first parameter whose gradient norm is not finite, or null
     */
    String addGradientNorms(Map<String, Tensor> params) {
        String bad = null;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            INDArray g = e.getValue().grad();
            double n = g == null ? 0.0 : g.norm2Number().doubleValue();
            if (!Double.isFinite(n) && bad == null) {
                bad = e.getKey();
            }
            gradNormSums.merge(e.getKey(), n, Double::sum);
        }
        gradNormCount++;
        return bad;
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

    public long step() {
        return step;
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
        return m;
    }

    /** Restores a state written by {@link #toMap()}. */
    public void restore(Map<String, Object> m) {
        epoch = num(m, "epoch").intValue();
        batch = num(m, "batch").intValue();
        step = num(m, "step").longValue();
        lossSum = num(m, "lossSum").doubleValue();
        samples = num(m, "samples").longValue();
        correct = num(m, "correct").longValue();
        seconds = num(m, "seconds").doubleValue();
        gradNormCount = num(m, "gradNormCount").longValue();
        gradNormSums.clear();
        Object sums = m.get("gradNormSums");
        if (sums instanceof Map<?, ?> s) {
            s.forEach((k, v) -> gradNormSums.put(String.valueOf(k), ((Number) v).doubleValue()));
        }
        if (epoch < 0 || batch < 0 || step < 0) {
            throw new IllegalArgumentException("trainer state: negative position epoch=" + epoch + " batch=" + batch
                    + " step=" + step);
        }
    }

    private static Number num(Map<String, Object> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("trainer state: '" + key + "' must be a number, was " + o);
        }
        return n;
    }
}
