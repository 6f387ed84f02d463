package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatesExampleTest {
    @Test
    void perceptronLearnsOrAndAndButNotXorWhileTheMlpLearnsAllThree(@TempDir Path dir) throws Exception {
        GatesExample.Result r = new GatesExample().run(dir);
        assertTrue(r.gate("OR").perceptronLearned(), r.summary());
        assertTrue(r.gate("AND").perceptronLearned(), r.summary());
        // No line separates XOR, so at least one of the four patterns stays wrong whatever the weights (CS 489 §7.1;
        // see docs/notes.md).
        assertTrue(r.gate("XOR").perceptronErrors() >= 1, r.summary());
        for (String gate : new String[] {"OR", "AND", "XOR"}) {
            assertEquals(0, r.gate(gate).mlpErrors(), gate + ": " + r.summary());
        }
        Outputs.assertWritten(r, dir);
    }
}
