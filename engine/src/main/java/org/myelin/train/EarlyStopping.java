package org.myelin.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training when the validation loss has not improved by more than {@code minDelta} for {@code patience}
 * epochs, and (optionally) restores the weights of the best epoch (Oxford ML, MIT 6.390 §6.8.1.1; see docs/notes.md).
 */
public final class EarlyStopping implements Callback {
    private static final Logger log = LoggerFactory.getLogger(EarlyStopping.class);

    private final int patience;
    private final double minDelta;
    private final boolean restoreBest;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch = -1;
    private int waited;
    private Map<String, INDArray> bestWeights;

    public EarlyStopping(int patience, double minDelta, boolean restoreBest) {
        if (patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 1, was " + patience);
        }
        // +Infinity was accepted: no loss can then improve on the best by minDelta, so no epoch is ever the best.
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0 and finite, was " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBest = restoreBest;
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochRecord r) {
        double v = r.validationLoss();
        if (Double.isNaN(v)) {
            throw new IllegalStateException("EarlyStopping needs validation data: epoch " + r.epoch()
                    + " has no validation loss; pass a validation set to the trainer");
        }
        if (v < best - minDelta) {
            best = v;
            bestEpoch = r.epoch();
            waited = 0;
            if (restoreBest) {
                bestWeights = snapshot(
                        trainer.model().namedParameters(), trainer.model().namedBuffers());
            }
            return false;
        }
        waited++;
        if (waited >= patience) {
            log.info(
                    "early stopping after epoch {}: validation loss has not improved for {} epochs (best {} at epoch {})",
                    r.epoch(),
                    patience,
                    best,
                    bestEpoch);
            return true;
        }
        return false;
    }

    @Override
    public void onTrainEnd(Trainer trainer, History history) {
        if (restoreBest && bestWeights != null) {
            Map<String, Tensor> params = trainer.model().namedParameters();
            Map<String, INDArray> buffers = trainer.model().namedBuffers();
            bestWeights.forEach((name, saved) -> {
                INDArray target = params.containsKey(name) ? params.get(name).value() : buffers.get(name);
                target.assign(saved);
            });
            log.info("restored the weights of epoch {} (validation loss {})", bestEpoch, best);
        }
    }

    /** The epoch with the lowest validation loss so far (1-based), or -1 before the first epoch. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double bestValidationLoss() {
        return best;
    }

    private static Map<String, INDArray> snapshot(Map<String, Tensor> params, Map<String, INDArray> buffers) {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        params.forEach((k, t) -> copy.put(k, t.value().dup()));
        buffers.forEach((k, b) -> copy.put(k, b.dup()));
        return copy;
    }
}
