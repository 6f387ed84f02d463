package org.myelin.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.data.Dataset;
import org.myelin.nn.Module;
import org.myelin.nn.Modules;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The models, job and inputs behind the fixtures of {@code fixtures/legacy-0.1/} (see {@link LegacyFixtureWriter}). */
final class LegacyFixtures {
    static final String DIR = "/fixtures/legacy-0.1/";
    /** float32 MLP with batch norm, dropout and layer norm, trained two epochs (non-trivial running statistics). */
    static final String MLP = "mlp-float32";
    /** float32 CNN: conv2d, max pool, flatten, dense, as initialised from seed 5. */
    static final String CNN = "cnn-float32";
    /** float64 checkpoint of a tiny training job (MLP with batch norm and dropout on spirals, Adam). */
    static final String CHECKPOINT = "checkpoint-float64";

    private LegacyFixtures() {}

    /** The fixed input each fixture's expected output was computed for. */
    static INDArray input(String name) {
        return switch (name) {
            case MLP -> Nd4j.linspace(-2, 2, 12, DataType.FLOAT).reshape(3, 4);
            case CNN -> Nd4j.linspace(-1, 1, 72, DataType.FLOAT).reshape(2, 1, 6, 6);
            case CHECKPOINT -> Nd4j.linspace(-1, 1, 8, DataType.DOUBLE).reshape(4, 2);
            default -> throw new IllegalArgumentException("no legacy fixture " + name);
        };
    }

    /** The model of fixture {@code name}, built from the camelCase architecture maps of format version 1. */
    static Module legacyModel(String name) {
        if (name.equals(CNN)) {
            return Modules.fromConfig(
                    sequential(
                            Map.of(
                                    "type",
                                    "conv2d",
                                    "in",
                                    1,
                                    "out",
                                    2,
                                    "kernel",
                                    3,
                                    "padding",
                                    "same",
                                    "dataType",
                                    "float32",
                                    "weightInit",
                                    "he_normal",
                                    "biasInit",
                                    "zeros"),
                            Map.of("type", "activation", "activation", "relu"),
                            Map.of("type", "max_pool2d", "kernel", 2),
                            Map.of("type", "flatten"),
                            Map.of("type", "dense", "in", 18, "out", 3, "dataType", "float32")),
                    5L);
        }
        Module m = Modules.fromConfig(
                sequential(
                        Map.of("type", "dense", "in", 4, "out", 6, "bias", false, "dataType", "float32"),
                        Map.of("type", "batch_norm", "n", 6, "momentum", 0.5, "dataType", "float32"),
                        Map.of("type", "activation", "activation", "relu"),
                        Map.of("type", "dropout", "rate", 0.25),
                        Map.of(
                                "type",
                                "dense",
                                "in",
                                6,
                                "out",
                                5,
                                "dataType",
                                "float32",
                                "weightInit",
                                "xavier_normal"),
                        Map.of("type", "layer_norm", "n", 5, "eps", 1e-4, "dataType", "float32"),
                        Map.of("type", "activation", "activation", "tanh"),
                        Map.of("type", "dense", "in", 5, "out", 3, "dataType", "float32")),
                3L);
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("adam", Map.of("learning_rate", 0.05), m.namedParameters()),
                TrainingOptions.of(2, 8, 3),
                List.of());
        t.fit(data(), null);
        return m;
    }

    private static Map<String, Object> sequential(Map<?, ?>... layers) {
        return Map.of("type", "sequential", "layers", List.of((Object[]) layers));
    }

    /** 24 samples of 4 features in 3 classes, fixed. */
    private static Dataset data() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        float[] x = new float[24 * 4];
        int[] y = new int[24];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) (r.nextGaussian() + (j == y[i] ? 1.5 : 0));
            }
        }
        return Dataset.classification(Nd4j.create(x, new long[] {24, 4}, 'c'), y, 3);
    }

    /** The tiny job whose checkpoint is fixture {@link #CHECKPOINT}. */
    static Map<String, Object> job(Path output) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", Map.of("source", "synthetic", "name", "spirals", "samples", 60, "noise", 0.2));
        c.put(
                "model",
                Map.of(
                        "hidden",
                        List.of(6),
                        "activation",
                        "relu",
                        "dropout",
                        0.1,
                        "batch_norm",
                        true,
                        "init",
                        "he_normal",
                        "data_type",
                        "float64"));
        c.put("loss", "softmax_cross_entropy");
        c.put("optimizer", Map.of("type", "adam", "learning_rate", 0.01));
        c.put("training", Map.of("epochs", 2, "batch_size", 20, "seed", 7));
        c.put("output", output.toString());
        return c;
    }
}
