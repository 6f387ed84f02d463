package org.myelin.onnx;

import java.util.function.Function;
import org.myelin.nn.ActivationLayer;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;

/**
 * A one-input ONNX activation op as an {@link ActivationLayer}: {@code Relu}, {@code Sigmoid}, {@code Tanh},
 * {@code Atan}, {@code Identity}, {@code LeakyRelu} (attribute alpha, default 0.01), {@code Softmax} and
 * {@code Hardmax} (over the features: axis 1 or -1 of a [batch, features] value).
 */
final class ActivationImporter implements NodeImporter {

    private final String opType;
    private final String[] attributes;
    private final Function<ImportContext, Activation> activation;

    private ActivationImporter(String opType, Function<ImportContext, Activation> activation, String... attributes) {
        this.opType = opType;
        this.activation = activation;
        this.attributes = attributes;
    }

    /** An op without attributes mapping to {@code f}. */
    static ActivationImporter of(String opType, Activation f) {
        return new ActivationImporter(opType, ctx -> f);
    }

    static ActivationImporter leakyRelu() {
        return new ActivationImporter(
                "LeakyRelu",
                ctx -> {
                    double alpha = ctx.floatAttribute("alpha", 0.01);
                    try {
                        return Activations.leakyRelu(alpha);
                    } catch (IllegalArgumentException e) {
                        throw ctx.unsupported("alpha = " + alpha + "; supported: alpha in [0, 1)");
                    }
                },
                "alpha");
    }

    /** Softmax or Hardmax: row-wise over the features. Before opset 13 the default axis was 1, after it -1. */
    static ActivationImporter rowWise(String opType, Activation f) {
        return new ActivationImporter(
                opType,
                ctx -> {
                    ctx.requireRank2();
                    long axis = ctx.intAttribute("axis", ctx.opset() < 13 ? 1 : -1);
                    if (axis != 1 && axis != -1) {
                        throw ctx.unsupported(
                                "axis = " + axis + "; supported: the feature axis (1 or -1) of [batch, features]");
                    }
                    return f;
                },
                "axis");
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireInputs(1, 1);
        ctx.allowAttributes(attributes);
        ctx.add(new ActivationLayer(activation.apply(ctx)));
    }
}
