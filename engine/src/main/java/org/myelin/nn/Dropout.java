package org.myelin.nn;

import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.myelin.config.Require;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.rng.Random;

/**
 * Inverted dropout as a layer (CS 489 §12.1, Oxford ML §3.3, MIT 6.390 §6.8.2; see docs/notes.md): in training mode
 * each unit is zeroed with probability {@code rate} and kept units are scaled by {@code 1 / (1 - rate)}
 * ({@link org.myelin.ops.DropoutOp}); in evaluation mode it is the identity (it returns its input), so no rescaling is
 * needed at test time.
 *
 * <p>Masks are drawn from the layer's own ND4J random stream, seeded at construction (or by
 * {@link #reseed}), never from the global one: the same seed and call sequence give the same masks.
 *
 * <p>Shapes: any; the output has the input's shape.
 */
public final class Dropout extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "dropout";

    private final double rate;
    private Random rng;

    /**
     * @param rate probability of dropping a unit, in [0, 1)
     * @param seed seed of the mask stream
     */
    public Dropout(double rate, long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), was " + rate);
        }
        this.rate = rate;
        this.rng = Seeds.newRandom(seed);
    }

    /** Training mode: {@code X (.) mask / (1 - rate)}; evaluation mode (or rate 0): X itself. */
    @Override
    public Tensor forward(Tensor input) {
        requireGivenInput(toString(), input);
        if (!isTraining() || rate == 0) {
            return input;
        }
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        return Ops.dropout(input, rate, rng);
    }

    /** Restarts the mask stream from {@code seed}. */
    public void reseed(long seed) {
        Random old = rng;
        rng = Seeds.newRandom(seed);
        Seeds.close(old);
    }

    /** {@code {"type":"dropout","rate":RATE}}; the seed is not architecture and comes from the builder. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config(rate));
    }

    /** The config of a dropout layer: the {@code rate} in [0, 1), required. */
    public record Config(Double rate) {
        public Config {
            if (rate == null) {
                throw new ConfigurationException("rate", "missing; expected a number in [0, 1)");
            }
            Require.range("rate", rate, 0, 1, false);
        }
    }

    static Dropout fromConfig(Config c, LayerBuild build) {
        return new Dropout(c.rate(), build.seed());
    }

    public double rate() {
        return rate;
    }

    @Override
    public String toString() {
        return "Dropout[" + rate + "]";
    }
}
