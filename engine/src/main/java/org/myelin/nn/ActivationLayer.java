package org.myelin.nn;

import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.FusedActivate;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;

/**
 * A parameter-free layer applying an activation {@code A = f(Z)} (CS 489 §3.1-3.2 and §6.3, CS 479 §1.5, MIT 6.390
 * §6.5.12; see docs/notes.md): any {@link Activation}, elementwise or row-wise (softmax, one-hot).
 *
 * <p>Shapes: Z {@code [B, n]} (any shape for elementwise activations), A like Z.
 */
public final class ActivationLayer extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "activation";

    private final Activation activation;

    public ActivationLayer(Activation activation) {
        if (activation == null) {
            throw new IllegalArgumentException("ActivationLayer: activation must not be null");
        }
        this.activation = activation;
    }

    /** The layer for the activation named {@code name} (see {@link Activations#byName}), e.g. {@code "relu"}. */
    public static ActivationLayer of(String name) {
        return new ActivationLayer(Activations.byName(name));
    }

    @Override
    public Tensor forward(Tensor input) {
        requireGivenInput(toString(), input);
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        // The fused native backward where it applies; Ops.activate is the pure-ND4J reference.
        return Autograd.apply(new FusedActivate(activation), input);
    }

    /** {@code {"type":"activation","activation":NAME}} with NAME from {@link Activation#name()}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config(activation.name()));
    }

    /** The config of an activation layer: the activation's name ({@link Activations#byName}), required. */
    public record Config(String activation) {
        public Config {
            if (activation == null) {
                throw new ConfigurationException("activation", "missing; expected one of " + Activations.NAMES.names());
            }
            activation = Activations.byName("activation", activation).name();
        }
    }

    static ActivationLayer fromConfig(Config c, LayerBuild build) {
        return of(c.activation());
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public String toString() {
        return "ActivationLayer[" + activation.name() + "]";
    }
}
