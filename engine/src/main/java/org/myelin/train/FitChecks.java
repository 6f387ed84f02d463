package org.myelin.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.myelin.Profiler;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.ActivationSizes;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The checks {@link Trainer#fit} runs on its data before the first step, public so that a trainer that runs its
 * steps elsewhere (the spark module's {@code SparkTrainer}, whose training data lives on the executors) refuses the
 * same data with the same messages, under its own name ({@code who}: "Trainer", "SparkTrainer"), before any work.
 * Each refusal is one IllegalArgumentException naming the set ({@code what}: "training", "validation"), the expected
 * and the actual value. None changes the model: a pass runs without recording, its mode and buffers restored.
 */
public final class FitChecks {

    private FitChecks() {}

    /** Refuses a missing or empty set: {@code "Trainer: the training set is empty"}. */
    public static void requireData(String who, String what, Dataset d) {
        if (d == null) {
            throw new IllegalArgumentException(who + ": the " + what + " set must not be null");
        }
        if (d.size() == 0) {
            throw new IllegalArgumentException(who + ": the " + what + " set is empty");
        }
    }

    /** Refuses fewer than 2 target columns for the losses that read one-hot rows (softmax and categorical). */
    public static void requireTargetColumns(String who, LossFunction loss, long numTargets) {
        if ((loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY)
                && numTargets < 2) {
            throw new IllegalArgumentException(who + ": " + loss.id() + " needs one-hot targets with at least 2"
                    + " columns, the training targets have " + numTargets + "; use Dataset.asOneHot() or"
                    + " binary_cross_entropy_with_logits for a single 0/1 column");
        }
    }

    /**
     * {@link #requireTargetRange(String, LossFunction, String, double, double)} of {@code d}'s targets, after
     * {@link #requireData}.
     */
    public static void requireTargetRange(String who, LossFunction loss, String what, Dataset d) {
        requireData(who, what, d);
        if (!loss.isClassification()) {
            return;
        }
        requireTargetRange(
                who,
                loss,
                what,
                d.targets().minNumber().doubleValue(),
                d.targets().maxNumber().doubleValue());
    }

    /**
     * The classification losses read their targets as probabilities (one-hot rows, soft labels): a target outside
     * [0, 1] (regression values given a classification loss) trained without an error to a negative loss. Refuses
     * targets ranging over [{@code min}, {@code max}] (NaN included) unless within [0, 1].
     */
    public static void requireTargetRange(String who, LossFunction loss, String what, double min, double max) {
        if (!loss.isClassification()) {
            return;
        }
        if (!(min >= 0 && max <= 1)) {
            throw new IllegalArgumentException(who + ": " + loss.id() + " needs targets in [0, 1] (one-hot rows or"
                    + " class probabilities), the " + what + " targets range over [" + min + ", " + max + "]");
        }
    }

    /**
     * Runs the model and the loss on the first samples of {@code d} (at most 2) before anything is trained, without
     * recording and in evaluation mode, so that data that does not fit the model (feature or target widths, data
     * type, the loss's expectations) is refused before the first step changes weights, running statistics or the
     * optimiser. Without it the error came after batch norm had updated its statistics in the first forward pass,
     * or for a validation set after a whole epoch of training. When {@code oneSampleBatch} holds why a training pass
     * will see a single sample (for the message), the model also runs once in training mode on one sample (batch norm
     * refuses that). The model's buffers and mode are restored afterwards. {@link #requireData} runs first.
     */
    public static void requireFitsModel(
            String who, Module model, LossFunction loss, String what, Dataset d, Optional<String> oneSampleBatch) {
        requireData(who, what, d);
        boolean wasTraining = model.isTraining();
        Map<String, INDArray> buffers = copyBuffers(model);
        String where = "";
        try (Profiler.Pause notAStep = Profiler.pause();
                var scope = Autograd.noGrad()) {
            model.eval();
            Dataset head = d.subset(IntStream.range(0, Math.min(2, d.size())).toArray());
            // The targets' values were checked already (a Dataset holds finite ones, requireTargetRange their range):
            // this pass is about shapes and types, so it skips apply()'s three ND4J scans of them.
            loss.applyToCheckedTargets(
                    model.forward(Tensor.constant(head.features())), Tensor.constant(head.targets()));
            if (oneSampleBatch.isPresent()) {
                where = " (" + oneSampleBatch.get() + ")";
                model.train();
                model.forward(Tensor.constant(head.subset(new int[] {0}).features()));
            }
        } catch (ActivationSizes.BatchTooLarge e) {
            // The check's own pass is sized as a prediction; its advice (predict in smaller batches) is not the
            // caller's, and the data does fit the model's shapes.
            throw e.reworded(who + ": the model's pass over " + e.batch() + " " + what + " samples, run before the"
                    + " first step, does not fit the memory limit: " + e.detail());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    who + ": the " + what + " set does not fit the model" + where + ": " + e.getMessage(), e);
        } finally {
            restoreBuffers(model, buffers);
            model.train(wasTraining);
        }
    }

    /**
     * Refuses, before the first epoch's training rather than after it, a validation set whose evaluation in batches
     * of {@code evaluationBatchSize} ({@link TrainingOptions#evaluationBatchSize()}) would not fit the memory limit
     * ({@link Evaluation#requireBatchFits}); the message names the option.
     *
     * @throws ActivationSizes.BatchTooLarge (an IllegalArgumentException) when the pass does not fit
     */
    public static void requireEvaluationBatchFits(
            String who, Module model, Dataset validation, int evaluationBatchSize) {
        try {
            Evaluation.requireBatchFits(model, validation, evaluationBatchSize);
        } catch (ActivationSizes.BatchTooLarge e) {
            throw e.reworded(
                    who + ": the validation set in batches of TrainingOptions.evaluationBatchSize: " + e.getMessage());
        }
    }

    /**
     * Every check of a validation set, in {@link Trainer#fit}'s order: given and not empty (null is no validation
     * and passes), targets in range, fits the model, its evaluation batch fits the memory limit.
     */
    public static void requireValidation(
            String who, Module model, LossFunction loss, TrainingOptions options, Dataset validation) {
        if (validation == null) {
            return;
        }
        requireTargetRange(who, loss, "validation", validation);
        requireFitsModel(who, model, loss, "validation", validation, Optional.empty());
        requireEvaluationBatchFits(who, model, validation, options.evaluationBatchSize());
    }

    /** Copies of the model's buffers (running statistics), to restore after a pass that must leave no trace. */
    static Map<String, INDArray> copyBuffers(Module model) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        model.namedBuffers().forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    /** Copies {@link #copyBuffers}' arrays back into the model's buffers. */
    static void restoreBuffers(Module model, Map<String, INDArray> copies) {
        Map<String, INDArray> buffers = model.namedBuffers();
        copies.forEach((k, v) -> buffers.get(k).assign(v));
    }
}
