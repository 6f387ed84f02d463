package org.myelin.onnx;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.myelin.MemoryLimit;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an ONNX model into a Myelin {@link Sequential} that predicts, trains and exports again. The graph must be a
 * chain from one input {@code [batch, features]} or {@code [batch, channels, height, width]} (or another rank
 * followed by a flatten) to one output, made of the
 * ops that have a {@link NodeImporter} ({@link OnnxOps#importableOps()}), with constant weights (initializers) of
 * one data type, float32 or float64.
 *
 * <p>Hostile files fail with an {@link OnnxFormatException} naming the file before they allocate: the file size
 * is checked before reading ({@link #DEFAULT_MAX_BYTES}), protobuf parsing is limited to the file's size,
 * {@link #MAX_DEPTH} levels of nesting and {@link #MAX_OBJECTS} fields (counted before the parse), every tensor's
 * shape is checked for overflow, against the file's element
 * budget (a stored element takes at least 4 bytes) and against its data's length before its array exists, the
 * parameters (the float initializers the nodes read) are checked against {@link MemoryLimit} before any is read,
 * and the graph is checked for cycles, missing values and branches before any layer is built.
 */
public final class OnnxImport {

    private static final Logger log = LoggerFactory.getLogger(OnnxImport.class);

    /** The largest file read unless told otherwise: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** Protobuf nesting limit; a supported model nests 5 levels deep (model, graph, node, attribute, tensor). */
    public static final int MAX_DEPTH = 32;
    /**
     * The most protobuf fields a file may hold (each message, name, attribute and scalar; a tensor's packed or raw
     * data is one), counted before it is parsed: at most about 100 MB of heap once parsed. A supported model holds
     * thousands.
     */
    public static final long MAX_OBJECTS = 1_000_000;
    /** The oldest default-domain opset read. */
    public static final long MIN_OPSET = 11;
    /** The newest default-domain opset read. */
    public static final long MAX_OPSET = 22;

    private OnnxImport() {}

    /** An imported model and the file's metadata properties. */
    public record Imported(Sequential model, Map<String, String> metadata) {}

    /** Reads {@code file} (at most {@link #DEFAULT_MAX_BYTES}). */
    public static Imported load(Path file) throws IOException {
        return load(file, DEFAULT_MAX_BYTES);
    }

    /** Reads {@code file}, refusing one larger than {@code maxBytes} before reading it. */
    public static Imported load(Path file, long maxBytes) throws IOException {
        org.myelin.io.InputFiles.requireReadable("ONNX model", file); // a pipe or device would block or never end
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new OnnxFormatException(
                    file + ": " + size + " bytes, more than the " + maxBytes + " an ONNX model may have here");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        }
        if (bytes.length > maxBytes) {
            throw new OnnxFormatException(file + ": grew past " + maxBytes + " bytes while being read");
        }
        return read(bytes, file.toString());
    }

    /** Reads a model from {@code bytes}; {@code where} (a file name) starts every message. */
    public static Imported read(byte[] bytes, String where) {
        if (bytes == null) {
            throw new IllegalArgumentException(where + ": no bytes to read (null)");
        }
        ModelProto model = parse(bytes, where);
        Imported imported = build(model, where, bytes.length / 4 + 1);
        log.debug(
                "imported ONNX {}: {} ({} parameters)",
                where,
                imported.model(),
                imported.model().parameterCount());
        return imported;
    }

    static ModelProto parse(byte[] bytes, String where) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(MAX_DEPTH);
        in.setSizeLimit(bytes.length);
        try {
            long objects = ProtoCensus.count(bytes, ModelProto.getDescriptor(), MAX_OBJECTS, MAX_DEPTH);
            if (objects > MAX_OBJECTS) {
                throw new OnnxFormatException(where + ": holds more than " + MAX_OBJECTS + " protobuf fields"
                        + " (messages, names, attributes); a supported model has a few thousand");
            }
            return ModelProto.parseFrom(in);
        } catch (IOException e) { // InvalidProtocolBufferException: damaged, truncated, too deep or too large
            throw new OnnxFormatException(where + ": not a readable ONNX model (protobuf): " + e.getMessage(), e);
        }
    }

    private static Imported build(ModelProto m, String where, long budget) {
        if (!m.hasGraph()) {
            throw new OnnxFormatException(where + ": has no graph");
        }
        long opset = opset(m, where);
        GraphProto g = m.getGraph();
        if (g.getSparseInitializerCount() > 0) {
            throw new OnnxFormatException(where + ": sparse initializers are not supported; expected dense ones");
        }
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty() || initializers.put(t.getName(), t) != null) {
                throw new OnnxFormatException(where + ": initializer name " + OnnxFormatException.name(t.getName())
                        + " is empty or used twice");
            }
        }
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                inputs.add(v); // before IR version 4, initializers are listed as inputs too
            }
        }
        if (inputs.size() != 1 || g.getOutputCount() != 1) {
            throw new OnnxFormatException(where + ": graph has " + inputs.size() + " inputs and " + g.getOutputCount()
                    + " outputs (besides initializers); supported: one input and one output");
        }
        ValueInfoProto input = inputs.get(0);
        TypeProto.Tensor tensorType = input.getType().getTensorType();
        DataType type = Tensors.myelinType(tensorType.getElemType());
        if (!input.getType().hasTensorType() || type == null) {
            throw new OnnxFormatException(where + ": input " + OnnxFormatException.name(input.getName()) + " is "
                    + (input.getType().hasTensorType()
                            ? "a tensor of " + Tensors.typeName(tensorType.getElemType())
                            : "not a tensor")
                    + "; supported: a FLOAT or DOUBLE tensor");
        }
        if (tensorType.hasShape() && tensorType.getShape().getDimCount() < 2) {
            throw new OnnxFormatException(where + ": input " + OnnxFormatException.name(input.getName()) + " has rank "
                    + tensorType.getShape().getDimCount() + "; expected [batch, features], [batch, channels, height,"
                    + " width], or another rank (or no declared shape) flattened first");
        }
        // No declared shape: rank unknown (0), which only a Flatten first accepts.
        TensorShapeProto shape = tensorType.getShape();
        long flat = tensorType.hasShape() ? features(shape, input.getName(), where) : -1;
        long features = shape.getDimCount() == 2
                ? flat
                : shape.getDimCount() > 2 && shape.getDim(1).hasDimValue()
                        ? shape.getDim(1).getDimValue()
                        : -1;
        List<NodeProto> chain = chain(g, input.getName(), g.getOutput(0).getName(), initializers.keySet(), where);
        requireWithinMemoryLimit(chain, initializers, type, budget, where);
        ImportContext ctx =
                new ImportContext(where, chain, initializers, type, opset, budget, shape.getDimCount(), features, flat);
        List<String> labels = new ArrayList<>(); // the node each layer was read from, for messages
        do {
            NodeProto n = ctx.node();
            NodeImporter importer = OnnxOps.importer(n.getOpType());
            if (importer == null) {
                throw ctx.unsupported(
                        "op " + OnnxFormatException.name(n.getOpType()) + " is not supported; supported ops: "
                                + OnnxOps.importableOps() + ", Add after MatMul (the bias), Cast after GreaterOrEqual");
            }
            try {
                importer.read(ctx);
            } catch (OnnxFormatException e) {
                throw e;
            } catch (IllegalArgumentException | org.myelin.MyelinException e) {
                throw ctx.unsupported(e.getMessage());
            }
            while (labels.size() < ctx.layers().size()) {
                labels.add(OnnxFormatException.node(n));
            }
        } while (ctx.advance());
        if (ctx.layers().isEmpty()) {
            throw new OnnxFormatException(where + ": graph has no layers (only flattens); nothing to import");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            metadata.put(e.getKey(), e.getValue());
        }
        Sequential model = new Sequential(ctx.layers()).labelled(where, labels);
        if (flat > 0) {
            requireOneSampleFits(model, shape, type);
        }
        return new Imported(model, Collections.unmodifiableMap(metadata));
    }

    /**
     * Refuses, before any initializer becomes an array, a model whose parameters exceed {@link MemoryLimit} at the
     * model's element width (4 bytes for float32, 8 for float64), as {@code ModelFile} refuses a Myelin model file:
     * the float initializers the nodes read become the layers' parameters and buffers (one array per read: two
     * nodes reading one initializer get a copy each, so it counts twice). The file's own limits (its size, the
     * elements it can hold) do not follow the machine's memory. Each tensor counted is first checked as reading it
     * would be ({@link Tensors#elementCount}: its rank, negative dims, a product that overflows, more elements than
     * the file can hold), so a damaged shape keeps its own message.
     */
    private static void requireWithinMemoryLimit(
            List<NodeProto> chain, Map<String, TensorProto> initializers, DataType type, long budget, String where) {
        long total = 0;
        TensorProto largest = null;
        long largestElements = -1;
        for (NodeProto node : chain) {
            for (String in : node.getInputList()) {
                TensorProto t = initializers.get(in);
                if (t == null || Tensors.myelinType(t.getDataType()) == null) {
                    continue; // a computed value or an int64 shape operand
                }
                long n = Tensors.elementCount(t, budget, where);
                total = MemoryLimit.saturatedSum(total, n);
                if (n > largestElements) {
                    largest = t;
                    largestElements = n;
                }
            }
        }
        if (largest == null) {
            return;
        }
        try {
            MemoryLimit.check(
                    where + ": the model (its largest initializer: tensor "
                            + OnnxFormatException.name(largest.getName()) + " " + largest.getDimsList() + ")",
                    total,
                    type == DataType.DOUBLE ? 8 : 4);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(e.getMessage(), e);
        }
    }

    /**
     * Refuses a model whose activations for one sample of its declared input shape (every dimension but the batch
     * known) exceed {@link MemoryLimit}: such a model cannot predict at all, and a small file can ask for it (a
     * Conv with dilations and pads of 1023 outputs 1031 x 1031 values per channel). Larger batches are checked at
     * each prediction ({@link Sequential#requirePredictionFits}), where the batch is known.
     */
    private static void requireOneSampleFits(Sequential model, TensorShapeProto shape, DataType type) {
        long[] sample = new long[shape.getDimCount()];
        sample[0] = 1;
        for (int i = 1; i < sample.length; i++) {
            sample[i] = shape.getDim(i).getDimValue();
        }
        try {
            model.requirePredictionFits(sample, type == DataType.DOUBLE ? 8 : 4);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(e.getMessage(), e);
        }
    }

    /** The version of the default ("" or "ai.onnx") opset, checked against the supported range. */
    private static long opset(ModelProto m, String where) {
        long version = -1;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (o.getVersion() < MIN_OPSET || o.getVersion() > MAX_OPSET) {
                    throw new OnnxFormatException(where + ": imports opset " + o.getVersion() + "; supported: "
                            + MIN_OPSET + " to " + MAX_OPSET);
                }
                if (version >= 0 && o.getVersion() != version) { // "" and "ai.onnx" are the same domain
                    throw new OnnxFormatException(where + ": imports the default ONNX opset twice, as " + version
                            + " and " + o.getVersion() + "; expected one version");
                }
                version = o.getVersion();
            }
        }
        if (version < 0) {
            throw new OnnxFormatException(
                    where + ": imports no default ONNX opset; supported: " + MIN_OPSET + " to " + MAX_OPSET);
        }
        return version;
    }

    private static long count(NodeProto node, String attribute) {
        return node.getAttributeList().stream()
                .filter(a -> a.getName().equals(attribute))
                .count();
    }

    /** The product of the non-batch dimensions where all are known, else -1. */
    private static long features(TensorShapeProto shape, String name, String where) {
        long n = 1;
        for (int i = 1; i < shape.getDimCount(); i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            if (!d.hasDimValue()) {
                return -1;
            }
            if (d.getDimValue() <= 0 || n > Long.MAX_VALUE / d.getDimValue()) {
                throw new OnnxFormatException(where + ": input '" + name + "' has dimension " + i + " = "
                        + d.getDimValue() + "; expected sizes > 0 whose product fits 64 bits");
            }
            n *= d.getDimValue();
        }
        return n;
    }

    /**
     * The nodes from {@code input} to {@code output} in order, after checking that no node names an attribute twice,
     * that the graph is acyclic, that every
     * value read is provided, and that it is one chain: each node reads exactly one computed value (the rest are
     * initializers) once, each value is read by at most one node, and every node is on the chain.
     */
    static List<NodeProto> chain(
            GraphProto g, String input, String output, java.util.Set<String> initializers, String where) {
        int n = g.getNodeCount();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < n; i++) {
            NodeProto node = g.getNode(i);
            if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node) + " is in domain "
                        + OnnxFormatException.name(node.getDomain()) + "; supported: the default ONNX domain");
            }
            java.util.Set<String> attributes = new java.util.HashSet<>();
            for (onnx.Onnx.AttributeProto a : node.getAttributeList()) {
                if (!attributes.add(a.getName())) { // importers read the first; another runtime may read the last
                    throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node) + " has attribute "
                            + OnnxFormatException.name(a.getName()) + " " + count(node, a.getName())
                            + " times; expected each attribute at most once");
                }
            }
            if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
                throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node) + " has no output");
            }
            for (String out : node.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (out.equals(input) || initializers.contains(out) || producer.put(out, i) != null) {
                    throw new OnnxFormatException(
                            where + ": " + OnnxFormatException.node(node) + " writes " + OnnxFormatException.name(out)
                                    + ", which the input, an initializer or another node provides too");
                }
            }
        }
        // Kahn's algorithm: a node is ready once every value it reads is available; leftovers lie on a cycle.
        Map<String, List<Integer>> readers = new HashMap<>();
        int[] waiting = new int[n];
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            NodeProto node = g.getNode(i);
            for (String in : node.getInputList()) {
                if (in.isEmpty() || initializers.contains(in)) {
                    continue;
                }
                if (!in.equals(input) && !producer.containsKey(in)) {
                    throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node) + " reads "
                            + OnnxFormatException.name(in) + ", which no node, initializer or input provides");
                }
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                if (!in.equals(input)) {
                    waiting[i]++;
                }
            }
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        int done = 0;
        while (!ready.isEmpty()) {
            NodeProto node = g.getNode(ready.poll());
            done++;
            for (String out : node.getOutputList()) {
                for (int r : readers.getOrDefault(out, List.of())) {
                    if (--waiting[r] == 0) {
                        ready.add(r);
                    }
                }
            }
        }
        if (done < n) {
            for (int i = 0; i < n; i++) {
                if (waiting[i] > 0) {
                    throw new OnnxFormatException(where + ": " + OnnxFormatException.node(g.getNode(i))
                            + " lies on a cycle of the graph; a graph must be acyclic");
                }
            }
        }
        List<NodeProto> chain = new ArrayList<>();
        String current = input;
        while (!current.equals(output)) {
            List<Integer> r = readers.getOrDefault(current, List.of());
            // A node reading the value k times is listed k times: count nodes, and name a node reading it again.
            long nodes = r.stream().distinct().count();
            if (nodes != 1) {
                throw new OnnxFormatException(where + ": value " + OnnxFormatException.name(current) + " is read by "
                        + nodes + " nodes"
                        + (r.isEmpty() ? " and is not the graph output " + OnnxFormatException.name(output) : "")
                        + "; supported: a chain of layers from the input to the output");
            }
            if (r.size() > 1) {
                throw new OnnxFormatException(where + ": " + OnnxFormatException.node(g.getNode(r.get(0))) + " reads "
                        + OnnxFormatException.name(current) + " " + (r.size() == 2 ? "twice" : r.size() + " times")
                        + "; expected it once, the node's other inputs constant (a chain of layers)");
            }
            NodeProto node = g.getNode(r.get(0));
            long computed = node.getInputList().stream()
                    .filter(s -> !s.isEmpty() && !initializers.contains(s))
                    .count();
            if (computed != 1) {
                throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node) + " reads " + computed
                        + " computed values; supported: one, the rest constant (a chain of layers)");
            }
            for (int k = 1; k < node.getOutputCount(); k++) {
                String extra = node.getOutput(k);
                if (!extra.isEmpty() && (readers.containsKey(extra) || extra.equals(output))) {
                    throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node) + " output " + k + " "
                            + OnnxFormatException.name(extra) + " is used; supported: only the first output");
                }
            }
            chain.add(node);
            current = node.getOutput(0);
        }
        if (chain.size() != n) {
            java.util.Set<NodeProto> on = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            on.addAll(chain);
            for (NodeProto node : g.getNodeList()) {
                if (!on.contains(node)) {
                    throw new OnnxFormatException(where + ": " + OnnxFormatException.node(node)
                            + " is not on the chain from input " + OnnxFormatException.name(input) + " to output "
                            + OnnxFormatException.name(output));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new OnnxFormatException(where + ": the input is the output; the graph has no layers");
        }
        return chain;
    }
}
