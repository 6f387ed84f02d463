package org.myelin.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.Profiler;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A stateful shell over an in-place update rule for a set of named parameters.
 *
 * <p>Call order, per training step: forward, backward (parameters receive gradients), optional gradient
 * transformations ({@link GradientTransform}: penalties, clipping), {@link #step()} (updates every parameter
 * that has a gradient, in place), optional constraints ({@link MaxNormConstraint}), {@link #zeroGrad()}.
 * A {@link LearningRateSchedule} is applied by the caller with {@link #setLearningRate}.
 *
 * <p>State (moments, velocities) is keyed by parameter name, then by slot name, allocated once at
 * construction (zeros of the parameter's shape and data type) and updated in place; {@link #state()} returns
 * those very arrays so that checkpoints can read them, and {@link #restoreState} copies saved arrays back into
 * them. The update arithmetic itself lives in stateless rule classes ({@link SgdRule}, {@link MomentumRule},
 * {@link AdagradRule}, {@link RmsPropRule}, {@link AdadeltaRule}) and, for the optimisers of a typical training
 * step (SGD with momentum, Nesterov, Adam, AdamW), {@link org.myelin.kernel.ElementwiseKernels}, the
 * place where native fused kernels slot in.
 */
public abstract class Optimizer {

    private final Map<String, Tensor> parameters;
    private final Map<String, Map<String, INDArray>> state = new LinkedHashMap<>();
    private final Map<String, Map<String, INDArray>> stateView;
    private final Map<String, INDArray[]> scratch = new LinkedHashMap<>();
    private double learningRate;
    private long steps;

    /** An optimiser without per-parameter state. */
    protected Optimizer(Map<String, Tensor> parameters, double learningRate) {
        this(parameters, learningRate, new String[0]);
    }

    /** {@code hyper}, refused by name when null (it was a NullPointerException on {@code hyper.learningRate()}). */
    protected static <H> H requireHyper(String who, H hyper) {
        if (hyper == null) {
            throw new IllegalArgumentException(who + ": hyper-parameters must not be null");
        }
        return hyper;
    }

    /**
     * An optimiser with the given state slots per parameter, each allocated now as zeros shaped like the
     * parameter.
     */
    protected Optimizer(Map<String, Tensor> parameters, double learningRate, String... slots) {
        String who = getClass().getSimpleName();
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException(who + ": no parameters to optimise");
        }
        Map<Tensor, String> seen = new java.util.IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(who + ": parameter '" + e.getKey() + "' is null");
            }
            if (!e.getValue().requiresGrad()) {
                throw new IllegalArgumentException(who + ": parameter '" + e.getKey()
                        + "' does not require a gradient (create it with Tensor.parameter)");
            }
            // One tensor under two names would be updated twice per step, with two sets of state.
            String first = seen.putIfAbsent(e.getValue(), e.getKey());
            if (first != null) {
                throw new IllegalArgumentException(who + ": parameters '" + first + "' and '" + e.getKey()
                        + "' are the same tensor; expected each parameter once");
            }
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        setLearningRate(learningRate);
        Map<String, Map<String, INDArray>> view = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : this.parameters.entrySet()) {
            INDArray p = e.getValue().value();
            Map<String, INDArray> perParam = new LinkedHashMap<>();
            for (String slot : slots) {
                perParam.put(slot, Nd4j.zeros(p.dataType(), p.shape()));
            }
            state.put(e.getKey(), perParam);
            view.put(e.getKey(), Collections.unmodifiableMap(perParam));
        }
        this.stateView = Collections.unmodifiableMap(view);
    }

    /** The parameters this optimiser updates, by name. */
    public final Map<String, Tensor> parameters() {
        return parameters;
    }

    public final double learningRate() {
        return learningRate;
    }

    /**
     * Sets the learning rate used by the next {@link #step()} (schedules call this). Zero is allowed here (a
     * schedule may anneal to zero); the initial rate in each optimiser's hyper-parameters must be {@code > 0}.
     */
    public final void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": learning rate must be >= 0 and finite, was " + lr);
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
        try (Profiler.Scope s = Profiler.scope("optimizer step (Java around the updates)")) {
            requireMatchingGradients();
            if (steps == Long.MAX_VALUE) {
                // steps++ wrapped to Long.MIN_VALUE: Adam refused the update with "step must be >= 1, was
                // -9223372036854775808" and left the count negative; Sgd went on with it.
                throw new IllegalStateException(getClass().getSimpleName() + ": the step count is at its maximum, "
                        + Long.MAX_VALUE + " (setSteps); nothing was updated");
            }
            steps++;
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                INDArray grad = e.getValue().grad();
                if (grad != null) {
                    update(e.getKey(), e.getValue().value(), grad);
                }
            }
        }
    }

    /**
     * Checks every gradient against its parameter before {@link #step()} changes anything: a step that failed
     * half-way would leave some parameters updated and others not.
     */
    private void requireMatchingGradients() {
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            INDArray grad = e.getValue().grad();
            INDArray param = e.getValue().value();
            if (grad != null && (grad.dataType() != param.dataType() || !Arrays.equals(grad.shape(), param.shape()))) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": the gradient of '" + e.getKey()
                        + "' is " + grad.dataType() + Arrays.toString(grad.shape()) + ", expected "
                        + param.dataType() + Arrays.toString(param.shape())
                        + " (the parameter's); nothing was updated");
            }
        }
    }

    /** Applies one update to {@code param} in place; {@link #steps()} already counts this step (t = 1, 2, ...). */
    protected abstract void update(String name, INDArray param, INDArray grad);

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        try (Profiler.Scope s = Profiler.scope("zeroGrad (optimizer)")) {
            for (Tensor t : parameters.values()) {
                t.zeroGrad();
            }
        }
    }

    /**
     * The optimiser's state arrays by parameter name, then by slot name ({@code "m"}, {@code "v"}, ...).
     * The arrays themselves (for checkpoints to read), not copies; the maps are unmodifiable. An optimiser
     * without state has an empty slot map per parameter.
     */
    public final Map<String, Map<String, INDArray>> state() {
        return stateView;
    }

    /**
     * Copies saved state (as returned by {@link #state()}, e.g. read from a checkpoint) into this optimiser's
     * state arrays. Every parameter and slot must be present with the same shape; nothing is copied unless all
     * of them match. The step counter is restored separately with {@link #setSteps}.
     */
    public final void restoreState(Map<String, Map<String, INDArray>> saved) {
        String who = getClass().getSimpleName();
        if (saved == null) {
            throw new IllegalArgumentException(who + ": saved state is null");
        }
        for (String name : saved.keySet()) {
            if (!state.containsKey(name)) {
                throw new IllegalArgumentException(
                        who + ": saved state has unknown parameter '" + name + "', expected one of " + state.keySet());
            }
        }
        for (Map.Entry<String, Map<String, INDArray>> e : state.entrySet()) {
            Map<String, INDArray> slots = saved.get(e.getKey());
            if (slots == null) {
                throw new IllegalArgumentException(
                        who + ": saved state has no entry for parameter '" + e.getKey() + "'");
            }
            if (!slots.keySet().equals(e.getValue().keySet())) {
                throw new IllegalArgumentException(who + ": saved state for parameter '" + e.getKey() + "' has slots "
                        + slots.keySet() + ", expected " + e.getValue().keySet());
            }
            for (Map.Entry<String, INDArray> s : e.getValue().entrySet()) {
                INDArray src = slots.get(s.getKey());
                if (src == null || !Arrays.equals(src.shape(), s.getValue().shape())) {
                    throw new IllegalArgumentException(who + ": saved state for parameter '" + e.getKey()
                            + "' slot '" + s.getKey() + "' has shape "
                            + (src == null ? "null" : Arrays.toString(src.shape()))
                            + ", expected " + Arrays.toString(s.getValue().shape()));
                }
                // A NaN moment (a damaged checkpoint, a careless map) was restored as given: the first step then
                // turned every weight it touched into NaN.
                org.myelin.Preconditions.requireFinite(
                        who + ": saved state for parameter '" + e.getKey() + "' slot '" + s.getKey() + "'", src);
            }
        }
        for (Map.Entry<String, Map<String, INDArray>> e : state.entrySet()) {
            Map<String, INDArray> slots = saved.get(e.getKey());
            for (Map.Entry<String, INDArray> s : e.getValue().entrySet()) {
                s.getValue().assign(slots.get(s.getKey()));
            }
        }
    }

    /**
     * This optimiser as a JSON-compatible map: {@code "type"} (the name {@link Optimizers#create} takes) and
     * the hyper-parameters it was built with (the initial learning rate, not a scheduled one), so that
     * {@code Optimizers.create(type, config, parameters)} rebuilds an equivalent optimiser.
     */
    public abstract Map<String, Object> config();

    /** The state array {@code slot} of parameter {@code name}. */
    protected final INDArray slot(String name, String slot) {
        return state.get(name).get(slot);
    }

    /**
     * Work array number {@code index} for parameter {@code name}: shaped like the parameter, allocated on
     * first use and reused on every later step; its contents are undefined on entry and not part of the state.
     */
    protected final INDArray scratch(String name, int index) {
        INDArray[] arrays = scratch.computeIfAbsent(name, k -> new INDArray[index + 1]);
        if (arrays.length <= index) {
            arrays = Arrays.copyOf(arrays, index + 1);
            scratch.put(name, arrays);
        }
        if (arrays[index] == null) {
            INDArray p = parameters.get(name).value();
            // Outlives the step: never allocate it in a caller's workspace (the trainer's step has one).
            try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                arrays[index] = Nd4j.createUninitialized(p.dataType(), p.shape());
            }
        }
        return arrays[index];
    }
}
