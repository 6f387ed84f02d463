package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.data.Dataset;
import org.myelin.job.TrainingJob;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two runs with the same seed (same machine, same thread count) give bit-identical weights, and identical model
 * files byte for byte; another seed gives other weights (so the comparison can fail). See docs/reliability.md for
 * what can break this across machines and thread counts.
 */
@Tag("reliability")
class DeterminismTest {
    @TempDir
    Path dir;

    /** MNIST-shaped random data: 512 samples of 784 features in 10 classes, fixed. */
    private static Dataset mnistShaped() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        float[] x = new float[512 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = new int[512];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(10);
        }
        return Dataset.classification(Nd4j.create(x, new long[] {512, 784}, 'c'), y, 10);
    }

    private static String train(Dataset data, long seed) throws Exception {
        Module m = Models.mlpBuilder(784, 128, 64, 10)
                .optDataType(DataType.FLOAT)
                .optSeed(seed)
                .optHidden(Activations.RELU)
                .optDropout(0.2)
                .optBatchNorm(true)
                .build();
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("adam", Map.of("learning_rate", 0.001), m.namedParameters()),
                TrainingOptions.of(2, 64, seed),
                List.of());
        t.fit(data, null);
        return Fixtures.weightsDigest(m);
    }

    @Test
    void twoRunsWithTheSameSeedGiveBitIdenticalWeights() throws Exception {
        Dataset data = mnistShaped();
        String first = train(data, 42);
        assertEquals(first, train(data, 42));
        assertNotEquals(first, train(data, 43));
    }

    @Test
    void twoJobsWithTheSameSeedWriteIdenticalModelFiles() throws Exception {
        Path out = dir.resolve("run");
        byte[] first = job(out);
        assertArrayEquals(first, job(out), "model.zip differs between two runs of the same job");
    }

    private static byte[] job(Path out) throws Exception {
        Map<String, Object> job = KillResumeTest.job(out, 2);
        Map<String, Object> training = new java.util.LinkedHashMap<>(cast(job.get("training")));
        training.put("resume", false);
        job.put("training", training);
        new TrainingJob(job).run(new PrintStream(OutputStream.nullOutputStream()), false);
        return Files.readAllBytes(out.resolve(TrainingJob.MODEL_FILE));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
