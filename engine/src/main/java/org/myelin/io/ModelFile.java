package org.myelin.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.MemoryLimit;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Module;
import org.myelin.nn.ModuleConfig;
import org.myelin.nn.Modules;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Model files: a zip holding {@code model.json} (format, format version, architecture, data type, the shape
 * of every array, free-form metadata such as the loss and hyper-parameters) and one {@code .npy} per
 * parameter and buffer under {@code parameters/NAME.npy} and {@code buffers/NAME.npy}, which
 * {@code numpy.load} reads directly.
 *
 * <p>Saving is atomic (an existing file is replaced only by a complete new one). Loading validates the format
 * version, rebuilds the architecture, and checks every array's declared shape against both {@code model.json}
 * and the rebuilt module before reading it, failing with {@link ModelFormatException} naming the entry.
 */
public final class ModelFile {

    public static final String FORMAT = "myelin-model";
    public static final int FORMAT_VERSION = 1;
    static final String MODEL_JSON = "model.json";

    private ModelFile() {}

    /** A loaded model and the metadata saved with it. */
    public record Loaded(Module model, Map<String, Object> metadata) {}

    /** Saves {@code model} and {@code metadata} (JSON-compatible values) to {@code file}, atomically. */
    public static void save(Path file, Module model, Map<String, Object> metadata) throws IOException {
        if (file == null || model == null) {
            throw new IllegalArgumentException(
                    "ModelFile.save: " + (file == null ? "file" : "model") + " must not be null");
        }
        requireSavable("ModelFile.save (" + file + ")", model);
        AtomicFiles.write(file, out -> {
            Archive.Writer w = new Archive.Writer(out);
            writeModel(w, model, metadata);
            w.finish();
        });
    }

    /**
     * Refuses, before the target's directory is created or anything is written, a model that {@link #load} would
     * refuse: a module type it does not know, or a parameter or buffer holding NaN or an infinity (a diverged
     * run's), which would otherwise replace the previous good file with one nothing can read.
     */
    static void requireSavable(String owner, Module model) {
        requireLoadable(owner, "", model);
        model.namedParameters().forEach((name, t) -> requireFiniteToSave(owner, "parameter '" + name + "'", t.value()));
        model.namedBuffers().forEach((name, b) -> requireFiniteToSave(owner, "buffer '" + name + "'", b));
    }

    /** Refuses non-finite values of a parameter, buffer or optimiser state about to be saved. */
    static void requireFiniteToSave(String owner, String what, INDArray value) {
        String bad = nonFinite(what, value);
        if (bad != null) {
            throw new NonFiniteValuesException(
                    owner + ": " + bad + "; a model file cannot hold them (training diverged?); nothing was written");
        }
    }

    /**
     * A module of a type the model files do not know (a user's own subclass) would be written, and the file then
     * refused by {@link #load}: refused here instead, before the first entry (the target file is only replaced
     * once everything is written).
     */
    private static void requireLoadable(String owner, String path, Module m) {
        Object type = m.config().get("type");
        if (!org.myelin.nn.Modules.knownTypes().contains(String.valueOf(type))) {
            throw new IllegalArgumentException(owner + ": module '" + (path.isEmpty() ? "(the model)" : path)
                    + "' has type '" + type + "', which a model file cannot load; expected one of "
                    + org.myelin.nn.Modules.knownTypes());
        }
        m.children().forEach((name, child) -> requireLoadable(owner, path.isEmpty() ? name : path + "." + name, child));
    }

    /** Loads a model saved by {@link #save}. */
    public static Loaded load(Path file) throws IOException {
        try (Archive a = Archive.open("model file", file)) {
            return readModel(a, file);
        }
    }

    /** Writes the model's entries; the caller has checked it with {@link #requireSavable}. */
    static void writeModel(Archive.Writer w, Module model, Map<String, Object> metadata) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("formatVersion", FORMAT_VERSION);
        Map<String, Tensor> params = model.namedParameters();
        Map<String, INDArray> buffers = model.namedBuffers();
        String type = params.isEmpty()
                ? "float32"
                : ModuleConfig.dataTypeName(params.values().iterator().next().dataType());
        doc.put("dataType", type);
        doc.put("architecture", model.config());
        List<Map<String, Object>> arrays = new ArrayList<>();
        params.forEach((name, t) -> arrays.add(describe(name, "parameters/", t.value())));
        List<Map<String, Object>> bufs = new ArrayList<>();
        buffers.forEach((name, b) -> bufs.add(describe(name, "buffers/", b)));
        doc.put("parameters", arrays);
        doc.put("buffers", bufs);
        doc.put("metadata", metadata == null ? Map.of() : metadata);
        w.json(MODEL_JSON, doc);
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            w.array("parameters/" + e.getKey() + ".npy", e.getValue().value());
        }
        for (Map.Entry<String, INDArray> e : buffers.entrySet()) {
            w.array("buffers/" + e.getKey() + ".npy", e.getValue());
        }
    }

    private static Map<String, Object> describe(String name, String dir, INDArray a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("shape", a.shape());
        m.put("entry", dir + name + ".npy");
        return m;
    }

    static Loaded readModel(Archive a, Path file) throws IOException {
        Map<String, Object> doc = a.json(MODEL_JSON);
        String where = file + "!" + MODEL_JSON;
        Object format = doc.get("format");
        if (!FORMAT.equals(format)) {
            throw new ModelFormatException(where + ": format is " + format + ", expected \"" + FORMAT + "\"");
        }
        Object version = doc.get("formatVersion");
        if (Json.exactLong(version).orElse(-1) != FORMAT_VERSION) { // exact: 2^32 + 1 is not version 1
            throw new ModelFormatException(where + ": formatVersion is "
                    + (version instanceof String t ? "the string \"" + Text.shorten(t, 40) + "\"" : version)
                    + ", this Myelin reads version " + FORMAT_VERSION + " (a number)");
        }
        requireKnownKeys(where, doc);
        Map<String, Object> architecture = map(where, doc, "architecture");
        // Refuse a model too large for this machine before anything is allocated: the sizes model.json declares
        // (checked against the architecture below) against the memory limit, and the architecture itself against
        // both that limit and what the file's entries can hold.
        int width = "float64".equals(doc.get("dataType")) ? 8 : 4;
        long declared = MemoryLimit.saturatedSum(
                declaredElements(where, doc, "parameters"), declaredElements(where, doc, "buffers"));
        try {
            MemoryLimit.check(where + ": the model", declared, width);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
        long allowed = Math.min(a.maxElements(), MemoryLimit.parameterBytes() / width);
        Module model;
        try {
            model = Modules.fromConfig(architecture, 0L, allowed);
        } catch (IllegalArgumentException | org.myelin.ConfigurationException e) {
            throw new ModelFormatException(where + ": architecture: " + e.getMessage(), e);
        }
        Map<String, INDArray> targets = new LinkedHashMap<>();
        model.namedParameters().forEach((k, t) -> targets.put(k, t.value()));
        loadArrays(a, where, list(where, doc, "parameters"), targets, "parameter");
        loadArrays(a, where, list(where, doc, "buffers"), new LinkedHashMap<>(model.namedBuffers()), "buffer");
        Object meta = doc.get("metadata");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = meta instanceof Map ? (Map<String, Object>) meta : Map.of();
        return new Loaded(model, metadata);
    }

    /** The keys {@link #writeModel} writes. */
    private static final java.util.Set<String> KEYS = java.util.Set.of(
            "format", "formatVersion", "dataType", "architecture", "parameters", "buffers", "metadata");

    /**
     * Every key of model.json is known and typed: an unknown key, a dataType that is not one of the two the files
     * hold (it also chooses the element width of the size check) and metadata that is not an object were read past.
     */
    private static void requireKnownKeys(String where, Map<String, Object> doc) {
        for (String k : doc.keySet()) {
            if (!KEYS.contains(k)) {
                throw new ModelFormatException(where + ": unknown key '" + Text.shorten(k, 40) + "', expected "
                        + new java.util.TreeSet<>(KEYS));
            }
        }
        Object type = doc.get("dataType");
        if (!"float32".equals(type) && !"float64".equals(type)) {
            throw new ModelFormatException(where + ": dataType is " + Text.shorten(String.valueOf(type), 40)
                    + ", expected \"float32\" or \"float64\"");
        }
        Object meta = doc.get("metadata");
        if (meta != null && !(meta instanceof Map)) {
            throw new ModelFormatException(
                    where + ": metadata must be an object, was " + Text.shorten(String.valueOf(meta), 40));
        }
    }

    /** Reads each described array into the matching target after checking names and shapes. */
    static void loadArrays(Archive a, String where, List<Object> described, Map<String, INDArray> targets, String kind)
            throws IOException {
        Map<String, INDArray> pending = new LinkedHashMap<>(targets);
        for (Object o : described) {
            if (!(o instanceof Map)) {
                throw new ModelFormatException(where + ": each " + kind + " must be an object, found " + o);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> d = (Map<String, Object>) o;
            String name = String.valueOf(d.get("name"));
            INDArray target = pending.remove(name);
            if (target == null) {
                throw new ModelFormatException(where + ": " + kind + " '" + name
                        + "' does not exist in the architecture"
                        + (targets.containsKey(name) ? " (listed twice)" : "; expected one of " + targets.keySet()));
            }
            long[] declared = shape(where, name, d.get("shape"));
            if (!Arrays.equals(declared, target.shape())) {
                throw new ModelFormatException(where + ": " + kind + " '" + name + "' has shape "
                        + Arrays.toString(declared) + " but the architecture needs " + Arrays.toString(target.shape()));
            }
            a.arrayInto(String.valueOf(d.get("entry")), target, where);
            String bad = nonFinite(kind + " '" + name + "'", target);
            if (bad != null) {
                throw new ModelFormatException(
                        where + ": " + bad + "; the model was saved from a diverged run or is damaged");
            }
        }
        if (!pending.isEmpty()) {
            throw new ModelFormatException(where + ": no data for " + kind + "(s) " + pending.keySet());
        }
    }

    /** The total elements of the arrays listed under {@code key}, saturating; an invalid shape is refused here. */
    private static long declaredElements(String where, Map<String, Object> doc, String key) {
        long total = 0;
        if (!(doc.get(key) instanceof List<?> described)) {
            return 0;
        }
        for (Object o : described) {
            if (o instanceof Map<?, ?> d && d.get("shape") instanceof List<?>) {
                long n = 1;
                for (long dim : shape(where, String.valueOf(d.get("name")), d.get("shape"))) {
                    n = MemoryLimit.saturatedProduct(n, dim);
                }
                total = MemoryLimit.saturatedSum(total, n);
            }
        }
        return total;
    }

    /**
     * "WHAT holds N non-finite value(s) of M; the first is NaN at [1, 2]" when {@code value} holds NaN or an
     * infinity (a model of such values evaluates to results that are not results), else null.
     */
    private static String nonFinite(String what, INDArray value) {
        if (value.isEmpty()
                || !value.dataType().isFPType()
                || !org.nd4j.linalg.indexing.BooleanIndexing.or(
                        value, org.nd4j.linalg.indexing.conditions.Conditions.notFinite())) {
            return null;
        }
        INDArray flat = value.dup('c').reshape(value.length());
        long bad = flat.scan(org.nd4j.linalg.indexing.conditions.Conditions.notFinite())
                .longValue();
        long first = org.nd4j.linalg.indexing.BooleanIndexing.firstIndex(
                        flat, org.nd4j.linalg.indexing.conditions.Conditions.notFinite())
                .getLong(0);
        String at =
                first < 0 ? "" : "; the first is " + flat.getDouble(first) + " at " + subscripts(first, value.shape());
        return what + " holds " + bad + " non-finite value(s) of " + value.length() + at;
    }

    /** The row-major subscripts of flat index {@code index} in {@code shape}: "[1, 2]". */
    private static String subscripts(long index, long[] shape) {
        long[] sub = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            sub[d] = shape[d] == 0 ? 0 : index % shape[d];
            index = shape[d] == 0 ? index : index / shape[d];
        }
        return Arrays.toString(sub);
    }

    private static long[] shape(String where, String name, Object o) {
        if (!(o instanceof List<?> l)) {
            throw new ModelFormatException(where + ": '" + name + "' has no shape list, found " + o);
        }
        long[] s = new long[l.size()];
        for (int i = 0; i < s.length; i++) {
            long n = Json.exactLong(l.get(i)).orElse(-1);
            if (n < 0) {
                throw new ModelFormatException(where + ": '" + name + "' shape " + Text.shorten(l.toString(), 200)
                        + " is not a list of sizes (whole numbers in 0.." + Long.MAX_VALUE + ")");
            }
            s[i] = n;
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(String where, Map<String, Object> doc, String key) {
        Object o = doc.get(key);
        if (!(o instanceof Map)) {
            throw new ModelFormatException(where + ": '" + key + "' must be an object, found " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(String where, Map<String, Object> doc, String key) {
        Object o = doc.get(key);
        if (!(o instanceof List)) {
            throw new ModelFormatException(where + ": '" + key + "' must be a list, found " + o);
        }
        return (List<Object>) o;
    }
}
