package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.cli.Main;

class ExamplesTest {
    /** The experiments of the notes' table, in its order, and the CNN features example. */
    private static final List<String> ISSUE_NAMES = List.of(
            "gates",
            "spirals",
            "finite-difference",
            "saturation",
            "vanishing",
            "exploding",
            "overfitting",
            "dropout",
            "early-stopping",
            "batchnorm",
            "optimizers",
            "init",
            "approximation",
            "batch-sizes",
            "cnn-features");

    @Test
    void registryHoldsEveryExperimentOfTheIssueUnderItsName() {
        assertEquals(ISSUE_NAMES, Examples.names());
        for (Example e : Examples.all()) {
            assertEquals(e.name(), Examples.byName(e.name()).name());
            assertTrue(e.description().length() > 20, e.name() + " needs a description");
        }
    }

    @Test
    void unknownExampleIsRejectedWithTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Examples.byName("xor"));
        assertTrue(
                e.getMessage().contains("unknown example 'xor'")
                        && e.getMessage().contains("batch-sizes"),
                e.getMessage());
    }

    @Test
    void commandLineListsTheExamples() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"example", "--list"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        String text = out.toString(StandardCharsets.UTF_8);
        for (String name : ISSUE_NAMES) {
            assertTrue(text.contains("  " + name + " "), name + " missing from:\n" + text);
        }
    }

    @Test
    void commandLineRunsAnExampleIntoTheOutputFolder(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"example", "exploding", "--out", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("first layer / last layer = 16.00"), text);
        assertTrue(Files.isRegularFile(dir.resolve("exploding_chain.png")), text);
        assertTrue(Files.isRegularFile(dir.resolve("exploding.csv")), text);
    }

    @Test
    void commandLineRejectsAnUnknownExampleAndMissingName() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(
                2, // a usage error, as an unknown simulate scenario is
                Main.run(new String[] {"example", "nope"}, quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown example 'nope'"), err.toString());
        assertEquals(2, Main.run(new String[] {"example"}, quiet, quiet));
        assertEquals(2, Main.run(new String[] {"example", "gates", "spirals"}, quiet, quiet));
    }
}
