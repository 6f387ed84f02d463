package org.myelin.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.myelin.data.Csv;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.io.ModelFile;
import org.myelin.nn.ActivationSizes;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code myelin eval MODEL --data mnist|mnist:DIR|csv:FILE}: loss, accuracy and confusion matrix of a saved model. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a saved model: loss, accuracy, confusion matrix.",
            "Without --data: MNIST's test set from the cache when it is there (--data mnist downloads it)."
        })
final class EvalCommand implements Callable<Integer> {
    /** Samples per forward pass: large enough for fast gemms, small enough for any model's activations. */
    static final int DEFAULT_BATCH_SIZE = 1000;

    @ParentCommand
    MyelinCommand myelin;

    @Parameters(index = "0", paramLabel = "MODEL.zip", description = "a model file written by myelin train")
    String model;

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Mixin
    BatchSizeOption batchSize = new BatchSizeOption();

    @Override
    public Integer call() throws Exception {
        PrintStream out = myelin.out();
        int batch = batchSize.batchSize == null ? DEFAULT_BATCH_SIZE : batchSize.batchSize;
        if (batch < 1) {
            throw new UsageException("--batch-size must be >= 1, was " + batch);
        }
        Path modelFile = Path.of(model);
        dataOptions.requireOneMnistDirectory();
        String data = dataOptions.source;
        if (dataOptions.dataDir != null && (data == null || data.equals("mnist"))) {
            data = "mnist:" + dataOptions.dataDir; // --data-dir DIR means --data mnist:DIR, as in train
        }
        // Options that the data source does not take are refused, as train refuses them, not ignored.
        String given = data == null ? "mnist (the default)" : data.startsWith("csv:") ? "csv" : data.split(":", 2)[0];
        if (dataOptions.dataDir != null && !data.startsWith("mnist:")) {
            throw new UsageException(DataOptions.appliesOnly("--data-dir", "dir", given));
        }
        if (data == null || !data.startsWith("csv:")) {
            for (var option : new Object[][] {
                {"--classes", "classes", dataOptions.classes},
                {"--label-column", "label_column", dataOptions.labelColumn}
            }) {
                if (option[2] != null) {
                    throw new UsageException(DataOptions.appliesOnly((String) option[0], (String) option[1], given));
                }
            }
        }
        if (data != null && data.startsWith("mnist:")) {
            String problem = Mnist.directoryProblem(Path.of(data.substring(6)));
            if (problem != null) { // before the model is read; worded as train words it (DataSources)
                throw new UsageException((dataOptions.dataDir != null ? "--data-dir" : "--data") + ": " + problem
                        + ", or --data mnist to download MNIST into the cache");
            }
        }
        Path cache = Mnist.defaultCacheDir();
        if (data == null && !Mnist.isCached(cache)) {
            // Never a download unasked: the cache is used when it is complete, else the user says what to evaluate on.
            throw new UsageException("no --data given and no MNIST in the cache " + cache.resolve("mnist")
                    + "; pass --data mnist:DIR (a directory with the four MNIST IDX files), --data csv:FILE"
                    + " (with --classes K for a classifier), or --data mnist to download MNIST");
        }
        ModelFile.Loaded loaded = ModelFile.load(modelFile); // refuses non-finite parameters, naming them
        Module model = loaded.model();
        Object lossName = loaded.metadata().get("loss");
        LossFunction loss;
        try {
            loss = LossFunction.byName(lossName == null ? "softmax_cross_entropy" : lossName.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": the loss saved with the model: " + e.getMessage(), e);
        }
        long[] widths = widths(model);
        Dataset test;
        var type = model.parameters().get(0).dataType();
        if (data == null) {
            test = Mnist.loadTest(Mnist.cachePath(cache), type); // complete, checked above
        } else if (data.equals("mnist")) {
            test = Mnist.loadTest(Mnist.fetch(Mnist.defaultCacheDir()), type);
        } else if (data.startsWith("mnist:")) {
            // Only the test set: a directory of the two t10k files is enough.
            test = Mnist.loadTest(Path.of(data.substring(6)), type);
        } else if (data.startsWith("csv:")) {
            Csv reader = Csv.reader().dataType(type);
            if (dataOptions.labelColumn != null) {
                reader = reader.labelColumn(dataOptions.labelColumn);
            }
            int classes = classes(dataOptions.classes(), loss, widths[1], modelFile);
            test = (classes > 0 ? reader.classification(classes) : reader.regression())
                    .read(Path.of(data.substring(4)));
        } else {
            throw new UsageException("--data must be mnist, mnist:DIR or csv:FILE, was '" + data + "'");
        }
        if (Models.expectsImages(model)) {
            // A convolutional model takes images: MNIST's rows become [N, 1, 28, 28]; its layers check the shape.
            if (test.featureShape().length == 1) {
                if (data != null && !data.startsWith("mnist")) {
                    throw new UsageException("the model " + modelFile + " takes images [N, C, H, W]; only MNIST"
                            + " data provide them, not " + data);
                }
                test = test.reshapeFeatures(1, Mnist.ROWS, Mnist.COLS);
            }
            if (test.numTargets() != widths[1]) {
                throw new IllegalArgumentException("the data (" + data + ") has " + test.numTargets() + " target"
                        + " columns, the model " + modelFile + " gives " + widths[1] + " outputs");
            }
        } else if (widths[0] > 0 && (test.numFeatures() != widths[0] || test.numTargets() != widths[1])) {
            throw new IllegalArgumentException(mismatch(modelFile, widths, data, test));
        }
        requireActivationsFit(model, test, batch, batchSize.batchSize != null, modelFile);
        Evaluation e = Evaluation.of(model, loss, test, batch);
        if (!Double.isFinite(e.loss())) {
            // A result that is not a result: no accuracy is printed for it.
            throw new IllegalStateException("the loss of " + modelFile + " on " + test.size() + " samples is "
                    + e.loss() + ": the model's outputs are not finite for these inputs");
        }
        out.printf(Locale.ROOT, "samples %,d%nloss %.5f%n", e.samples(), e.loss());
        if (e.confusion() != null) {
            out.printf(
                    Locale.ROOT,
                    "accuracy %.4f%n%n%s",
                    e.accuracy(),
                    e.confusion().render());
        }
        return 0;
    }

    /**
     * Refuses, before the first forward pass, a batch whose activations exceed {@link org.myelin.MemoryLimit}: the
     * evaluation's own check ({@link Evaluation#requireBatchFits}: every layer's output and im2col matrix of a pass,
     * summed for one batch of at most the data's samples), worded for the command line. {@code --batch-size 100000}
     * on a convolutional model asked for tens of gigabytes. The message names {@code --batch-size} (or the default)
     * and the largest batch that fits; a model whose one sample does not fit is refused as such.
     */
    private static void requireActivationsFit(Module model, Dataset test, int batch, boolean given, Path modelFile) {
        try {
            Evaluation.requireBatchFits(model, test, batch);
        } catch (ActivationSizes.BatchTooLarge e) {
            if (e.maxBatch() < 1) {
                throw new IllegalArgumentException(
                        "the model " + modelFile + " does not fit the memory limit for one sample: " + e.detail(), e);
            }
            throw new UsageException((given ? "--batch-size " + batch : "the default batch of " + batch)
                    + " is too large for the model " + modelFile + ": " + e.detail()
                    + (given ? "; or lower --batch-size" : "; or pass --batch-size") + " (at most " + e.maxBatch()
                    + " samples fit)");
        }
    }

    /**
     * Why the data do not fit the model, in the data's own terms: a CSV file's feature columns and its one label
     * column (which a classifier's classes widen to one target per class), MNIST's 784 pixels and 10 classes.
     */
    static String mismatch(Path modelFile, long[] widths, String data, Dataset test) {
        String model = "the model " + modelFile + " takes " + widths[0] + " inputs and gives " + widths[1] + " outputs";
        if (data != null && data.startsWith("csv:")) {
            String file = data.substring(4);
            if (test.numFeatures() != widths[0]) {
                return "the model " + modelFile + " expects " + widths[0] + " inputs, the file " + file + " has "
                        + test.numFeatures() + " feature column" + (test.numFeatures() == 1 ? "" : "s")
                        + " (plus its label column)";
            }
            return model + "; the file " + file + " has one label column, read as a real-valued target";
        }
        return model + "; MNIST images have " + test.numFeatures() + " pixels and " + test.numTargets() + " classes";
    }

    /**
     * The number of classes to read a CSV's labels as: {@code --classes K}, else, for a model trained with a
     * multi-class loss, its number of outputs; 0 (the labels are real-valued targets) for other models.
     */
    private static int classes(Integer given, LossFunction loss, long outputs, Path modelFile) {
        boolean multiClass =
                loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY;
        if (given == null) {
            return multiClass ? Math.toIntExact(outputs) : 0;
        }
        int k = given;
        if (!multiClass) {
            throw new UsageException("--classes " + k + ": the model " + modelFile + " was trained with the loss '"
                    + loss.id() + "', which takes real-valued targets, not classes");
        }
        if (k != outputs) {
            throw new UsageException("--classes " + k + ": the model " + modelFile + " has " + outputs
                    + " outputs, one per class; pass --classes " + outputs + " or leave it out");
        }
        return k;
    }

    /** {inputs, outputs} of a model whose first and last parameters of rank 2 are weights [in, out]; {0, 0} else. */
    private static long[] widths(Module model) {
        long in = 0;
        long outputs = 0;
        for (var t : model.namedParameters().values()) {
            long[] s = t.shape();
            if (s.length == 2) {
                in = in == 0 ? s[0] : in;
                outputs = s[1];
            }
        }
        return new long[] {in, outputs};
    }
}
