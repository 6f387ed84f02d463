package org.myelin.nn;

import java.util.Map;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;

/**
 * Global average pooling: the mean of each channel over all positions ({@link org.myelin.ops.GlobalAvgPool2dOp}).
 * No parameters. Shapes: {@code [N, C, H, W] -> [N, C]}.
 */
public final class GlobalAvgPool2d extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "global_avg_pool2d";

    @Override
    public Tensor forward(Tensor input) {
        requireImageInput("GlobalAvgPool2d", input, 0, null);
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        return Autograd.apply(new org.myelin.ops.GlobalAvgPool2dOp(), input);
    }

    /** {@code {"type":"global_avg_pool2d"}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config());
    }

    /** A global average pooling layer has no settings. */
    public record Config() {}

    static GlobalAvgPool2d fromConfig(Config c, LayerBuild build) {
        return new GlobalAvgPool2d();
    }

    @Override
    public String toString() {
        return "GlobalAvgPool2d";
    }
}
