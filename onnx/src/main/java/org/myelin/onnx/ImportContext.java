package org.myelin.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link NodeImporter} sees: the node being read, the graph's initializers (read on demand, within the
 * file's element budget), the model's data type and opset, the rank and feature count of the value flowing
 * along the chain, and the layers built so far.
 */
public final class ImportContext {

    private final String file;
    private final List<NodeProto> chain;
    private final Map<String, TensorProto> initializers;
    private final DataType type;
    private final long opset;
    private final List<Module> layers = new ArrayList<>();
    private long budget;
    private int index;
    private int rank;
    private long features;
    private long flatFeatures;

    ImportContext(
            String file,
            List<NodeProto> chain,
            Map<String, TensorProto> initializers,
            DataType type,
            long opset,
            long budget,
            int rank,
            long features,
            long flatFeatures) {
        this.file = file;
        this.chain = chain;
        this.initializers = initializers;
        this.type = type;
        this.opset = opset;
        this.budget = budget;
        this.rank = rank;
        this.features = features;
        this.flatFeatures = flatFeatures;
    }

    /** The node being read. */
    public NodeProto node() {
        return chain.get(index);
    }

    /** The model's data type, FLOAT or DOUBLE. */
    public DataType dataType() {
        return type;
    }

    /** The version of the default ONNX opset the file imports. */
    public long opset() {
        return opset;
    }

    /** Rank of the value entering the node (2 for {@code [batch, features]}; 0 where the input declares none). */
    public int rank() {
        return rank;
    }

    /**
     * Features of the value entering the node ({@code [batch, features]}), its channels for an image
     * {@code [batch, channels, H, W]}, or -1 where not known.
     */
    public long features() {
        return features;
    }

    /** Elements per sample of the value entering the node (its features once flattened), or -1 where not known. */
    public long flatFeatures() {
        return flatFeatures;
    }

    /**
     * Records the rank and features (channels for rank 4) of the node's output; a flatten of it has
     * {@code features} elements for rank 2, an unknown number otherwise (the image size is not tracked).
     */
    public void setShape(int rank, long features) {
        this.rank = rank;
        this.features = features;
        this.flatFeatures = rank == 2 ? features : -1;
    }

    /** Index of the next layer, used as its seed and in messages. */
    public int layerIndex() {
        return layers.size();
    }

    /** Appends a layer to the model being built. */
    public void add(Module layer) {
        layers.add(layer);
    }

    List<Module> layers() {
        return layers;
    }

    /** Advances past the node just read; returns false at the end of the chain. */
    boolean advance() {
        index++;
        return index < chain.size();
    }

    /** The node after the current one, or null. */
    public NodeProto peekNext() {
        return index + 1 < chain.size() ? chain.get(index + 1) : null;
    }

    /** Makes the next node the current one: the caller has read it as part of the current layer. */
    public NodeProto takeNext() {
        index++;
        return chain.get(index);
    }

    /** {@code "FILE: node 'NAME' (OP)"}, the start of every message about the current node. */
    public String where() {
        return where(node());
    }

    String where(NodeProto n) {
        return file + ": " + OnnxFormatException.node(n);
    }

    /** An exception naming the file, node and op, with {@code detail} (what is wrong and what is supported). */
    public OnnxFormatException unsupported(String detail) {
        return new OnnxFormatException(where() + ": " + detail);
    }

    /** Fails unless the node has between {@code min} and {@code max} inputs (trailing empty names not counted). */
    public void requireInputs(int min, int max) {
        NodeProto n = node();
        int count = n.getInputCount();
        while (count > 0 && n.getInput(count - 1).isEmpty()) {
            count--; // trailing empty names leave optional inputs out
        }
        if (count < min || count > max) {
            throw unsupported("has " + count + " inputs, expected " + (min == max ? "" + min : min + " to " + max));
        }
    }

    /** Whether input {@code i} is present (not missing, not an empty name). */
    public boolean hasInput(int i) {
        return i < node().getInputCount() && !node().getInput(i).isEmpty();
    }

    /** Fails if the node has an attribute outside {@code allowed}, naming it and the supported ones. */
    public void allowAttributes(String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (AttributeProto a : node().getAttributeList()) {
            if (!ok.contains(a.getName())) {
                throw unsupported("attribute " + OnnxFormatException.name(a.getName())
                        + " is not supported; supported: " + (allowed.length == 0 ? "none" : new TreeSet<>(ok)));
            }
        }
    }

    private AttributeProto attribute(String name) {
        for (AttributeProto a : node().getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** The INT attribute {@code name}, or {@code fallback} when absent. */
    public long intAttribute(String name, long fallback) {
        AttributeProto a = attribute(name);
        if (a == null) {
            return fallback;
        }
        if (a.getType() != AttributeProto.AttributeType.INT) {
            throw unsupported("attribute '" + name + "' is " + a.getType() + ", expected INT");
        }
        return a.getI();
    }

    /**
     * The FLOAT attribute {@code name} (as the shortest decimal of the float32, so 1e-5f reads as 1e-5), or
     * {@code fallback} when absent.
     */
    public double floatAttribute(String name, double fallback) {
        AttributeProto a = attribute(name);
        if (a == null) {
            return fallback;
        }
        if (a.getType() != AttributeProto.AttributeType.FLOAT) {
            throw unsupported("attribute '" + name + "' is " + a.getType() + ", expected FLOAT");
        }
        return Double.parseDouble(Float.toString(a.getF()));
    }

    /** Whether input {@code i} is an initializer (a constant operand). */
    public boolean isInitializer(int i) {
        return hasInput(i) && initializers.containsKey(node().getInput(i));
    }

    /**
     * Input {@code i}, which must be an initializer of the model's data type, as an array of its declared shape.
     * Its elements count against the file's budget.
     */
    public INDArray constant(int i, String role) {
        return constant(node(), i, role);
    }

    /** Like {@link #constant(int, String)} for another node of the current layer (MatMul's Add). */
    public INDArray constant(NodeProto n, int i, String role) {
        TensorProto t = initializer(n, i, role);
        INDArray a = Tensors.toArray(t, type, budget, file);
        budget -= a.length();
        return a;
    }

    /** Input {@code i}, a one-element FLOAT or DOUBLE initializer (Dropout's ratio), as a number. */
    public double scalarConstant(int i, String role) {
        TensorProto t = initializer(node(), i, role);
        DataType own = Tensors.myelinType(t.getDataType());
        if (own == null) {
            throw unsupported(role + " is " + Tensors.typeName(t.getDataType()) + ", expected FLOAT or DOUBLE");
        }
        if (Tensors.elementCount(t, 1, file) != 1) {
            throw unsupported(role + " has dims " + t.getDimsList() + ", expected a single value");
        }
        double v = Tensors.toArray(t, own, 1, file).getDouble(0);
        return own == DataType.FLOAT ? Double.parseDouble(Float.toString((float) v)) : v; // 0.3f reads as 0.3
    }

    /** Input {@code i} as int64 values (a Reshape target shape, at most 8 of them). */
    public long[] longConstant(int i, String role) {
        return Tensors.toLongs(initializer(node(), i, role), 8, file);
    }

    private TensorProto initializer(NodeProto n, int i, String role) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
            throw new OnnxFormatException(where(n) + ": input " + i + " (" + role + ") is missing");
        }
        TensorProto t = initializers.get(n.getInput(i));
        if (t == null) {
            throw new OnnxFormatException(
                    where(n) + ": input " + i + " (" + role + ") " + OnnxFormatException.name(n.getInput(i))
                            + " is computed in the graph; only a constant (an initializer) is supported there");
        }
        return t;
    }

    /** Fails unless {@code a} has exactly {@code shape}, naming the operand. */
    public void requireShape(INDArray a, String role, long... shape) {
        if (!Arrays.equals(a.shape(), shape)) {
            throw unsupported(
                    role + " has shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(shape));
        }
    }

    /** Fails unless the value entering the node is {@code [batch, features]}. */
    public void requireRank2() {
        if (rank != 2) {
            throw unsupported("gets a " + rankName() + " value; Myelin layers take [batch, features], so a Flatten"
                    + " must come first");
        }
    }

    /** Records the elements per sample of the current value (GlobalAveragePool's [batch, C, 1, 1]: C). */
    void setFlatFeatures(long n) {
        this.flatFeatures = n;
    }

    /** {@code "rank-4"}, or {@code "rank-unknown"} for an input without a declared shape. */
    String rankName() {
        return rank == 0 ? "rank-unknown" : "rank-" + rank;
    }

    /** Fails unless the value entering the node is an image {@code [batch, channels, height, width]}. */
    public void requireRank4() {
        if (rank != 4) {
            throw unsupported("gets a " + rankName() + " value; supported: images [batch, channels, height, width]");
        }
    }

    /** The INTS attribute {@code name} (checked to have {@code count} values), or {@code fallback} when absent. */
    public long[] intsAttribute(String name, int count, long[] fallback) {
        AttributeProto a = attribute(name);
        if (a == null) {
            return fallback;
        }
        if (a.getType() != AttributeProto.AttributeType.INTS || a.getIntsCount() != count) {
            throw unsupported("attribute '" + name + "' is " + a.getType() + " of " + a.getIntsCount()
                    + " values, expected INTS of " + count + " (2-d windows)");
        }
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
            v[i] = a.getInts(i);
        }
        return v;
    }

    /** The STRING attribute {@code name}, or {@code fallback} when absent. */
    public String stringAttribute(String name, String fallback) {
        AttributeProto a = attribute(name);
        if (a == null) {
            return fallback;
        }
        if (a.getType() != AttributeProto.AttributeType.STRING) {
            throw unsupported("attribute '" + name + "' is " + a.getType() + ", expected STRING");
        }
        return a.getS().toStringUtf8();
    }

    /** Fails unless the node's input has {@code n} features (when known), naming both. */
    public void requireFeatures(long n, String role) {
        if (features >= 0 && features != n) {
            throw unsupported(role + " expects " + n + " input features, the value entering the node has " + features);
        }
    }
}
