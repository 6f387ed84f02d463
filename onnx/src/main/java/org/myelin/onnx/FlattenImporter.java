package org.myelin.onnx;

import org.myelin.nn.Flatten;

/**
 * ONNX {@code Flatten(axis = 1)} and {@code Reshape} to {@code [batch, features]} (target shape {@code [0, -1]},
 * {@code [-1, n]} or {@code [0, n]}) as a {@link Flatten} layer, anywhere in the chain. On a [batch, features]
 * value they do nothing and add no layer.
 */
final class FlattenImporter implements NodeImporter {

    private final String opType;

    private FlattenImporter(String opType) {
        this.opType = opType;
    }

    static FlattenImporter flatten() {
        return new FlattenImporter("Flatten");
    }

    static FlattenImporter reshape() {
        return new FlattenImporter("Reshape");
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public void read(ImportContext ctx) {
        boolean image = ctx.rank() != 2;
        check(ctx);
        if (image) {
            ctx.add(new Flatten());
        }
    }

    /** Checks that the current node (Flatten or Reshape) flattens to [batch, features] and records the new shape. */
    static void check(ImportContext ctx) {
        String opType = ctx.node().getOpType();
        long flat = ctx.flatFeatures();
        if (opType.equals("Flatten")) {
            ctx.requireInputs(1, 1);
            ctx.allowAttributes("axis");
            long axis = ctx.intAttribute("axis", 1);
            if (axis != 1 && !(axis == -1 && ctx.rank() == 2)) {
                throw ctx.unsupported("axis = " + axis + "; supported: axis = 1 (keep the batch, flatten the rest)");
            }
        } else {
            ctx.requireInputs(2, 2);
            ctx.allowAttributes("allowzero");
            long[] s = ctx.longConstant(1, "shape");
            boolean keepBatch = s.length == 2 && (s[0] == 0 || s[0] == -1);
            boolean flattens = keepBatch
                    && (s[1] == -1 && s[0] == 0 || s[1] > 0 && (ctx.flatFeatures() < 0 || s[1] == ctx.flatFeatures()));
            if (!flattens || ctx.intAttribute("allowzero", 0) != 0) {
                throw ctx.unsupported("target shape " + java.util.Arrays.toString(s) + " (allowzero = "
                        + ctx.intAttribute("allowzero", 0)
                        + "); supported: a flatten to [batch, features], i.e. [0, -1],"
                        + " [-1, n] or [0, n] with n the features, allowzero = 0");
            }
            flat = s[1] > 0 ? s[1] : flat;
        }
        ctx.setShape(2, flat);
    }
}
