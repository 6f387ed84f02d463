package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Flatten;
import org.myelin.nn.Pool2d;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.plot.ImageGrid;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code cnn-features}: what a convolutional network's first layer learns (LeCun et al. 1998). A small CNN
 * ({@code conv 8@5x5 -> ReLU -> maxpool 2 -> dense classes}) is trained briefly, then the example writes the eight
 * learned 5x5 filters as an image grid ({@code cnn-filters.png}) and the eight feature maps (after ReLU) of one test
 * image ({@code cnn-feature-maps.png}, the input image first), plus {@code cnn-features.csv} (each filter's weights).
 *
 * <p>Data: the first {@value #MNIST_TRAIN} MNIST training images and {@value #MNIST_TEST} test images when MNIST is
 * in the cache (this example never downloads); otherwise synthetic 16x16 images of three classes (a horizontal, a
 * vertical or a diagonal bar, with noise). Adam (0.01), batches of 32, {@value #EPOCHS} epochs, seed
 * {@value #SEED}.
 */
public final class CnnFeaturesExample implements Example {
    public static final String NAME = "cnn-features";
    static final int MNIST_TRAIN = 3000;
    static final int MNIST_TEST = 1000;
    static final int EPOCHS = 3;
    static final long SEED = 12;
    static final int FILTERS = 8;

    private final Path mnistDir;

    /** Uses MNIST from the default cache when it is there, else the synthetic bars. */
    public CnnFeaturesExample() {
        this(Mnist.isCached(Mnist.defaultCacheDir()) ? Mnist.cachePath(Mnist.defaultCacheDir()) : null);
    }

    /** Uses MNIST from {@code mnistDir}, or the synthetic bars when it is null. */
    public CnnFeaturesExample(Path mnistDir) {
        this.mnistDir = mnistDir;
    }

    /**
     * The data used, the test accuracy, the filters {@code [8][5][5]} and the feature maps of the shown image.
     */
    public record Result(
            String data,
            double testAccuracy,
            double[][][] filters,
            double[][][] featureMaps,
            String summary,
            List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a small CNN's learned first-layer filters and one image's feature maps, as PNG grids";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Dataset train;
        Dataset test;
        String data;
        if (mnistDir != null) {
            Mnist m = Mnist.load(mnistDir).asImages();
            train = m.train().subset(IntStream.range(0, MNIST_TRAIN).toArray());
            test = m.test().subset(IntStream.range(0, MNIST_TEST).toArray());
            data = "MNIST (" + MNIST_TRAIN + " training, " + MNIST_TEST + " test images)";
        } else {
            train = bars(600, 16, SEED);
            test = bars(300, 16, SEED + 1);
            data = "synthetic 16x16 bars (600 training, 300 test images)";
        }
        long[] image = train.featureShape();
        Conv2d conv = Conv2d.builder(image[0], FILTERS, 5).optSeed(SEED).build();
        Sequential features = new Sequential(conv, new ActivationLayer(Activations.RELU));
        long pooled = FILTERS * ((image[1] - 4) / 2) * ((image[2] - 4) / 2);
        Sequential model = new Sequential(
                conv,
                new ActivationLayer(Activations.RELU),
                Pool2d.max(2),
                new Flatten(),
                new Dense(pooled, train.numTargets(), DataType.FLOAT, SEED + 1));
        Optimizer adam = Optimizers.create("adam", Map.of("learning_rate", 0.01), model.namedParameters());
        new Trainer(model, LossFunction.SOFTMAX_CROSS_ENTROPY, adam, TrainingOptions.of(EPOCHS, 32, SEED), List.of())
                .fit(train, null);
        double accuracy = Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, test, 500)
                .accuracy();

        INDArray w = conv.weight().value();
        double[][][] filters = new double[FILTERS][][];
        for (int f = 0; f < FILTERS; f++) {
            filters[f] = w.get(NDArrayIndex.point(f), NDArrayIndex.point(0))
                    .castTo(DataType.DOUBLE)
                    .toDoubleMatrix();
        }
        INDArray shown = test.features()
                .get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray maps;
        try (var scope = Autograd.noGrad()) {
            maps = features.forward(Tensor.constant(shown)).value();
        }
        double[][][] featureMaps = new double[FILTERS][][];
        List<double[][]> mapTiles = new ArrayList<>();
        mapTiles.add(shown.get(NDArrayIndex.point(0), NDArrayIndex.point(0))
                .castTo(DataType.DOUBLE)
                .toDoubleMatrix());
        for (int f = 0; f < FILTERS; f++) {
            featureMaps[f] = maps.get(NDArrayIndex.point(0), NDArrayIndex.point(f))
                    .castTo(DataType.DOUBLE)
                    .toDoubleMatrix();
            mapTiles.add(featureMaps[f]);
        }
        Path filtersPng = outDir.resolve("cnn-filters.png");
        Path mapsPng = outDir.resolve("cnn-feature-maps.png");
        Path csv = outDir.resolve("cnn-features.csv");
        ImageGrid.save(filtersPng, List.of(filters), 4, 32);
        ImageGrid.save(mapsPng, mapTiles, 3, 10);
        writeCsv(csv, filters);
        String summary = String.format(
                Locale.ROOT,
                "data: %s%ntest accuracy after %d epochs: %.3f%n"
                        + "wrote the %d learned 5x5 filters and the feature maps of test image 0 (label %d)%n",
                data,
                EPOCHS,
                accuracy,
                FILTERS,
                test.labels()[0]);
        return new Result(data, accuracy, filters, featureMaps, summary, List.of(filtersPng, mapsPng, csv));
    }

    private static void writeCsv(Path csv, double[][][] filters) throws IOException {
        StringBuilder sb = new StringBuilder("filter,row,column,weight\n");
        for (int f = 0; f < filters.length; f++) {
            for (int r = 0; r < filters[f].length; r++) {
                for (int c = 0; c < filters[f][r].length; c++) {
                    sb.append(String.format(Locale.ROOT, "%d,%d,%d,%.6g%n", f, r, c, filters[f][r][c]));
                }
            }
        }
        Files.writeString(csv, sb.toString());
    }

    /** N one-channel {@code side x side} images of three classes: horizontal, vertical or diagonal bar, plus noise. */
    static Dataset bars(int n, int side, long seed) {
        Random r = new Random(seed);
        float[] pixels = new float[n * side * side];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            int at = 2 + r.nextInt(side - 4);
            for (int k = 0; k < side; k++) {
                int p = labels[i] == 0 ? at * side + k : labels[i] == 1 ? k * side + at : k * side + k;
                pixels[i * side * side + p] = 1f;
            }
            for (int k = 0; k < side * side; k++) {
                pixels[i * side * side + k] += (float) (0.2 * r.nextGaussian());
            }
        }
        return Dataset.classification(Nd4j.create(pixels, new long[] {n, 1, side, side}, 'c'), labels, 3);
    }
}
