package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Dense;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Export then import gives back the same model; an imported model fine-tunes with any optimiser and exports again. */
class OnnxRoundTripTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void exportThenImportGivesIdenticalParametersBuffersAndArchitecture(DataType type) throws Exception {
        Sequential original = Fixtures.allLayers(type, 3);
        Path file = dir.resolve("model.onnx");
        OnnxExport.save(original, file, Map.of("loss", "mse"));
        OnnxImport.Imported imported = OnnxImport.load(file);
        Sequential back = imported.model();
        assertEquals(original.config(), back.config());
        assertSame(
                original.namedParameters().entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().value())),
                back.namedParameters().entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().value())));
        assertSame(original.namedBuffers(), back.namedBuffers());
        assertEquals(
                Map.of("loss", "mse"),
                org.myelin.io.Json.readObject("metadata", imported.metadata().get("myelin.metadata")));
        INDArray x = Fixtures.input(type, 10, 6, 1);
        assertEquals(Ort.predict(original, x), Ort.predict(back, x));
        for (Sequential m : Fixtures.denseThenEachActivation(type)) {
            Sequential again = OnnxImport.read(OnnxExport.toModel(m, null).toByteArray(), "m.onnx")
                    .model();
            assertEquals(m.config(), again.config());
            assertSame(
                    Map.of("w", m.namedParameters().get("0.weight").value()),
                    Map.of("w", again.namedParameters().get("0.weight").value()));
        }
    }

    private static void assertSame(Map<String, INDArray> expected, Map<String, INDArray> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), k + " differs"));
    }

    private static double evalLoss(Sequential m, LossFunction loss, INDArray x, INDArray y) {
        return loss.apply(Tensor.constant(Ort.predict(m, x)), Tensor.constant(y))
                .item();
    }

    /** A classifier ending in logits, for softmax cross-entropy. */
    private static Sequential classifier() {
        Sequential m = Fixtures.allLayers(DataType.FLOAT, 21);
        return new Sequential(m.layers().subList(0, m.size() - 1));
    }

    @Test
    void anImportedModelFineTunesWithEveryOptimiserAndExportsAgain() throws Exception {
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 32, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 4);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 4, 1);
        }
        byte[] onnx = OnnxExport.toModel(classifier(), null).toByteArray();
        LossFunction loss = LossFunction.byName("softmax_cross_entropy");
        for (String name : Optimizers.NAMES) {
            Sequential m = OnnxImport.read(onnx, "classifier.onnx").model();
            INDArray before = m.namedParameters().get("0.weight").value().dup();
            Optimizer opt = Optimizers.create(name, Map.of(), m.namedParameters());
            double before0 = evalLoss(m, loss, x, y);
            for (int step = 0; step < 30; step++) {
                m.train();
                opt.zeroGrad();
                loss.apply(m.forward(Tensor.constant(x)), Tensor.constant(y)).backward();
                opt.step();
            }
            double after = evalLoss(m, loss, x, y);
            assertTrue(Double.isFinite(after), name);
            assertNotEquals(before, m.namedParameters().get("0.weight").value(), name + " changed nothing");
            if (!name.equals("adadelta")) { // Adadelta's default first steps are tiny by design
                assertTrue(after < before0, name + ": evaluation loss " + before0 + " -> " + after);
            }
            // The fine-tuned model exports again and ONNX Runtime agrees with it.
            INDArray probe = Fixtures.input(DataType.FLOAT, 8, 6, 3);
            double d = Ort.difference(
                    Ort.predict(m, probe), Ort.run(OnnxExport.toModel(m, null), probe), "fine-tuned with " + name);
            assertTrue(d <= 1e-5, name + ": " + d);
        }
    }

    @Test
    void pytorchLayoutWeightsAreTransposedOnImport() throws Exception {
        // Gemm with transB = 1 (weight [out, in]) is how PyTorch writes nn.Linear.
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 4);
        Nd4j.getRandom().setSeed(4);
        INDArray w = Nd4j.randn(DataType.FLOAT, 3, 4);
        g.node(
                "Gemm",
                java.util.List.of(g.init("fc.weight", w), g.init("fc.bias", Nd4j.randn(DataType.FLOAT, 3))),
                TestGraph.i("transB", 1));
        Dense d = (Dense)
                OnnxImport.read(g.build().toByteArray(), "torch.onnx").model().get(0);
        assertEquals(4, d.in());
        assertEquals(3, d.out());
        assertEquals(w.transpose(), d.weight().value());
    }
}
