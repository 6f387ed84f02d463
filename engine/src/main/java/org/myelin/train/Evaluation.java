package org.myelin.train;

import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.kernel.Kernels;
import org.myelin.nn.ActivationSizes;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * A model's loss (and, for classification, accuracy and confusion matrix) on a data set, computed in
 * evaluation mode without recording a graph. The model's mode is restored afterwards. Evaluations of one model
 * from several threads run one at a time (each holds the model's monitor), so each sees evaluation mode throughout.
 * A sample whose output holds NaN has no predicted class ({@link ConfusionMatrix#NO_CLASS}) and counts as wrong; the
 * loss is NaN then. A batch size whose pass would not fit the memory limit is refused before the first pass
 * ({@link #requireBatchFits}).
 */
public record Evaluation(double loss, double accuracy, ConfusionMatrix confusion, long samples) {

    public static Evaluation of(Module model, LossFunction loss, Dataset data, int batchSize) {
        if (model == null || loss == null || data == null) {
            throw new IllegalArgumentException(
                    "Evaluation: " + (model == null ? "model" : loss == null ? "loss" : "data") + " must not be null");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("Evaluation: batch size must be >= 1, was " + batchSize);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("Evaluation: the data set has no samples, expected at least 1");
        }
        requireBatchFits(model, data, batchSize);
        // The mode is the model's, not the call's: two evaluations of one model at once would switch each other
        // into training mode half-way (batch norm then updates its running statistics) and leave the wrong mode.
        synchronized (model) {
            return evaluate(model, loss, data, batchSize);
        }
    }

    /**
     * Refuses, before any pass, evaluating {@code model} on {@code data} in batches of {@code batchSize} whose pass
     * would exceed {@link org.myelin.MemoryLimit}. Each batch runs in the evaluation's workspace, which holds every
     * layer's output (and a convolution's im2col matrix) of the pass at once, so their sum for one batch (at most the
     * data's samples; {@link ActivationSizes}) must fit: the measure of a prediction
     * ({@link Module#requirePredictionFits}), not the training check's layer by layer, which a batch can pass while
     * its pass as a whole does not. The message names the batch size, the batch's largest layer, the bytes, the limit
     * and the largest batch that fits; {@code myelin eval} words the same refusal for its {@code --batch-size} and a
     * training job picks its evaluation batch with it. A custom model (a {@link Module} subclass with its own
     * forward) is counted only up to its first custom module ({@link ActivationSizes#of}): its layers run in the
     * evaluation's workspace unsized.
     *
     * @throws ActivationSizes.BatchTooLarge (an IllegalArgumentException) when the pass does not fit
     */
    public static void requireBatchFits(Module model, Dataset data, int batchSize) {
        long[] features = data.featureShape();
        long[] shape = new long[features.length + 1];
        shape[0] = Math.min(batchSize, data.size());
        System.arraycopy(features, 0, shape, 1, features.length);
        // The activations take the parameters' data type; those of a model without parameters, the data's.
        int width = model.parameters().isEmpty()
                ? data.features().dataType().width()
                : model.parameters().get(0).dataType().width();
        try {
            ActivationSizes.requireBatchFits("", model, shape, width, null);
        } catch (ActivationSizes.BatchTooLarge e) {
            throw e.reworded("Evaluation: batch size " + batchSize + " is too large for the model: " + e.detail()
                    + (e.maxBatch() >= 1
                            ? "; or evaluate in batches of at most " + e.maxBatch() + " samples"
                            : "; one sample does not fit"));
        }
    }

    private static Evaluation evaluate(Module model, LossFunction loss, Dataset data, int batchSize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        ConfusionMatrix cm = loss.isClassification()
                ? new ConfusionMatrix(Math.max(2, (int) data.targets().size(1)))
                : null;
        double lossSum = 0;
        int n = data.size();
        try (var scope = Autograd.noGrad()) {
            for (int start = 0; start < n; start = (int) Math.min(n, (long) start + batchSize)) { // never wraps
                int end = (int) Math.min(n, (long) start + batchSize);
                Dataset part = data.rows(start, end);
                INDArray x = part.features();
                INDArray t = part.targets();
                try (MemoryWorkspace ws = StepWorkspace.open("myelin-evaluation")) {
                    Tensor out = model.forward(Tensor.constant(x));
                    lossSum += loss.apply(out, Tensor.constant(t)).item() * (end - start);
                    if (cm != null) {
                        cm.add(classes(t, 0.5), predictedClasses(out.value(), loss.decisionThreshold()));
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new Evaluation(lossSum / n, cm == null ? Double.NaN : cm.accuracy(), cm, n);
    }

    /**
     * Class of each row: the arg-max over several columns ({@link org.myelin.kernel.ElementwiseKernels#argMaxRows},
     * the first column holding the maximum); for a single column (binary), 1 where the value is at least
     * {@code threshold} (0 for logits, 0.5 for probabilities and 0/1 targets).
     */
    static int[] classes(INDArray rows, double threshold) {
        if (rows.size(1) == 1) {
            return rows.reshape(rows.size(0))
                    .gte(threshold)
                    .castTo(DataType.INT32)
                    .toIntVector();
        }
        return Kernels.active().argMaxRows(rows);
    }

    /**
     * {@link #classes} of a model's outputs, with {@link ConfusionMatrix#NO_CLASS} for a row holding NaN: the arg-max
     * passes over NaN (a NaN is never greater) and NaN >= threshold is false, so a NaN row read as a class, and a model
     * whose outputs were all NaN scored the share of class 0 (0.9 on data with 90% negatives). One ND4J scan per
     * batch; the rows are located only when it finds a NaN. The trainer's running accuracy needs no such scan: its
     * step stops at the NaN loss that such an output gives with every loss.
     */
    static int[] predictedClasses(INDArray output, double threshold) {
        int[] p = classes(output, threshold);
        if (BooleanIndexing.or(output, Conditions.isNan())) {
            INDArray rows = output.reshape(output.size(0), output.length() / output.size(0));
            long[] nanPerRow = rows.isNaN().castTo(DataType.INT64).sum(1).toLongVector();
            for (int i = 0; i < p.length; i++) {
                if (nanPerRow[i] > 0) {
                    p[i] = ConfusionMatrix.NO_CLASS;
                }
            }
        }
        return p;
    }

    /** Number of rows whose predicted class (arg-max) equals the target's. */
    static long correct(INDArray output, INDArray target, double threshold) {
        // One class index per row, compared here: cheaper than more ND4J calls every step.
        int[] p = classes(output, threshold);
        int[] t = classes(target, 0.5);
        long correct = 0;
        for (int i = 0; i < p.length; i++) {
            correct += p[i] == t[i] ? 1 : 0;
        }
        return correct;
    }
}
