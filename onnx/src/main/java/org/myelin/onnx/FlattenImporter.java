package org.myelin.onnx;

/**
 * ONNX {@code Flatten(axis = 1)} and {@code Reshape} to {@code [batch, features]} (target shape {@code [0, -1]},
 * {@code [-1, n]} or {@code [0, n]}). On a [batch, features] value they do nothing; at the start of the graph, on
 * a value of higher rank, they flatten it, and the imported model then takes the flattened input
 * {@code [batch, features]} (Myelin has no flatten layer: flatten the input before calling it).
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
            boolean flat = keepBatch && (s[1] == -1 && s[0] == 0 || s[1] > 0 && (ctx.features() < 0
                    || s[1] == ctx.features()));
            if (!flat || ctx.intAttribute("allowzero", 0) != 0) {
                throw ctx.unsupported("target shape " + java.util.Arrays.toString(s) + " (allowzero = "
                        + ctx.intAttribute("allowzero", 0) + "); supported: a flatten to [batch, features], i.e. [0, -1],"
                        + " [-1, n] or [0, n] with n the features, allowzero = 0");
            }
        }
        if (ctx.rank() != 2 && ctx.layerIndex() > 0) {
            throw ctx.unsupported("flattens a rank-" + ctx.rank() + " value after layers; supported: a flatten of the"
                    + " graph input or of a [batch, features] value");
        }
        ctx.setShape(2, ctx.features());
    }
}
