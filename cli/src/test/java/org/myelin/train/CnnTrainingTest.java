package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.autodiff.Tensor;
import org.myelin.cli.Main;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.io.ModelFile;
import org.myelin.job.TrainingJob;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Dropout;
import org.myelin.nn.Flatten;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.Pool2d;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Convolutional models through the trainer, checkpoints, training jobs and the command line. */
class CnnTrainingTest {

    @TempDir
    Path dir;

    /** N 8x8 one-channel images of three classes: a horizontal, a vertical or a diagonal bar, plus noise. */
    private static Dataset bars(int n, long seed) {
        Random r = new Random(seed);
        float[] pixels = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            int at = 1 + r.nextInt(6);
            for (int k = 0; k < 8; k++) {
                int p = labels[i] == 0 ? at * 8 + k : labels[i] == 1 ? k * 8 + at : k * 8 + k;
                pixels[i * 64 + p] = 1f;
            }
            for (int k = 0; k < 64; k++) {
                pixels[i * 64 + k] += (float) (0.2 * r.nextGaussian());
            }
        }
        return Dataset.classification(Nd4j.create(pixels, new long[] {n, 1, 8, 8}, 'c'), labels, 3);
    }

    private static Module cnn(long seed) {
        return new Sequential(
                Conv2d.builder(1, 4, 3).optSeed(seed).build(),
                new ActivationLayer(Activations.RELU),
                Pool2d.max(2),
                new Dropout(0.25, seed + 1),
                new Flatten(),
                new Dense(36, 3, DataType.FLOAT, seed + 2));
    }

    private static Trainer trainer(Module m, int epochs, List<Callback> callbacks) {
        Optimizer opt = Optimizers.create("adam", Map.of("learning_rate", 0.02), m.namedParameters());
        return new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, TrainingOptions.of(epochs, 16, 9), callbacks);
    }

    @Test
    void aSmallCnnLearnsTheBars() {
        Module m = cnn(1);
        History h = trainer(m, 12, List.of()).fit(bars(120, 2), null);
        Evaluation test = Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, bars(60, 3), 32);
        assertTrue(test.accuracy() > 0.9, "test accuracy " + test.accuracy() + ", history " + h.epochs());
    }

    @Test
    void resumedCnnRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
        Dataset data = bars(100, 4);
        Module straight = cnn(3);
        trainer(straight, 4, List.of()).fit(data, null);

        Path ckpt = dir.resolve("c.zip");
        Module first = cnn(3);
        Checkpointing saver = new Checkpointing(ckpt, 0, 10, Map.of());
        trainer(first, 4, List.of(saver, new Callback() {
                    @Override
                    public void onStepEnd(Trainer t, long step, double loss) {
                        if (step == 10) {
                            t.requestStop();
                        }
                    }
                }))
                .fit(data, null);
        Module resumed = cnn(77);
        Trainer t2 = trainer(resumed, 4, List.of());
        Checkpointing.resume(t2, ckpt);
        assertEquals(10, t2.state().step());
        t2.fit(data, null);
        for (Map.Entry<String, Tensor> e : straight.namedParameters().entrySet()) {
            assertEquals(
                    e.getValue().value(),
                    resumed.namedParameters().get(e.getKey()).value(),
                    e.getKey() + " differs after resume");
        }
    }

    /** Writes an MNIST-shaped IDX directory: n random 28x28 images with random labels, train and test. */
    private Path fakeMnist(int n) throws Exception {
        Path d = Files.createDirectories(dir.resolve("mnist"));
        Random r = new Random(5);
        for (String prefix : new String[] {"train", "t10k"}) {
            ByteBuffer img = ByteBuffer.allocate(16 + n * 784)
                    .putInt(0x803)
                    .putInt(n)
                    .putInt(28)
                    .putInt(28);
            ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                lab.put((byte) (i % 10));
                for (int k = 0; k < 784; k++) {
                    img.put((byte) r.nextInt(256));
                }
            }
            Files.write(d.resolve(prefix + "-images-idx3-ubyte"), img.array());
            Files.write(d.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
        }
        return d;
    }

    private Map<String, Object> job(Path mnist, Path out, Map<String, Object> model) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("data", new LinkedHashMap<>(Map.of("source", "mnist", "dir", mnist.toString())));
        raw.put("model", new LinkedHashMap<>(model));
        raw.put("training", new LinkedHashMap<>(Map.of("epochs", 1, "batch_size", 16)));
        raw.put("output", out.toString());
        return raw;
    }

    @Test
    void jobsTrainLenetAndAListOfLayersOnImagesAndEvalReadsTheModel() throws Exception {
        Path mnist = fakeMnist(40);
        TrainingJob lenet = new TrainingJob(job(mnist, dir.resolve("lenet"), Map.of("architecture", "lenet")));
        TrainingJob.Setup s = lenet.setup();
        assertArrayEquals(new long[] {1, 28, 28}, s.train().featureShape());
        assertTrue(Models.expectsImages(s.model()));
        lenet.run(new PrintStream(OutputStream.nullOutputStream()), false);
        assertTrue(Files.exists(dir.resolve("lenet").resolve(TrainingJob.MODEL_FILE)));

        List<Object> layers = List.of(
                Map.of("type", "conv2d", "in", 1, "out", 2, "kernel", 5, "stride", 2),
                Map.of("type", "activation", "activation", "relu"),
                Map.of("type", "max_pool2d", "kernel", 2),
                Map.of("type", "flatten"),
                Map.of("type", "dense", "in", 72, "out", 10));
        new TrainingJob(job(mnist, dir.resolve("layers"), Map.of("layers", layers)))
                .run(new PrintStream(OutputStream.nullOutputStream()), false);
        Module loaded = ModelFile.load(dir.resolve("layers").resolve(TrainingJob.MODEL_FILE))
                .model();
        assertArrayEquals(
                new long[] {2, 1, 5, 5},
                loaded.namedParameters().get("0.weight").shape());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {
                    "eval", dir.resolve("lenet").resolve(TrainingJob.MODEL_FILE).toString(), "--data", "mnist:" + mnist
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("samples 40"), out.toString(StandardCharsets.UTF_8));

        // A dense first layer keeps MNIST flat, as before.
        TrainingJob.Setup mlp = new TrainingJob(job(mnist, dir.resolve("mlp"), Map.of("hidden", List.of(8)))).setup();
        assertArrayEquals(new long[] {784}, mlp.train().featureShape());
    }

    /** The README's library example, on a small MNIST-shaped directory instead of the cache and for one epoch. */
    @Test
    void readmeExample() throws Exception {
        Mnist mnist = Mnist.load(fakeMnist(32)).asImages(); // X [N, 1, 28, 28]
        Module lenet = Models.lenet5(DataType.FLOAT, 42, 1, 28, 28, 10);
        Optimizer adam = Optimizers.adam().learningRate(0.002).build(lenet.namedParameters());
        new Trainer(lenet, LossFunction.SOFTMAX_CROSS_ENTROPY, adam, TrainingOptions.of(1, 128, 42), List.of())
                .fit(mnist.train(), null);
        Evaluation test = Evaluation.of(lenet, LossFunction.SOFTMAX_CROSS_ENTROPY, mnist.test(), 1000);
        ModelFile.save(dir.resolve("lenet.zip"), lenet, Map.of("loss", "softmax_cross_entropy"));
        assertEquals(32, test.samples());
        assertArrayEquals(new long[] {32, 1, 28, 28}, mnist.train().features().shape());
        assertEquals(61_706, ModelFile.load(dir.resolve("lenet.zip")).model().parameterCount());
    }

    @Test
    void mismatchedModelsAndDataAreConfigErrors() throws Exception {
        Path mnist = fakeMnist(20);
        var flat = assertThrows(
                IllegalArgumentException.class,
                () -> new TrainingJob(job(mnist, dir.resolve("a"), Map.of("architecture", "cnn")))
                        .setup()
                        .model()
                        .forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 784))));
        assertTrue(flat.getMessage().contains("expected [*, 1, *, *]"), flat.getMessage());
        var unknown = assertThrows(
                org.myelin.ConfigurationException.class,
                () -> new TrainingJob(job(mnist, dir.resolve("b"), Map.of("architecture", "resnet"))).setup());
        assertEquals("model.architecture: must be mlp, cnn, lenet or layers, was \"resnet\"", unknown.getMessage());
        var mixed = assertThrows(
                org.myelin.ConfigurationException.class,
                () -> new TrainingJob(job(mnist, dir.resolve("c"), Map.of("architecture", "cnn", "hidden", List.of(4))))
                        .setup());
        assertTrue(mixed.getMessage().startsWith("model.hidden: unknown key"), mixed.getMessage());
    }
}
