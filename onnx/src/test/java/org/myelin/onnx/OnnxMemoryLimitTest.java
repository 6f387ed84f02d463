package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX import sizes a model's parameters against the engine's memory limit ({@link org.myelin.MemoryLimit}) before
 * it reads them, as a Myelin model file is: a file within its own size limit may still hold more parameters than
 * this machine should allocate.
 */
class OnnxMemoryLimitTest {

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    /** Gemm over 32 features to 16: a weight [32, 16] and a bias [16], 528 float32 parameters (2,112 bytes). */
    private static ModelProto dense(DataType type) {
        TestGraph g = new TestGraph(17, type, -1, 32);
        g.node("Gemm", List.of(g.init("w", Nd4j.rand(type, 32, 16)), g.init("b", Nd4j.rand(type, 16))));
        return g.build();
    }

    @Test
    void aModelWhoseParametersExceedTheLimitIsRefusedNamingTheNeedAndTheLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "2k");
        byte[] bytes = dense(DataType.FLOAT).toByteArray();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(bytes, "big.onnx"));
        String m = e.getMessage();
        assertTrue(m.startsWith("big.onnx: the model"), m);
        assertTrue(m.contains("tensor 'w' [32, 16]"), m); // the largest initializer
        assertTrue(m.contains("needs 2.06 KiB (2112 bytes) for its 528 parameters"), m);
        assertTrue(m.contains("more than the limit of 2.00 KiB (2048 bytes) (-Dmyelin.maxParameterBytes)"), m);
        assertTrue(m.contains("raise the limit with -Dmyelin.maxParameterBytes=SIZE"), m);
        assertEquals(-1, m.indexOf('\n'), m);
        // float64 takes twice the bytes: 4,224.
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "4k");
        OnnxImport.read(dense(DataType.FLOAT).toByteArray(), "ok.onnx");
        byte[] doubles = dense(DataType.DOUBLE).toByteArray();
        String d = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(doubles, "big.onnx"))
                .getMessage();
        assertTrue(d.contains("needs 4.13 KiB (4224 bytes) for its 528 parameters"), d);
    }

    /**
     * Conv over [N, 1, 8, 8] images with a 2 x 2 kernel [4, 1, 2, 2], dilations 1023 and pads 1023 (a 1024-wide
     * window, the widest imported): 8 + 2 1023 - 1023 = 1031 outputs per side, so one sample's pass holds its output
     * [1, 4, 1031, 1031] and its im2col matrix of 1 2 2 1031 1031 values, 8,503,688 values (34,014,752 bytes) from
     * a file of a few hundred bytes.
     */
    private static ModelProto dilatedConv(long height, long width) {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 1, height, width);
        g.node(
                "Conv",
                List.of(g.init("w", Nd4j.rand(DataType.FLOAT, 4, 1, 2, 2))),
                GraphBuilder.intsAttribute("dilations", 1023, 1023),
                GraphBuilder.intsAttribute("pads", 1023, 1023, 1023, 1023));
        return g.build();
    }

    private static final long ONE_SAMPLE_BYTES = 34_014_752;

    @Test
    void aModelWhoseActivationsForOneSampleExceedTheLimitIsRefusedAtImport() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, Long.toString(ONE_SAMPLE_BYTES - 1));
        byte[] bytes = dilatedConv(8, 8).toByteArray();
        String m = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(bytes, "wide.onnx"))
                .getMessage();
        assertTrue(m.startsWith("wide.onnx: a prediction on a batch of 1 [1, 1, 8, 8]"), m);
        assertTrue(m.contains("node 'n0' (Conv), output [1, 4, 1031, 1031] and im2col matrix (4,251,844 values)"), m);
        assertTrue(m.contains("needs 32.44 MiB (34014752 bytes) for its 8,503,688 values"), m);
        assertTrue(m.contains("more than the limit of 32.44 MiB (34014751 bytes)"), m);
        assertTrue(m.endsWith("; one sample does not fit"), m);
        assertEquals(-1, m.indexOf('\n'), m);
        System.setProperty(Settings.MAX_PARAMETER_BYTES, Long.toString(ONE_SAMPLE_BYTES));
        OnnxImport.read(bytes, "wide.onnx"); // exactly one sample fits
    }

    @Test
    void aPredictionWhoseBatchExceedsTheLimitIsRefusedBeforeItRuns() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, Long.toString(3 * ONE_SAMPLE_BYTES));
        Sequential model =
                OnnxImport.read(dilatedConv(8, 8).toByteArray(), "wide.onnx").model();
        try (var scope = Autograd.noGrad()) {
            Tensor four = Tensor.constant(Nd4j.rand(DataType.FLOAT, 4, 1, 8, 8));
            String m = assertThrows(IllegalArgumentException.class, () -> model.forward(four))
                    .getMessage();
            assertTrue(
                    m.startsWith("wide.onnx: a prediction on a batch of 4 [4, 1, 8, 8] (its largest layer: node"
                            + " 'n0' (Conv), output [4, 4, 1031, 1031] and im2col matrix (17,007,376 values))"),
                    m);
            assertTrue(m.contains("needs 129.76 MiB (136059008 bytes) for its 34,014,752 values"), m);
            assertTrue(m.contains("more than the limit of 97.32 MiB (102044256 bytes)"), m);
            assertTrue(m.endsWith("; or predict in batches of at most 3 samples"), m);
            assertEquals(-1, m.indexOf('\n'), m);
            assertEquals(
                    List.of(1L, 4L, 1031L, 1031L),
                    List.of(box(model.forward(Tensor.constant(Nd4j.rand(DataType.FLOAT, 1, 1, 8, 8)))
                            .shape())));
        }
    }

    /** Without a declared image size the import cannot size one sample; the prediction, which knows it, does. */
    @Test
    void aModelWithoutDeclaredImageSizesIsSizedAtPrediction() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, Long.toString(ONE_SAMPLE_BYTES - 1));
        Sequential model =
                OnnxImport.read(dilatedConv(-1, -1).toByteArray(), "open.onnx").model();
        try (var scope = Autograd.noGrad()) {
            Tensor one = Tensor.constant(Nd4j.rand(DataType.FLOAT, 1, 1, 8, 8));
            String m = assertThrows(IllegalArgumentException.class, () -> model.forward(one))
                    .getMessage();
            assertTrue(m.startsWith("open.onnx: a prediction on a batch of 1 [1, 1, 8, 8]"), m);
            assertTrue(m.endsWith("; one sample does not fit"), m);
        }
    }

    private static Long[] box(long[] v) {
        Long[] out = new Long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Test
    void aModelWithinTheLimitImports() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "2112");
        assertEquals(
                528,
                OnnxImport.read(dense(DataType.FLOAT).toByteArray(), "ok.onnx")
                        .model()
                        .parameterCount());
    }
}
