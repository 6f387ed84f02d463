package org.myelin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.neuro.Simulations;
import picocli.CommandLine;

/** The picocli command line: generated help, usage errors, environment defaults, the completion script. */
class CommandLineTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: myelin [-hV] COMMAND"), r.out());
        for (String command :
                new String[] {"info", "train", "eval", "simulate", "demo", "example", "export", "completion", "help"}) {
            assertTrue(r.out().matches("(?s).*\\n  " + command + " +\\S.*"), command + " missing in\n" + r.out());
        }
    }

    @Test
    void noCommandPrintsTheUsageAndExits2() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("Usage: myelin"), r.err());
    }

    @Test
    void unknownOptionIsOneLineNamingItAndTheNearestOption() {
        Run r = run("train", "--epoch", "3");
        assertEquals(2, r.code());
        assertEquals(
                "myelin train: unknown option --epoch (did you mean --epochs?); see 'myelin train --help'", r.err());
    }

    @Test
    void helpOnAnUnknownCommandListsTheCommands() {
        Run r = run("help", "trian");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("myelin: unknown command 'trian'; expected one of [info, train, eval"), r.err());
        assertTrue(r.err().strip().endsWith("; see 'myelin --help'"), r.err());
        assertTrue(!r.err().strip().contains("\n"), r.err());
    }

    @Test
    void unknownCommandListsTheCommands() {
        Run r = run("trian");
        assertEquals(2, r.code());
        assertTrue(
                r.err()
                        .startsWith("myelin: unknown command 'trian' (did you mean train?); expected one of [info,"
                                + " train, eval"),
                r.err());
        assertTrue(!r.err().contains("\n"), r.err());
    }

    @Test
    void aTypoOfExportSuggestsAndListsItWithoutTheOnnxModule() {
        Run r = run("expor");
        assertEquals(2, r.code());
        assertEquals(
                "myelin: unknown command 'expor' (did you mean export or example?); expected one of [info, train, eval, simulate,"
                        + " demo, example, export, completion, help]; see 'myelin --help'",
                r.err());
        Run export = run("export", "model.zip", "--onnx", "out.onnx");
        assertEquals(1, export.code());
        assertTrue(export.err().startsWith("myelin export: the onnx module is not on the class path"), export.err());
    }

    @Test
    void anArgumentACommandDoesNotTakeIsAUsageError() {
        Run r = run("info", "extra");
        assertEquals(2, r.code());
        assertEquals("myelin info: unexpected argument 'extra'; see 'myelin info --help'", r.err());
    }

    @Test
    void trainHelpListsEveryRegisteredOptimizer() {
        String help = Main.trainHelp();
        for (String name : org.myelin.optim.Optimizers.NAMES) {
            assertTrue(help.contains(name), name + " missing from:\n" + help);
        }
    }

    @Test
    void trainHelpListsEveryModelArchitecture() {
        // Its description wraps over lines: compared with each run of spaces and line breaks as one space.
        String help = Main.trainHelp().replaceAll("\\s+", " ");
        String entry = "--model NAME one of: " + String.join(", ", org.myelin.train.ModelSpec.ARCHITECTURES) + " (";
        assertTrue(help.contains(entry), entry + " missing in\n" + Main.trainHelp());
    }

    @Test
    void trainHelpIsGeneratedWithEveryOptionAndTheEnvironment() {
        Run r = run("train", "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Usage: myelin train "), r.out());
        CommandLine train = Main.commandLine(System.out).getSubcommands().get("train");
        for (var option : train.getCommandSpec().options()) {
            assertTrue(r.out().contains(option.longestName()), option.longestName() + " missing in\n" + r.out());
        }
        for (String text : new String[] {
            "--epochs N", "--classes K", "--config FILE.json", "MYELIN_EPOCHS", "MYELIN_BATCH_SIZE", "MYELIN_SEED"
        }) {
            assertTrue(r.out().contains(text), text + " missing in\n" + r.out());
        }
        assertEquals(r.out().strip(), Main.trainHelp().strip());
        assertEquals(r.out(), run("help", "train").out());
    }

    @Test
    void simulateHelpListsTheSettingsOfEveryScenario() {
        Run r = run("simulate", "--help");
        assertEquals(0, r.code(), r.err());
        for (String scenario : Simulations.NAMES) {
            assertTrue(r.out().contains("\n  " + scenario + ": "), scenario + " in\n" + r.out());
            Simulations.defaults(scenario)
                    .forEach((key, value) -> assertTrue(
                            r.out().contains(" " + key + "=" + value), scenario + " " + key + " in\n" + r.out()));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --epochs     | 4294967297 | myelin train: --epochs must be an integer in 1..2147483647, was '4294967297'
            --epochs     | 0          | myelin train: --epochs must be an integer in 1..2147483647, was '0'
            --batch-size | -1         | myelin train: --batch-size must be an integer in 1..2147483647, was '-1'
            --limit      | 0          | myelin train: --limit must be an integer in 1..2147483647, was '0'
            --lr         | -0         | myelin train: --lr must be a finite number > 0, was '-0'
            --clip-norm  | 1e999      | myelin train: --clip-norm must be a finite number > 0, was '1e999'
            --dropout    | 1          | myelin train: --dropout must be a number in [0, 1), was '1'
            --epochs     | 0x10       | myelin train: --epochs must be an integer in 1..2147483647, was '0x10'
            --seed       | 1e3        | myelin train: --seed must be an integer in -9223372036854775808..9223372036854775807, was '1e3'
            --seed       | 9223372036854775808 | myelin train: --seed must be an integer in -9223372036854775808..9223372036854775807, was '9223372036854775808'
            --lr         | 0x1p3      | myelin train: --lr must be a number, was '0x1p3'
            --validation | 1f         | myelin train: --validation must be a number, was '1f'
            --validation | 2          | myelin train: --validation must be a number in [0, 1), was '2'
            --l2         | -1         | myelin train: --l2 must be a finite number >= 0, was '-1'
            --l2         | 1e999      | myelin train: --l2 must be a finite number >= 0, was '1e999'
            """)
    void numbersAreDecimalAndNeverWrap(String option, String value, String message) {
        Run r = run("train", "--data", "synthetic:xor", option, value);
        assertEquals(2, r.code(), r.err());
        assertEquals(message, r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            train --epochs                 | myelin train: --epochs expects N (an integer in 1..2147483647), found nothing after it; see 'myelin train --help'
            train --epochs --out DIR       | myelin train: --epochs expects N (an integer in 1..2147483647), found the option --out; see 'myelin train --help'
            train --lr --epochs=3          | myelin train: --lr expects RATE (a finite number > 0), found the option --epochs=3; see 'myelin train --help'
            train --out --seed 3           | myelin train: --out expects DIR, found the option --seed; see 'myelin train --help'
            eval m.zip --data              | myelin eval: --data expects SOURCE, found nothing after it; see 'myelin eval --help'
            simulate lif --seed            | myelin simulate: --seed expects N (an integer in -9223372036854775808..9223372036854775807), found nothing after it; see 'myelin simulate --help'
            """)
    void aMissingValueNamesTheOptionWhatItTakesAndWhatCameInstead(String args, String message) {
        Run r = run(args.split(" "));
        assertEquals(2, r.code(), r.err());
        assertEquals(message, r.err());
    }

    @Test
    void aMissingRequiredArgumentNamesItWithTheUsage() {
        Run r = run("simulate");
        assertEquals(2, r.code(), r.err());
        assertEquals("myelin simulate: missing SCENARIO; usage: myelin simulate SCENARIO [KEY=VALUE...]", r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"info", "train", "eval", "simulate", "demo", "example", "export", "completion"})
    void everyCommandOfferingVersionPrintsTheVersionLine(String command) {
        String version = run("--version").out();
        assertTrue(version.startsWith("myelin "), version);
        var spec = Main.commandLine(System.out).getSubcommands().get(command).getCommandSpec();
        assertTrue(spec.findOption("--version") != null, command + " offers --version");
        for (String flag : new String[] {"-V", "--version"}) {
            Run r = run(command, flag);
            assertEquals(0, r.code(), r.err());
            assertEquals(version, r.out(), command + " " + flag);
        }
    }

    @Test
    void longOptionsTakeTheirValueAfterAnEqualsSign(@TempDir Path dir) throws Exception {
        TrainOptions train = parse(
                "--epochs=3",
                "--batch-size=7",
                "--seed=-5",
                "--data=synthetic:xor",
                "--lr=0.5",
                "--hidden=4,2",
                "--out=" + dir.resolve("t"));
        Map<String, Object> raw = train.config(Map.of());
        Map<?, ?> training = (Map<?, ?>) raw.get("training");
        assertEquals(3L, ((Number) training.get("epochs")).longValue());
        assertEquals(7L, ((Number) training.get("batch_size")).longValue());
        assertEquals(-5L, ((Number) training.get("seed")).longValue());
        assertEquals(dir.resolve("t").toString(), raw.get("output"));
        // The value after "=" goes through the option's converter like one after a space.
        Run eval = run("eval", "m.zip", "--batch-size=0");
        assertEquals("myelin eval: --batch-size must be an integer in 1..2147483647, was '0'", eval.err());
        // simulate: --out=DIR among the KEY=VALUE settings, which stay settings.
        Path out = dir.resolve("sim");
        Run sim = run("simulate", "lif", "--out=" + out, "duration=0.01", "--seed=3");
        assertEquals(0, sim.code(), sim.err());
        assertTrue(Files.exists(out.resolve("lif_voltage.csv")), sim.out());
        Path out2 = dir.resolve("sim2");
        Run sim2 = run("simulate", "lif", "duration=0.01", "dt=0.001", "--out", out2.toString());
        assertEquals(0, sim2.code(), sim2.err());
        assertTrue(sim2.out().contains("at dt 0.001 s"), sim2.out());
        // An unknown one is named without its value.
        Run typo = run("train", "--epoch=3");
        assertEquals(
                "myelin train: unknown option --epoch (did you mean --epochs?); see 'myelin train --help'", typo.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"info", "train", "eval", "simulate", "demo", "example", "export", "completion"})
    void theUsageLineWrapsOnlyBetweenItems(String command) {
        String help = run(command, "--help").out();
        List<String> synopsis = new java.util.ArrayList<>();
        for (String line : help.lines().toList()) {
            if (!synopsis.isEmpty() && !line.startsWith(" ")) {
                break;
            }
            synopsis.add(line);
        }
        assertTrue(synopsis.get(0).startsWith("Usage: myelin " + command), help);
        for (String line : synopsis) {
            assertTrue(line.length() <= CommandLines.HELP_WIDTH, line);
            // Each line holds whole items: brackets balanced, no name cut at its dot (MODEL. / zip).
            assertEquals(
                    line.chars().filter(c -> c == '[').count(),
                    line.chars().filter(c -> c == ']').count(),
                    line);
            assertTrue(!line.strip().endsWith(".") && !line.strip().matches("^[a-z].*"), line);
        }
        String joined = String.join(" ", synopsis).replaceAll("\\s+", " ");
        var spec = Main.commandLine(System.out).getSubcommands().get(command).getCommandSpec();
        for (var option : spec.options()) {
            String item = option.longestName() + (option.arity().max() > 0 ? " " + option.paramLabel() : "");
            boolean standard = option.usageHelp() || option.versionHelp(); // shown as [-hV]
            assertTrue(standard || joined.contains(item), item + " in " + joined);
        }
        for (var positional : spec.positionalParameters()) {
            assertTrue(joined.contains(positional.paramLabel()), positional.paramLabel() + " in " + joined);
        }
    }

    @Test
    void trainHelpPointsToTheSparkOptions() {
        String help = Main.trainHelp();
        for (String text : new String[] {"--spark MASTER", "--partitions P", "--local-steps K", "docs/spark.md"}) {
            assertTrue(help.contains(text), text + " missing in\n" + help);
        }
    }

    @Test
    void theEnvironmentOverridesTheConfigFileAndTheOptionsOverrideBoth(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(
                dir.resolve("job.json"), "{\"training\": {\"epochs\": 10, \"batch_size\": 20, \"seed\": 1}}");
        TrainOptions options = parse("--config", config.toString(), "--batch-size", "7");
        Map<String, Object> raw = options.config(Map.of("MYELIN_EPOCHS", "3", "MYELIN_BATCH_SIZE", "5"));
        Map<?, ?> training = (Map<?, ?>) raw.get("training");
        assertEquals(3L, ((Number) training.get("epochs")).longValue(), "environment over the file");
        assertEquals(7L, ((Number) training.get("batch_size")).longValue(), "option over the environment");
        assertEquals(1L, ((Number) training.get("seed")).longValue(), "the file where nothing overrides it");
        Map<?, ?> envOnly =
                (Map<?, ?>) parse().config(Map.of("MYELIN_SEED", "9")).get("training");
        assertEquals(Map.of("seed", 9L), envOnly);
        // A 64-bit seed (a clock's nanoseconds) as the config's training.seed takes it, by option or environment.
        Map<?, ?> wide =
                (Map<?, ?>) parse("--seed", "5000000000").config(Map.of()).get("training");
        assertEquals(5_000_000_000L, ((Number) wide.get("seed")).longValue());
        Map<?, ?> wideEnv =
                (Map<?, ?>) parse().config(Map.of("MYELIN_SEED", "-5000000000")).get("training");
        assertEquals(-5_000_000_000L, ((Number) wideEnv.get("seed")).longValue());
    }

    @Test
    void aBadEnvironmentValueIsAUsageErrorNamingTheVariable() {
        UsageException e = assertThrows(UsageException.class, () -> parse().config(Map.of("MYELIN_EPOCHS", "two")));
        assertEquals("MYELIN_EPOCHS must be an integer in 1..2147483647, was 'two'", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MYELIN_EPOCHS|abc|--epochs|abc",
                "MYELIN_EPOCHS|0|--epochs|0",
                "MYELIN_BATCH_SIZE|4294967296|--batch-size|4294967296",
                "MYELIN_SEED|9223372036854775808|--seed|9223372036854775808",
            })
    void anEnvironmentVariableTakesTheRangeOfItsOption(String variable, String value, String option, String same) {
        UsageException e = assertThrows(UsageException.class, () -> parse().config(Map.of(variable, value)));
        Run r = run("train", option, same);
        assertEquals(2, r.code(), r.err());
        String optionMessage = r.err().substring(r.err().indexOf(option) + option.length());
        assertEquals(variable + optionMessage.replace("; see 'myelin train --help'", ""), e.getMessage());
    }

    @Test
    void completionScriptCoversTheCommandsAndTheirOptions() {
        Run r = run("completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out().startsWith("#!/usr/bin/env bash"),
                r.out().lines().findFirst().orElse(""));
        assertTrue(r.out().contains("complete -F _complete_myelin") && r.out().contains("myelin"), "registers myelin");
        for (String word : new String[] {"train", "eval", "simulate", "--epochs", "--batch-size", "lif"}) {
            assertTrue(r.out().contains(word), word + " missing in the completion script");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            train    | --out DIR,--data SOURCE,--data-dir DIR,--classes K,--label-column NAME,--seed N,--batch-size N
            eval     | --data SOURCE,--data-dir DIR,--classes K,--label-column NAME,--batch-size N
            simulate | --out DIR,--seed N
            example  | --out DIR
            """)
    void sharedOptionsHaveOneNameAndOneDescriptionEverywhere(String command, String options) {
        var commands = Main.commandLine(System.out).getSubcommands();
        String help = run(command, "--help").out();
        for (String option : options.split(",")) {
            assertTrue(help.contains(option), option + " missing in\n" + help);
            String name = option.split(" ")[0];
            var here = commands.get(command).getCommandSpec().findOption(name);
            var inTrain = commands.get("train").getCommandSpec().findOption(name);
            assertEquals(List.of(inTrain.description()), List.of(here.description()), name);
            assertEquals(inTrain.paramLabel(), here.paramLabel(), name);
        }
    }

    @Test
    void simulateTakesTheSeedAsAnOptionAndRefusesItTwice(@TempDir Path dir) {
        Run r = run("simulate", "synapse", "--seed", "7", "duration=0.05", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        Run twice = run("simulate", "synapse", "--seed", "7", "seed=8", "--out", dir.toString());
        assertEquals(2, twice.code());
        assertEquals("myelin simulate: --seed 7 and seed=8 both given; give the seed once", twice.err());
    }

    @ParameterizedTest
    @CsvSource({"hh, currents=5 duration=5", "lif, duration=0.01", "tuning, points=2 duration=0.01"})
    void aScenarioThatDrawsNothingAtRandomRunsTheSameWithAnySeed(String scenario, String settings, @TempDir Path dir)
            throws Exception {
        // As the help says (--seed: "the other scenarios draw nothing at random"): one command line runs them all.
        List<String> args = new java.util.ArrayList<>(List.of("simulate", scenario, "--out", dir.toString()));
        args.addAll(List.of(settings.split(" ")));
        Run without = run(args.toArray(new String[0]));
        assertEquals(0, without.code(), without.err());
        args.addAll(List.of("--seed", "7"));
        Run with = run(args.toArray(new String[0]));
        assertEquals(0, with.code(), with.err());
        assertEquals(without.out(), with.out());
        assertTrue(run("simulate", "--help")
                .out()
                .replaceAll("\\s+", " ")
                .contains("simulate: synapse and network," + " the other scenarios draw nothing at random"));
        // The seed=N setting stays refused where there is nothing to seed.
        Run setting = run("simulate", scenario, "seed=7", "--out", dir.toString());
        assertEquals(2, setting.code());
        assertTrue(setting.err().startsWith("myelin simulate: unknown setting 'seed'"), setting.err());
    }

    @Test
    void simulateRefusesASettingGivenTwice(@TempDir Path dir) {
        Run r = run("simulate", "hh", "dt=0.01", "dt=0.02", "--out", dir.toString());
        assertEquals(2, r.code());
        assertEquals("myelin simulate: dt given twice (dt=0.01 and dt=0.02); give each setting once", r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            hh      | dt=0           | setting 'dt' must be > 0, was '0'
            hh      | dt=abc         | setting 'dt' must be a finite number, was 'abc'
            hh      | current=5      | unknown setting 'current'; did you mean currents?
            hh      | currents=1,,2  | setting 'currents' must be a comma-separated list of numbers, item 2 of '1,,2' is empty
            lif     | tau_ref=-1     | setting 'tau_ref' must be >= 0, was '-1'
            lif     | dt=1           | settings 'duration' = 0.15 s and 'dt' = 1 s, expected a duration longer than dt
            synapse | dt=10          | duration / dt = 5.0e-2 time steps, expected at least 1
            lif     | 0.001          | expected a setting KEY=VALUE, got '0.001'
            tuning  | points=1       | setting 'points' must be a whole number in 2..2147483647, was '1'
            tuning  | points=2.5     | setting 'points' must be a whole number in 2..2147483647, was '2.5'
            synapse | orders=21      | setting 'orders' must list whole numbers in 0..20, had 21
            synapse | orders=-1      | setting 'orders' must list whole numbers in 0..20, had -1
            synapse | dt=1e-300      | duration / dt = 5.0e299 time steps, expected at most 1.0e8
            network | inputs=2000000000 | neurons x inputs = 4.0e11 weights, expected at most 1.0e8
            network | input_rate=0   | setting 'input_rate' must be > 0, was '0'
            """)
    void simulateRefusesBadSettingsAsUsageErrorsBeforeRunning(
            String scenario, String setting, String message, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Run r = run("simulate", scenario, setting, "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        // The command's prefix once: the library's own "simulate SCENARIO: " is not repeated after it.
        assertTrue(r.err().startsWith("myelin simulate: " + message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void simulateRefusesAnUnknownScenarioWithThePrefixOnce(@TempDir Path dir) {
        Run r = run("simulate", "izhikevich", "--out", dir.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("myelin simulate: unknown scenario 'izhikevich', expected one of " + Simulations.NAMES, r.err());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--model|foo|--model must be mlp, cnn, lenet or layers, was \"foo\"",
                "--optimizer|adamm|--optimizer: unknown optimizer 'adamm'; did you mean adam?",
                "--data|synthetic:nosuch|--data: unknown synthetic set 'nosuch'; expected one of",
                "--activation|foo|--activation: unknown activation 'foo'; expected one of",
            })
    void aBadValueTheJobConfigRefusesNamesTheOptionAndIsAUsageError(
            String option, String value, String message, @TempDir Path dir) {
        Path out = dir.resolve("out");
        Run r = run("train", option, value, "--out", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("myelin train: " + message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void aBadValueInTheConfigFileNamesTheKeyAndExits1(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("job.json"), "{\"model\": {\"architecture\": \"foo\"}}");
        Run r = run(
                "train",
                "--config",
                config.toString(),
                "--epochs",
                "2",
                "--out",
                dir.resolve("o").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("myelin train: model.architecture: must be mlp, cnn, lenet or layers, was \"foo\"", r.err());
    }

    @Test
    void anUnknownExampleIsAUsageError() {
        Run r = run("example", "nosuch");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("myelin example: unknown example 'nosuch'; expected one of ["), r.err());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MYELIN_LOG_LEVEL|LOUD|MYELIN_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL, was 'LOUD'",
                "MYELIN_LOG_LEVEL|' loud '|MYELIN_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL, was ' loud '",
                "MYELIN_KERNELS|foo|MYELIN_KERNELS must be auto or nd4j, was 'foo'",
                "MYELIN_KERNEL_SPLIT_ELEMENTS|64k|MYELIN_KERNEL_SPLIT_ELEMENTS must be off or a whole number of elements"
                        + " in 1..4611686018427387904, was '64k'",
            })
    void aBadLogLevelOrKernelPathIsRefusedBeforeAnythingRuns(String variable, String value, String message) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Main.checkSettings(new Properties(), Map.of(variable, value)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void goodLogLevelsAndKernelPathsPass() {
        Main.checkSettings(new Properties(), Map.of("MYELIN_LOG_LEVEL", "debug", "MYELIN_KERNELS", "ND4J"));
        Main.checkSettings(new Properties(), Map.of("MYELIN_KERNELS", ""));
        // Blank is unset (containers export empty variables), spaces around a level are dropped.
        Main.checkSettings(new Properties(), Map.of("MYELIN_LOG_LEVEL", ""));
        Main.checkSettings(new Properties(), Map.of("MYELIN_LOG_LEVEL", " info "));
        Properties nd4j = new Properties();
        nd4j.setProperty("myelin.kernels", "nd4j"); // the property wins over the variable, as in Kernels
        Main.checkSettings(nd4j, Map.of("MYELIN_KERNELS", "foo"));
        Main.checkSettings(new Properties(), Map.of("MYELIN_KERNEL_SPLIT_ELEMENTS", "off"));
        Main.checkSettings(new Properties(), Map.of("MYELIN_KERNEL_SPLIT_ELEMENTS", "32768"));
        Properties split = new Properties();
        split.setProperty("myelin.kernelSplitElements", "off"); // the property wins, as in KernelSplit
        Main.checkSettings(split, Map.of("MYELIN_KERNEL_SPLIT_ELEMENTS", "64k"));
    }

    @Test
    void aFailureQuotingFileContentIsOneLine(@TempDir Path dir) throws Exception {
        // model.json's "format" is quoted in the message; its newlines and escapes printed as three lines.
        Path model = dir.resolve("m.zip");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(model))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("model.json"));
            zip.write("{\"format\": \"line1\\nline2\\u001b[2Jline3\"}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "a,b,label\n0.1,0.2,0\n0.3,0.1,1\n");
        Run r = run("eval", model.toString(), "--data", "csv:" + csv, "--classes", "2");
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err().startsWith("myelin eval: " + model + "!model.json: format is line1; line2?[2Jline3"), r.err());
        assertTrue(!r.err().contains("\n") && !r.err().contains("\u001b"), r.err());
    }

    @Test
    void evalRefusesABatchSizeBelowOne() {
        Run r = run("eval", "model.zip", "--batch-size", "0");
        assertEquals(2, r.code());
        assertEquals("myelin eval: --batch-size must be an integer in 1..2147483647, was '0'", r.err());
    }

    private static TrainOptions parse(String... args) {
        TrainCommand command = new TrainCommand();
        CommandLines.configure(new CommandLine(command)).parseArgs(args);
        return command.options;
    }
}
