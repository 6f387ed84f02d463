package org.myelin.optim;

import java.util.Locale;
import java.util.Map;
import org.myelin.InvalidSettingException;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient descent with momentum, in one of three forms ({@link Form}; see {@link MomentumRule} for the
 * formulas and how they map onto each other and onto the symbols of CS 489 §14.3 (see docs/notes.md)).
 * {@link Form#HEAVY_BALL} is PyTorch's {@code torch.optim.SGD(momentum=mu)} without dampening; the other two are the
 * notes' forms (docs/optimizers.md).
 *
 * <p>State per parameter: slot {@code "velocity"}, zeros at the start. For {@link Form#HEAVY_BALL} it
 * accumulates gradients ({@code v}); for the notes' forms it accumulates negative gradients ({@code V}).
 */
public final class Momentum extends Optimizer {

    /** Which momentum formula, and what its coefficient means. */
    public enum Form {
        /** {@code v <- mu v + g; w <- w - lr v}; coefficient {@code momentum} = mu in [0, 1). */
        HEAVY_BALL("momentum", 0.9),
        /** CS 489 §14.3 (see docs/notes.md): {@code V <- (1 - r) V - g; W <- W + kappa V}; coefficient {@code r} (resistance) in (0, 1). */
        FRICTION("r", 0.1),
        /**
         * CS 489 §14.3 (see docs/notes.md), convex: {@code V <- beta V - (1 - beta) g; W <- W + kappa V}; coefficient
         * {@code beta} in [0, 1). Not PyTorch's {@code SGD(momentum=beta, dampening=beta)}: PyTorch starts its buffer
         * at the first gradient, undamped, where {@code V} starts at zero, so PyTorch's first step is
         * {@code 1 / (1 - beta)} times this one and the trajectories stay apart after it.
         */
        CONVEX("beta", 0.9);

        private final String coefficientName;
        private final double defaultCoefficient;

        Form(String coefficientName, double defaultCoefficient) {
            this.coefficientName = coefficientName;
            this.defaultCoefficient = defaultCoefficient;
        }

        /** The coefficient when the config names none: heavy ball 0.9, friction r = 0.1, convex beta = 0.9. */
        public double defaultCoefficient() {
            return defaultCoefficient;
        }

        /** The coefficient's name in messages and configs: {@code momentum}, {@code r} or {@code beta}. */
        public String coefficientName() {
            return coefficientName;
        }

        /** The config name: {@code heavy_ball}, {@code friction} or {@code convex}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Hyper-parameters: the learning rate ({@code lr}, the notes' {@code kappa}) {@code > 0}, the form, and its
     * coefficient ({@code mu}, {@code r} or {@code beta}; ranges in {@link Form}).
     */
    public record Hyper(double learningRate, Form form, double coefficient) {
        public Hyper {
            Preconditions.positive("Momentum", "learning rate", learningRate);
            if (form == null) {
                throw new IllegalArgumentException(
                        "Momentum: form must be one of heavy_ball, friction, convex, was null");
            }
            String who = "Momentum(" + form.configName() + ")";
            if (form == Form.FRICTION) {
                Preconditions.unitOpen(who, form.coefficientName(), coefficient);
            } else {
                Preconditions.unitHalfOpen(who, form.coefficientName(), coefficient);
            }
        }

        /** The defaults of {@link Config} for {@code form}. */
        public static Hyper defaults(Form form) {
            return new Config(null, form.configName(), null, null, null).hyper();
        }
    }

    /**
     * The config form of the hyper-parameters, as {@link #config()} writes them: {@code learning_rate} (default
     * 0.01), {@code form} (default {@code heavy_ball}) and the one coefficient of that form, {@code momentum},
     * {@code r} or {@code beta} (defaults in {@link Form#defaultCoefficient()}); a coefficient of another form is
     * refused rather than ignored.
     */
    public record Config(Double learningRate, String form, Double momentum, Double r, Double beta) {
        public Config {
            learningRate = learningRate == null ? 0.01 : learningRate;
            Form f = form == null ? Form.HEAVY_BALL : parse(form);
            form = f.configName();
            Map<Form, Double> given = new java.util.EnumMap<>(Form.class);
            if (momentum != null) {
                given.put(Form.HEAVY_BALL, momentum);
            }
            if (r != null) {
                given.put(Form.FRICTION, r);
            }
            if (beta != null) {
                given.put(Form.CONVEX, beta);
            }
            for (Form other : given.keySet()) {
                if (other != f) {
                    throw new InvalidSettingException(
                            other.coefficientName(),
                            "Momentum: hyper-parameter '"
                                    + other.coefficientName() + "' belongs to form " + other.configName()
                                    + ", but form is "
                                    + f.configName() + " (its coefficient is '" + f.coefficientName() + "')");
                }
            }
            double coefficient = given.getOrDefault(f, f.defaultCoefficient());
            new Hyper(learningRate, f, coefficient); // range checks, keyed by the coefficient's name
            momentum = f == Form.HEAVY_BALL ? coefficient : null;
            r = f == Form.FRICTION ? coefficient : null;
            beta = f == Form.CONVEX ? coefficient : null;
        }

        private static Form parse(String name) {
            for (Form f : Form.values()) {
                if (f.configName().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new InvalidSettingException(
                    "form",
                    "Momentum: form must be one of heavy_ball, friction, convex," + " was "
                            + org.myelin.io.Text.quote(name, 80));
        }

        /** The hyper-parameters these settings stand for. */
        public Hyper hyper() {
            Form f = parse(form);
            return new Hyper(learningRate, f, f == Form.HEAVY_BALL ? momentum : f == Form.FRICTION ? r : beta);
        }
    }

    /** Typed builder: {@code Optimizers.momentum().learningRate(0.1).form(Form.CONVEX).beta(0.8).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Momentum> {
        Builder() {
            super("momentum");
        }

        public Builder learningRate(double v) {
            return set("learningRate", v);
        }

        public Builder form(Form form) {
            if (form == null) {
                throw new IllegalArgumentException(
                        "Momentum: form must not be null, expected one of " + java.util.Arrays.toString(Form.values()));
            }
            return set("form", form.configName());
        }

        /** The heavy-ball coefficient {@code mu}. */
        public Builder momentum(double v) {
            return set("momentum", v);
        }

        /** The friction form's resistance {@code r}. */
        public Builder r(double v) {
            return set("r", v);
        }

        /** The convex form's {@code beta}. */
        public Builder beta(double v) {
            return set("beta", v);
        }
    }

    private final Hyper hyper;

    public Momentum(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Momentum", hyper).learningRate(), "velocity");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        INDArray velocity = slot(name, "velocity");
        double c = hyper.coefficient();
        switch (hyper.form()) {
            case HEAVY_BALL -> Kernels.active().sgdMomentum(param, grad, velocity, learningRate(), c, 0.0, false);
            case FRICTION -> MomentumRule.friction(param, grad, velocity, learningRate(), c);
            case CONVEX -> MomentumRule.convex(param, grad, velocity, learningRate(), c);
            default -> throw new IllegalStateException("Momentum: unhandled form " + hyper.form());
        }
    }

    @Override
    public Map<String, Object> config() {
        Form f = hyper.form();
        double c = hyper.coefficient();
        return Optimizers.config(
                "momentum",
                new Config(
                        hyper.learningRate(),
                        f.configName(),
                        f == Form.HEAVY_BALL ? c : null,
                        f == Form.FRICTION ? c : null,
                        f == Form.CONVEX ? c : null));
    }
}
