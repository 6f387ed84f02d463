package org.myelin.train;

import java.util.function.Supplier;
import org.myelin.ConfigurationException;
import org.myelin.Preconditions;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.config.Registry;
import org.myelin.kernel.FusedSoftmaxCrossEntropy;
import org.myelin.ops.AbsoluteError;
import org.myelin.ops.BinaryCrossEntropy;
import org.myelin.ops.BinaryCrossEntropyWithLogits;
import org.myelin.ops.CategoricalCrossEntropy;
import org.myelin.ops.LossOp;
import org.myelin.ops.Reduction;
import org.myelin.ops.SquaredError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * A named loss for training: makes a fresh loss op per batch (ops are per-application) and says how a model's
 * raw outputs become predictions (softmax for the fused softmax loss, logistic for the fused logistic one).
 * All reduce by the mean over the batch, so the learning rate does not depend on the batch size. The per-sample
 * losses are summed over the K outputs, so MSE, absolute error and the binary cross-entropies are K times PyTorch's
 * {@code MSELoss}, {@code L1Loss}, {@code BCELoss} and {@code BCEWithLogitsLoss} with {@code reduction='mean'}
 * (which average over all B K elements), loss and gradients alike; the two categorical cross-entropies equal
 * PyTorch's {@code CrossEntropyLoss} / {@code NLLLoss}.
 *
 * <p>A NaN prediction gives a NaN loss with every loss, and a NaN gradient at that output (for the softmax
 * cross-entropy, over its row); an infinite prediction gives a loss that is not finite (NaN or infinity). So a diverged
 * model cannot report a finite loss: the probability losses clamp y, but not a NaN or infinite y.
 */
public enum LossFunction {
    /** Softmax + categorical cross-entropy from logits; classification with K classes. */
    SOFTMAX_CROSS_ENTROPY(
            "softmax_cross_entropy",
            "softmax + cross-entropy from logits (K classes)",
            () -> new FusedSoftmaxCrossEntropy(Reduction.MEAN),
            true),
    /** Categorical cross-entropy of a model whose last layer already outputs probabilities. */
    CATEGORICAL_CROSS_ENTROPY(
            "categorical_cross_entropy",
            "cross-entropy of probabilities (K classes)",
            () -> new CategoricalCrossEntropy(Reduction.MEAN),
            true),
    /** Logistic + Bernoulli cross-entropy from logits; binary (or multi-label) classification. */
    BINARY_CROSS_ENTROPY_WITH_LOGITS(
            "binary_cross_entropy_with_logits",
            "logistic + cross-entropy from logits",
            () -> new BinaryCrossEntropyWithLogits(Reduction.MEAN),
            true),
    /** Bernoulli cross-entropy of probabilities (a logistic last layer). */
    BINARY_CROSS_ENTROPY(
            "binary_cross_entropy",
            "cross-entropy of probabilities (one output)",
            () -> new BinaryCrossEntropy(Reduction.MEAN),
            true),
    /** Mean over samples of ||y - t||^2 (CS 489; see docs/notes.md). */
    MSE("mse", "mean squared error, the squared distance summed over outputs", SquaredError::mse, false),
    /** Mean over samples of 1/2 ||y - t||^2 (CS 479; see docs/notes.md). */
    HALF_SQUARED_ERROR(
            "half_squared_error", "half the squared distance", () -> SquaredError.half(Reduction.MEAN), false),
    /** Mean over samples of sum |y - t|. */
    ABSOLUTE_ERROR(
            "absolute_error",
            "the absolute differences summed over outputs",
            () -> new AbsoluteError(Reduction.MEAN),
            false);

    private final String id;
    private final String help;
    private final Supplier<LossOp> factory;
    private final boolean classification;

    LossFunction(String id, String help, Supplier<LossOp> factory, boolean classification) {
        this.id = id;
        this.help = help;
        this.factory = factory;
        this.classification = classification;
    }

    /** The name used in configs and on the command line. */
    public String id() {
        return id;
    }

    /** Whether accuracy and a confusion matrix are meaningful for this loss. */
    public boolean isClassification() {
        return classification;
    }

    /**
     * For a single-output model, the raw output at or above which the prediction is class 1: 0 for the
     * losses that take logits, 0.5 for those that take probabilities.
     */
    public double decisionThreshold() {
        return this == BINARY_CROSS_ENTROPY_WITH_LOGITS || this == SOFTMAX_CROSS_ENTROPY ? 0.0 : 0.5;
    }

    /** The mean loss of {@code prediction} (the model's raw output) against {@code target}, a scalar tensor. */
    public Tensor apply(Tensor prediction, Tensor target) {
        requireRows(prediction, target);
        requireValidTargets(target.value());
        return Autograd.apply(factory.get(), prediction, target);
    }

    /**
     * {@link #apply} without the scan of the targets, for the trainer's step: {@code fit()} checked every target of
     * its data sets once (a {@link org.myelin.data.Dataset} holds finite targets; the classification range in
     * {@code Trainer.checkTargetRange}), so the step need not pay up to three ND4J reductions (an op dispatch each) per
     * batch again.
     */
    Tensor applyToCheckedTargets(Tensor prediction, Tensor target) {
        requireRows(prediction, target);
        return Autograd.apply(factory.get(), prediction, target);
    }

    private void requireRows(Tensor prediction, Tensor target) {
        if (prediction == null || target == null) {
            throw new IllegalArgumentException(
                    id + ": " + (prediction == null ? "prediction" : "target") + " must not be null");
        }
        // The mean over no rows is 0/0: an empty batch returned NaN instead of an error.
        if (prediction.value().rank() >= 1 && prediction.value().size(0) == 0) {
            throw new IllegalArgumentException(id + ": prediction has shape "
                    + java.util.Arrays.toString(prediction.shape()) + ", expected at least 1 row");
        }
    }

    /**
     * Targets must be finite, and for the cross-entropies in [0, 1] (probabilities, one-hot rows, 0/1 labels): a NaN
     * target made every loss NaN, and a target of 2 or -1 gave a cross-entropy that is no loss at all (negative for
     * -1), silently. The scan is native; only a failing array is searched for the row and column to name.
     */
    private void requireValidTargets(INDArray t) {
        if (t.isEmpty()) {
            return;
        }
        Preconditions.requireFinite(id + ": target", t);
        if (classification
                && (BooleanIndexing.or(t, Conditions.lessThan(0.0))
                        || BooleanIndexing.or(t, Conditions.greaterThan(1.0)))) {
            INDArray flat = t.dup('c').reshape(t.length());
            long index =
                    BooleanIndexing.firstIndex(flat, Conditions.lessThan(0.0)).getLong(0);
            long above = BooleanIndexing.firstIndex(flat, Conditions.greaterThan(1.0))
                    .getLong(0);
            if (index < 0 || (above >= 0 && above < index)) {
                index = above;
            }
            long cols = t.rank() < 2 || t.size(0) == 0 ? 1 : t.length() / t.size(0);
            throw new IllegalArgumentException(id + ": target row " + index / cols + " column " + index % cols + " is "
                    + flat.getDouble(index) + ", expected a value in [0, 1] (a probability, one-hot or 0/1 label)");
        }
    }

    /** Every loss by its {@link #id()}, with its help line, for configs, the command line and the docs. */
    public static final Registry<LossFunction> REGISTRY = registry();

    private static Registry<LossFunction> registry() {
        Registry<LossFunction> r = new Registry<>("loss");
        for (LossFunction f : values()) {
            r.register(f.id, f.help, f);
        }
        return r;
    }

    /**
     * Parses a name as written by {@link #id()} (case-insensitive, '-' or '_').
     *
     * @throws IllegalArgumentException {@code unknown loss 'msee'; did you mean mse?}
     */
    public static LossFunction byName(String name) {
        try {
            return byName("", name);
        } catch (ConfigurationException e) {
            // Passed in code, a name is an argument, not a setting.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * {@link #byName(String)} for the config key at {@code path}, which its message names.
     *
     * @throws ConfigurationException {@code loss: unknown loss 'msee'; did you mean mse?}
     */
    public static LossFunction byName(String path, String name) {
        return REGISTRY.get(path, name == null ? null : name.trim().replace('-', '_'));
    }
}
