package org.myelin.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;

/**
 * The registry of layer exporters (by Myelin layer class) and node importers (by ONNX op type). A new layer type
 * is one {@link LayerExporter} and one {@link NodeImporter}, each registered here once.
 */
public final class OnnxOps {

    private static final Map<Class<?>, LayerExporter<?>> EXPORTERS = new LinkedHashMap<>();
    private static final Map<String, NodeImporter> IMPORTERS = new LinkedHashMap<>();

    static {
        register(new DenseExporter());
        register(new ActivationExporter());
        register(new DropoutExporter());
        register(new BatchNormExporter());
        register(new LayerNormExporter());
        register(new Conv2dExporter());
        register(new Pool2dExporter());
        register(new GlobalAvgPool2dExporter());
        register(new FlattenExporter());

        register(new GemmImporter());
        register(new MatMulImporter());
        register(ActivationImporter.of("Relu", Activations.RELU));
        register(ActivationImporter.leakyRelu());
        register(ActivationImporter.of("Sigmoid", Activations.LOGISTIC));
        register(ActivationImporter.of("Tanh", Activations.TANH));
        register(ActivationImporter.of("Atan", Activations.ARCTAN));
        register(ActivationImporter.of("Identity", Activations.IDENTITY));
        register(ActivationImporter.rowWise("Softmax", Activations.SOFTMAX));
        register(ActivationImporter.rowWise("Hardmax", Activations.ONE_HOT));
        register(new ThresholdImporter());
        register(new DropoutImporter());
        register(new BatchNormImporter());
        register(new LayerNormImporter());
        register(FlattenImporter.flatten());
        register(FlattenImporter.reshape());
        register(new ConvImporter());
        register(PoolImporter.max());
        register(PoolImporter.average());
        register(new GlobalAveragePoolImporter());
    }

    private OnnxOps() {}

    /** Registers (or replaces) the exporter of {@code exporter.layerClass()}. */
    public static synchronized void register(LayerExporter<?> exporter) {
        EXPORTERS.put(exporter.layerClass(), exporter);
    }

    /** Registers (or replaces) the importer of {@code importer.opType()}. */
    public static synchronized void register(NodeImporter importer) {
        IMPORTERS.put(importer.opType(), importer);
    }

    /** The exporter of {@code layer}'s class, or null. */
    @SuppressWarnings("unchecked")
    static synchronized <M extends Module> LayerExporter<M> exporter(M layer) {
        return (LayerExporter<M>) EXPORTERS.get(layer.getClass());
    }

    /** The importer of {@code opType}, or null. */
    static synchronized NodeImporter importer(String opType) {
        return IMPORTERS.get(opType);
    }

    /** The layer classes that export, by simple name. */
    public static synchronized Set<String> exportableLayers() {
        Set<String> s = new TreeSet<>();
        EXPORTERS.keySet().forEach(c -> s.add(c.getSimpleName()));
        return Collections.unmodifiableSet(s);
    }

    /** The op types that import (Add only as the bias of a MatMul, Cast only after GreaterOrEqual). */
    public static synchronized Set<String> importableOps() {
        return Collections.unmodifiableSet(new TreeSet<>(IMPORTERS.keySet()));
    }
}
