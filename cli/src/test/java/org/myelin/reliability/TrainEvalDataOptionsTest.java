package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.io.ModelFile;
import org.myelin.nn.Models;

/**
 * What a newcomer following the README met in {@code train} and {@code eval}: a finished run "resumed" and claimed
 * to have trained; options that do not fit the data source reported as unknown config keys; errors of options named
 * by config keys with exit 1; config-file advice on the command line; a missing directory reported as a missing file
 * with a Java method to call; eval asking for MNIST's training files; a {@code --classes} eval ignored; a CSV's label
 * column counted as ten target columns; and data options that only one of the two commands had.
 */
@Tag("reliability")
class TrainEvalDataOptionsTest {
    @TempDir
    Path dir;

    private Cli moons(Path out, String... more) {
        String[] base = {"train", "--data", "synthetic:moons", "--epochs", "1", "--hidden", "4", "--out", out.toString()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void aFinishedRunRunAgainSaysSoAndKeepsItsFiles() throws IOException {
        Path out = dir.resolve("run");
        Cli first = moons(out);
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("trained 1 epoch in "), first.out()); // not "1 epochs"
        Map<String, byte[]> before = new java.util.TreeMap<>();
        Map<String, Object> times = new java.util.TreeMap<>();
        for (String f : new String[] {"model.zip", "checkpoint.zip", "metrics.csv", "metrics.png"}) {
            before.put(f, Files.readAllBytes(out.resolve(f)));
            times.put(f, Files.getLastModifiedTime(out.resolve(f)));
        }
        Cli again = moons(out);
        assertEquals(0, again.code(), again.toString());
        assertTrue(
                again.out().contains(out + ": this run had already finished its 1 epoch (checkpoint.zip, step ")
                        && again.out().contains("nothing was trained. Start over with --no-resume, or raise --epochs"),
                again.out());
        assertFalse(again.out().contains("resumed from"), again.out());
        assertFalse(again.out().contains("trained 1 epoch in"), again.out());
        assertFalse(again.out().contains("wrote "), again.out());
        for (String f : before.keySet()) {
            assertArrayEquals(before.get(f), Files.readAllBytes(out.resolve(f)), f + " changed");
            assertEquals(times.get(f), Files.getLastModifiedTime(out.resolve(f)), f + " was rewritten");
        }
        // A missing output is written again from the checkpoint, and said so; the others are kept.
        Files.delete(out.resolve("metrics.csv"));
        Cli third = moons(out);
        assertEquals(0, third.code(), third.toString());
        assertTrue(third.out().contains("wrote " + out.resolve("metrics.csv") + "\n"), third.out());
        assertArrayEquals(before.get("metrics.csv"), Files.readAllBytes(out.resolve("metrics.csv")));
        assertEquals(times.get("model.zip"), Files.getLastModifiedTime(out.resolve("model.zip")));
    }

    @Test
    void aFinishedRunSaysWhichWeightsItsTestLineEvaluated() throws IOException {
        Path mnist = BlankMnist.write(dir.resolve("mnist"), 6);
        Path out = dir.resolve("run");
        String[] args = {
            "train", "--data-dir", mnist.toString(), "--epochs", "1", "--hidden", "4", "--out", out.toString()
        };
        assertEquals(0, Cli.run(args).code());
        Cli again = Cli.run(args);
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("test accuracy of the saved model.zip "), again.out());
        // A model.zip that cannot be read is kept; the test line says the checkpoint's weights were evaluated.
        byte[] saved = Files.readAllBytes(out.resolve("model.zip"));
        byte[] damaged = java.util.Arrays.copyOf(saved, saved.length / 2);
        Files.write(out.resolve("model.zip"), damaged);
        Cli third = Cli.run(args);
        assertEquals(0, third.code(), third.toString());
        assertTrue(
                third.out().contains("test accuracy of the checkpoint's weights (model.zip cannot be read) "),
                third.out());
        assertArrayEquals(damaged, Files.readAllBytes(out.resolve("model.zip")));
    }

    @Test
    void optionsOfAnotherDataSourceSayWhichSourcesTakeThem() {
        String o = dir.resolve("o").toString();
        for (String[] c : new String[][] {
            {"--test applies only to --data csv:FILE, not mnist (the default)", "train", "--test", "F", "--out", o},
            {"--classes applies only to --data csv:FILE, not mnist (the default)", "train", "--classes", "3", "--out", o
            },
            {
                "--classes applies only to --data csv:FILE, not synthetic",
                "train",
                "--data",
                "synthetic:moons",
                "--classes",
                "3",
                "--out",
                o
            },
            {
                "--label-column applies only to --data csv:FILE, not mnist (the default)",
                "train",
                "--label-column",
                "y",
                "--out",
                o
            },
            {
                "--data-dir applies only to --data mnist[:DIR], not csv",
                "train",
                "--data",
                "csv:x.csv",
                "--data-dir",
                "d",
                "--out",
                o
            },
        }) {
            Cli r = Cli.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), r.toString());
            assertEquals("myelin train: " + c[0], r.err());
        }
        assertFalse(Files.exists(dir.resolve("o")), "nothing was written");
    }

    @Test
    void errorsOfValuesGivenByOptionsNameTheOptionsAndAreUsageErrors() throws IOException {
        String o = dir.resolve("o").toString();
        Cli cnn = Cli.run("train", "--data", "synthetic:moons", "--model", "cnn", "--out", o);
        assertEquals(2, cnn.code(), cnn.toString());
        assertTrue(
                cnn.err()
                        .startsWith("myelin train: --model cnn: a convolutional model takes images [N, C, H, W], which"
                                + " only --data mnist holds; synthetic data are rows [N, d]"),
                cnn.err());
        Cli layers = Cli.run("train", "--model", "layers", "--out", o);
        assertEquals(2, layers.code(), layers.toString());
        assertTrue(
                layers.err()
                                .startsWith(
                                        "myelin train: --model layers: \"layers\" builds the model.layers list of a job"
                                                + " config file")
                        && layers.err().contains("pass --config FILE.json"),
                layers.err());
        Path csv = Files.writeString(dir.resolve("d.csv"), "x,y\n1,0\n2,1\n3,2\n");
        Cli classes = Cli.run("train", "--data", "csv:" + csv, "--out", o);
        assertEquals(2, classes.code(), classes.toString());
        assertEquals(
                "myelin train: --data csv:" + csv + ": the loss 'softmax_cross_entropy' takes classes, but without"
                        + " --classes the label column of " + csv + " is read as a real-valued target; give the number"
                        + " of classes (--classes K) or a loss for real values (--loss mse)",
                classes.err());
        Cli noFile = Cli.run("train", "--data", "csv", "--out", o);
        assertEquals(2, noFile.code(), noFile.toString());
        assertEquals("myelin train: --data csv: needs the training file: --data csv:FILE", noFile.err());
        // The same value in a config file is named by its key, exit 1.
        Path config = Files.writeString(dir.resolve("job.json"), "{\"model\": {\"architecture\": \"layers\"}}");
        Cli fromFile = Cli.run("train", "--config", config.toString(), "--out", o);
        assertEquals(1, fromFile.code(), fromFile.toString());
        assertTrue(fromFile.err().startsWith("myelin train: model.layers: missing;"), fromFile.err());
    }

    @Test
    void acceptChangeAdviceFitsWhereTheKeyCameFrom() throws IOException {
        Path out = dir.resolve("run");
        Cli option = moons(out, "--accept-change", "model.hidden");
        assertEquals(2, option.code(), option.toString());
        assertTrue(
                option.err().endsWith("start over with --no-resume (or another --out directory) instead"),
                option.err());
        Path config =
                Files.writeString(dir.resolve("job.json"), "{\"training\": {\"accept_changes\": \"model.hidden\"}}");
        Cli file = Cli.run("train", "--config", config.toString(), "--out", out.toString());
        assertEquals(1, file.code(), file.toString());
        assertTrue(file.err().endsWith("start over with \"resume\": false instead"), file.err());

        assertEquals(0, moons(out).code());
        byte[] checkpoint = Files.readAllBytes(out.resolve("checkpoint.zip"));
        Cli misspelt = moons(out, "--accept-change", "training.epoch");
        assertEquals(2, misspelt.code(), misspelt.toString());
        assertEquals(
                "myelin train: --accept-change: 'training.epoch' is not a setting of this run; did you mean"
                        + " training.epochs?",
                misspelt.err());
        assertArrayEquals(checkpoint, Files.readAllBytes(out.resolve("checkpoint.zip")));
    }

    @Test
    void aMissingMnistDirectoryIsSaidToBeMissingNamingTheOption() {
        Path nope = dir.resolve("nope");
        for (String[] c : new String[][] {
            {"train", "--data", "mnist:" + nope, "--out", dir.resolve("o").toString()},
            {"train", "--data-dir", nope.toString(), "--out", dir.resolve("o").toString()},
            {"eval", "m.zip", "--data", "mnist:" + nope},
            {"eval", "m.zip", "--data-dir", nope.toString()},
        }) {
            Cli r = Cli.run(c);
            assertEquals(2, r.code(), r.toString());
            String option = java.util.List.of(c).contains("--data-dir") ? "--data-dir" : "--data";
            assertEquals(
                    "myelin " + c[0] + ": " + option + ": the directory " + nope + " does not exist; expected the"
                            + " directory holding the MNIST IDX files, or --data mnist to download MNIST into the cache",
                    r.err());
        }
    }

    /** A 784-10 classifier saved as train saves it. */
    private Path mnistModel() throws IOException {
        Path model = dir.resolve("model.zip");
        ModelFile.save(model, Models.mlpBuilder(784, 10).build(), Map.of("loss", "softmax_cross_entropy"));
        return model;
    }

    @Test
    void evalReadsOnlyTheTestFilesAndTakesTheSameDataOptionsAsTrain() throws IOException {
        Path model = mnistModel();
        Path mnist = BlankMnist.write(dir.resolve("t10k"), 6);
        Files.delete(mnist.resolve("train-images-idx3-ubyte"));
        Files.delete(mnist.resolve("train-labels-idx1-ubyte"));
        // --data mnist with --data-dir reads the directory, as train does (it fetched into the cache instead).
        for (String[] data : new String[][] {
            {"--data", "mnist:" + mnist},
            {"--data-dir", mnist.toString()},
            {"--data-dir", mnist.toString(), "--data", "mnist"}
        }) {
            String[] args = new String[data.length + 2];
            args[0] = "eval";
            args[1] = model.toString();
            System.arraycopy(data, 0, args, 2, data.length);
            Cli r = Cli.run(args);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().startsWith("samples 6\n"), r.out());
        }
        for (String[] c : new String[][] {
            {"--classes applies only to --data csv:FILE, not mnist", "--data", "mnist:" + mnist, "--classes", "5"},
            {"--classes applies only to --data csv:FILE, not mnist", "--data-dir", mnist.toString(), "--classes", "10"},
            {
                "--label-column applies only to --data csv:FILE, not mnist",
                "--data",
                "mnist:" + mnist,
                "--label-column",
                "y"
            },
            {
                "--data-dir applies only to --data mnist[:DIR], not csv",
                "--data",
                "csv:x.csv",
                "--data-dir",
                mnist.toString()
            },
            {
                "--data-dir applies only to --data mnist[:DIR], not synthetic",
                "--data",
                "synthetic:moons",
                "--data-dir",
                mnist.toString()
            },
            {
                "--data-dir " + mnist + " and --data mnist:" + mnist
                        + " both name the MNIST directory; give one of them",
                "--data",
                "mnist:" + mnist,
                "--data-dir",
                mnist.toString()
            },
        }) {
            String[] args = new String[c.length + 1];
            args[0] = "eval";
            args[1] = model.toString();
            System.arraycopy(c, 1, args, 2, c.length - 1);
            Cli r = Cli.run(args);
            assertEquals(2, r.code(), r.toString());
            assertEquals("myelin eval: " + c[0], r.err());
        }
    }

    @Test
    void evalOfACsvWithOtherColumnsCountsItsFeatureColumns() throws IOException {
        Path model = mnistModel();
        Path csv = Files.writeString(dir.resolve("test.csv"), "a,b,c,label\n1,2,3,0\n2,3,4,1\n");
        Cli r = Cli.run("eval", model.toString(), "--data", "csv:" + csv);
        assertEquals(1, r.code(), r.toString());
        assertEquals(
                "myelin eval: the model " + model + " expects 784 inputs, the file " + csv + " has 3 feature columns"
                        + " (plus its label column)",
                r.err());
    }

    @Test
    void evalOfAFileThatIsNoModelSaysWhatItIs() throws IOException {
        Path text = Files.writeString(dir.resolve("metrics.csv"), "epoch,loss\n1,0.5\n");
        Cli r = Cli.run("eval", text.toString(), "--data", "csv:" + text);
        assertEquals(1, r.code(), r.toString());
        assertEquals(
                "myelin eval: " + text + " is not a Myelin model file (a zip archive); it starts with the text"
                        + " \"epoch,loss 1,0.5...\"",
                r.err());
    }

    @Test
    void trainTakesTheLabelColumnOption() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "y,a,b\n0,0,0\n1,1,1\n0,0.1,0\n1,0.9,1\n");
        Cli r = Cli.run(
                "train",
                "--data",
                "csv:" + csv,
                "--label-column",
                "y",
                "--classes",
                "2",
                "--epochs",
                "1",
                "--hidden",
                "none",
                "--out",
                dir.resolve("o").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("MLP 2-2"), r.out()); // two features: y is the label, not a feature
    }
}
