package org.myelin.nn;

import java.util.Arrays;
import java.util.Map;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;

/**
 * Flattens each sample in row-major order, between convolutional and dense layers ({@link org.myelin.ops.FlattenOp}).
 * No parameters. Shapes: {@code [N, d1, d2, ...] -> [N, d1 d2 ...]}; a matrix passes unchanged.
 */
public final class Flatten extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "flatten";

    @Override
    public Tensor forward(Tensor input) {
        requireGivenInput("Flatten", input);
        long[] s = input.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException(
                    "Flatten: input has shape " + Arrays.toString(s) + ", expected [*, ...] of rank >= 2 (a batch)");
        }
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        return s.length == 2 ? input : Autograd.apply(new org.myelin.ops.FlattenOp(), input);
    }

    /** {@code {"type":"flatten"}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config());
    }

    /** A flatten layer has no settings. */
    public record Config() {}

    static Flatten fromConfig(Config c, LayerBuild build) {
        return new Flatten();
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
