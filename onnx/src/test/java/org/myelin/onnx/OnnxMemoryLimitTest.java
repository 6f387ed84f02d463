package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
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
