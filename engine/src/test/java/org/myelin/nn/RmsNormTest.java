package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.myelin.io.ModelFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RmsNormTest {

    @Test
    void dividesEachSampleByItsRootMeanSquareTimesTheGain() {
        RmsNorm norm = new RmsNorm(3, 1e-12, DataType.DOUBLE);
        norm.gain().value().assign(Nd4j.createFromArray(1.0, 2.0, -1.0));
        // Row 1: mean square (1 + 4 + 4) / 3 = 3; row 2: (9 + 0 + 16) / 3 = 25/3. Hand-computed, not centred.
        INDArray y = norm.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{1, -2, 2}, {3, 0, -4}})))
                .value();
        double r1 = Math.sqrt(3);
        double r2 = Math.sqrt(25.0 / 3);
        INDArray expected = Nd4j.createFromArray(new double[][] {{1 / r1, -4 / r1, -2 / r1}, {3 / r2, 0, 4 / r2}});
        assertTrue(expected.equalsWithEps(y, 1e-12), y.toString());
    }

    @Test
    void gradCheckPassesOnTheGainAndTheInputInFloat64() {
        RmsNorm norm = new RmsNorm(4, 1e-3, DataType.DOUBLE);
        norm.gain().value().assign(Nd4j.createFromArray(1.5, -0.5, 2.0, 0.7));
        INDArray x = Nd4j.getRandomFactory()
                .getNewRandomInstance(5)
                .nextGaussian(new long[] {3, 4})
                .castTo(DataType.DOUBLE);
        double err = ModuleGradCheck.worstError(norm, x, 6);
        assertTrue(err < 1e-5, "worst error " + err);
    }

    @Test
    void gainStartsAtOneAndEpsDefaultsToTheReferenceValue() {
        Map<String, Object> c = new LinkedHashMap<>(Map.of("type", "rms_norm", "n", 5, "data_type", "float32"));
        RmsNorm norm = (RmsNorm) Modules.fromConfig(c);
        assertEquals(1e-8, norm.eps());
        assertEquals(Nd4j.ones(DataType.FLOAT, 5), norm.gain().value());
        assertEquals(Map.of("type", "rms_norm", "n", 5L, "eps", 1e-8, "data_type", "float32"), norm.config());
    }

    @Test
    void configTyposAndRangesAreNamedByPath() {
        Map<String, Object> c =
                new LinkedHashMap<>(Map.of("type", "rms_norm", "n", 5, "data_type", "float32", "epps", 1e-6));
        assertEquals(
                "epps: unknown key; did you mean eps?",
                assertThrows(ConfigurationException.class, () -> Modules.fromConfig(c))
                        .getMessage());
        Map<String, Object> d =
                new LinkedHashMap<>(Map.of("type", "rms_norm", "n", 5, "data_type", "float32", "eps", -1.0));
        assertEquals(
                "eps: must be > 0, was -1.0",
                assertThrows(ConfigurationException.class, () -> Modules.fromConfig(d))
                        .getMessage());
    }

    @Test
    void savesAndLoadsInAModelFile(@TempDir Path dir) throws Exception {
        Sequential model = new Sequential(new Dense(3, 4, DataType.FLOAT, 1), new RmsNorm(4, 1e-6, DataType.FLOAT));
        ((RmsNorm) model.get(1)).gain().value().assign(Nd4j.createFromArray(0.5f, 1f, 2f, -1f));
        Path f = dir.resolve("model.zip");
        ModelFile.save(f, model, Map.of());
        Sequential loaded = (Sequential) ModelFile.load(f).model();
        assertEquals(model.config(), loaded.config());
        INDArray x = Nd4j.linspace(-1, 1, 6, DataType.FLOAT).reshape(2, 3);
        assertEquals(
                model.forward(Tensor.constant(x)).value(),
                loaded.forward(Tensor.constant(x)).value());
    }
}
