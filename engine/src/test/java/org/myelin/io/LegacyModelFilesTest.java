package org.myelin.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Model files and checkpoints written before model files became snake_case (format version 1 with camelCase
 * architecture keys, committed under {@code fixtures/legacy-0.1/}) still load, and give the outputs recorded when
 * they were written.
 */
class LegacyModelFilesTest {

    private static Path fixture(String name) throws Exception {
        return Path.of(LegacyModelFilesTest.class
                .getResource(LegacyFixtures.DIR + name + ".zip")
                .toURI());
    }

    private static INDArray expectedOutput(String name) throws Exception {
        try (InputStream in =
                LegacyModelFilesTest.class.getResourceAsStream(LegacyFixtures.DIR + name + "-output.npy")) {
            return Npy.read(name, in, 1 << 20);
        }
    }

    private static void assertSameOutputs(String name, Module m) throws Exception {
        m.eval();
        INDArray out = m.forward(Tensor.constant(LegacyFixtures.input(name))).value();
        INDArray expected = expectedOutput(name);
        assertEquals(expected.dataType(), out.dataType(), name);
        // Same code path and the same weights: the outputs agree to the last bit, not just within a tolerance.
        assertEquals(expected, out, name + ": outputs differ from those recorded when the file was written");
    }

    @ParameterizedTest
    @ValueSource(strings = {LegacyFixtures.MLP, LegacyFixtures.CNN})
    void legacyModelFilesLoadAndGiveTheRecordedOutputs(String name) throws Exception {
        ModelFile.Loaded loaded = ModelFile.load(fixture(name));
        assertEquals("legacy fixture " + name, loaded.metadata().get("note"));
        assertSameOutputs(name, loaded.model());
    }

    @Test
    void legacyCheckpointLoadsWithItsOptimizerStateAndGivesTheRecordedOutputs() throws Exception {
        Checkpoint.Loaded c = Checkpoint.load(fixture(LegacyFixtures.CHECKPOINT));
        assertSameOutputs(LegacyFixtures.CHECKPOINT, c.model());
        assertEquals(
                Set.of("0.weight", "1.gain", "1.shift", "4.weight", "4.bias"),
                c.optimizerState().keySet());
        assertEquals(Set.of("m", "v"), c.optimizerState().get("0.weight").keySet());
        assertEquals("adam", c.optimizer().get("type"));
        assertTrue(
                c.trainer().containsKey("history"),
                "trainer state: " + c.trainer().keySet());
    }
}
