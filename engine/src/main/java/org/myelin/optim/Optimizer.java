package org.myelin.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stateful shell over an in-place update rule for a set of named parameters.
 *
 * <p>Call order, per training step: forward, backward (parameters receive gradients), optional gradient
 * transformations (penalties, clipping), {@link #step()} (updates every parameter that has a gradient, in
 * place), {@link #zeroGrad()}. State (moments, velocities) is keyed by parameter name and inspectable with
 * {@link #state()}, so it can be checkpointed and restored.
 */
public abstract class Optimizer {

    private final Map<String, Tensor> parameters;
    private double learningRate;
    private long steps;

    protected Optimizer(Map<String, Tensor> parameters, double learningRate) {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        setLearningRate(learningRate);
    }

    /** The parameters this optimiser updates, by name. */
    public final Map<String, Tensor> parameters() {
        return parameters;
    }

    public final double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate used by the next {@link #step()} (schedules call this). */
    public final void setLearningRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be > 0 and finite, was " + lr);
        }
        this.learningRate = lr;
    }

    /** Number of completed {@link #step()} calls. */
    public final long steps() {
        return steps;
    }

    /** Restores the step counter from a checkpoint. */
    public final void setSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": steps must be >= 0, was " + steps);
        }
        this.steps = steps;
    }

    /** Updates every parameter that has a gradient, in place. */
    public final void step() {
        steps++;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            INDArray grad = e.getValue().grad();
            if (grad != null) {
                update(e.getKey(), e.getValue().value(), grad);
            }
        }
    }

    /** Applies one update to {@code param} in place; {@link #steps()} already counts this step (t = 1, 2, ...). */
    protected abstract void update(String name, INDArray param, INDArray grad);

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        for (Tensor t : parameters.values()) {
            t.zeroGrad();
        }
    }

    /**
     * The optimiser's state arrays by parameter name, then by slot name ({@code "m"}, {@code "v"}, ...).
     * The arrays themselves (for checkpoints to copy and restore into), not copies.
     */
    public abstract Map<String, Map<String, INDArray>> state();
}
