package org.myelin.io;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes the model-file and checkpoint fixtures of {@code src/test/resources/fixtures/legacy-0.1/} with the code of
 * the commit that wrote them (see the README there), with the outputs each model gives for the fixed inputs of
 * {@link LegacyFixtures}. Runs only when asked: {@code -Dmyelin.writeLegacyFixtures=DIR}.
 */
class LegacyFixtureWriter {

    @Test
    @EnabledIfSystemProperty(named = "myelin.writeLegacyFixtures", matches = ".+")
    void writeFixtures() throws Exception {
        Path dir = Path.of(System.getProperty("myelin.writeLegacyFixtures"));
        Files.createDirectories(dir);
        for (String name : List.of(LegacyFixtures.MLP, LegacyFixtures.CNN)) {
            Module m = LegacyFixtures.legacyModel(name);
            ModelFile.save(dir.resolve(name + ".zip"), m, Map.of("note", "legacy fixture " + name));
            writeOutput(dir, name, m);
        }
        // The checkpoint fixture was written at 52d5e00 by running LegacyFixtures.job through TrainingJob, which now
        // lives in the cli module; its recorded output is recomputed from the committed file.
        Module trained =
                Checkpoint.load(dir.resolve(LegacyFixtures.CHECKPOINT + ".zip")).model();
        writeOutput(dir, LegacyFixtures.CHECKPOINT, trained);
    }

    private static void writeOutput(Path dir, String name, Module m) throws Exception {
        m.eval();
        INDArray input = LegacyFixtures.input(name);
        INDArray out = m.forward(Tensor.constant(input)).value();
        try (OutputStream o = Files.newOutputStream(dir.resolve(name + "-output.npy"))) {
            Npy.write(out, o);
        }
    }
}
