package org.myelin.train;

import java.util.List;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.LearningRateSchedule;
import org.myelin.optim.MaxNormConstraint;

/**
 * The settings of a training run, validated on construction.
 *
 * @param epochs              passes over the training set, >= 1
 * @param batchSize           samples per step, >= 1 (N: batch descent, 1: stochastic, between: mini-batch)
 * @param seed                seed of the per-epoch shuffling
 * @param dropLast            drop the last partial batch of each epoch
 * @param evaluationBatchSize samples per forward pass when evaluating, >= 1
 * @param schedule            learning rate as a function of the step count (0-based), or null to keep the
 *                            optimiser's rate
 * @param gradientTransforms  applied to the parameters' gradients after backward, in order (penalties,
 *                            clipping)
 * @param constraints         applied to the parameters after each optimiser step (max-norm)
 * @param onDivergence        what to do when a step's loss or a gradient is not finite (null: stop)
 */
public record TrainingOptions(
        int epochs,
        int batchSize,
        long seed,
        boolean dropLast,
        int evaluationBatchSize,
        LearningRateSchedule schedule,
        List<GradientTransform> gradientTransforms,
        List<MaxNormConstraint> constraints,
        DivergencePolicy onDivergence) {

    /** Options that stop at the first divergence. */
    public TrainingOptions(
            int epochs,
            int batchSize,
            long seed,
            boolean dropLast,
            int evaluationBatchSize,
            LearningRateSchedule schedule,
            List<GradientTransform> gradientTransforms,
            List<MaxNormConstraint> constraints) {
        this(
                epochs,
                batchSize,
                seed,
                dropLast,
                evaluationBatchSize,
                schedule,
                gradientTransforms,
                constraints,
                DivergencePolicy.stop());
    }

    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        }
        if (evaluationBatchSize < 1) {
            throw new IllegalArgumentException("evaluation batch size must be >= 1, was " + evaluationBatchSize);
        }
        // Null lists mean none (List.copyOf threw a bare NullPointerException); a null element is refused by name.
        gradientTransforms = copyWithoutNulls("gradient transforms", gradientTransforms);
        constraints = copyWithoutNulls("constraints", constraints);
        onDivergence = onDivergence == null ? DivergencePolicy.stop() : onDivergence;
    }

    private static <T> List<T> copyWithoutNulls(String what, List<T> list) {
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new IllegalArgumentException(what + ": element " + i + " is null");
            }
        }
        return List.copyOf(list);
    }

    /** Options with the given epochs, batch size and seed; no schedule, transforms or constraints. */
    public static TrainingOptions of(int epochs, int batchSize, long seed) {
        return new TrainingOptions(epochs, batchSize, seed, false, 1000, null, List.of(), List.of());
    }

    public TrainingOptions withSchedule(LearningRateSchedule s) {
        return new TrainingOptions(
                epochs,
                batchSize,
                seed,
                dropLast,
                evaluationBatchSize,
                s,
                gradientTransforms,
                constraints,
                onDivergence);
    }

    public TrainingOptions withGradientTransforms(List<GradientTransform> g) {
        return new TrainingOptions(
                epochs, batchSize, seed, dropLast, evaluationBatchSize, schedule, g, constraints, onDivergence);
    }

    public TrainingOptions withConstraints(List<MaxNormConstraint> c) {
        return new TrainingOptions(
                epochs, batchSize, seed, dropLast, evaluationBatchSize, schedule, gradientTransforms, c, onDivergence);
    }

    public TrainingOptions withDropLast(boolean d) {
        return new TrainingOptions(
                epochs,
                batchSize,
                seed,
                d,
                evaluationBatchSize,
                schedule,
                gradientTransforms,
                constraints,
                onDivergence);
    }

    /** These options with another divergence policy (see {@link DivergencePolicy}). */
    public TrainingOptions withDivergencePolicy(DivergencePolicy p) {
        return new TrainingOptions(
                epochs, batchSize, seed, dropLast, evaluationBatchSize, schedule, gradientTransforms, constraints, p);
    }
}
