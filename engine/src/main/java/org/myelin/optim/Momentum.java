package org.myelin.optim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
        HEAVY_BALL("momentum"),
        /** CS 489 §14.3 (see docs/notes.md): {@code V <- (1 - r) V - g; W <- W + kappa V}; coefficient {@code r} (resistance) in (0, 1). */
        FRICTION("r"),
        /** CS 489 §14.3 (see docs/notes.md), convex: {@code V <- beta V - (1 - beta) g; W <- W + kappa V}; coefficient {@code beta} in [0, 1). */
        CONVEX("beta");

        private final String coefficientName;

        Form(String coefficientName) {
            this.coefficientName = coefficientName;
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
                throw new IllegalArgumentException("Momentum: form must be one of heavy_ball, friction, convex, was null");
            }
            String who = "Momentum(" + form.configName() + ")";
            if (form == Form.FRICTION) {
                Preconditions.unitOpen(who, form.coefficientName(), coefficient);
            } else {
                Preconditions.unitHalfOpen(who, form.coefficientName(), coefficient);
            }
        }

        /** Learning rate 0.01; heavy ball 0.9, friction r = 0.1, convex beta = 0.9. */
        public static Hyper defaults(Form form) {
            return new Hyper(0.01, form, form == Form.FRICTION ? 0.1 : 0.9);
        }
    }

    private final Hyper hyper;

    public Momentum(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, hyper.learningRate(), "velocity");
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
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "momentum");
        c.put("learning_rate", hyper.learningRate());
        c.put("form", hyper.form().configName());
        c.put(hyper.form().coefficientName(), hyper.coefficient());
        return c;
    }
}
