package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.cli.Main;
import org.myelin.io.ModelFile;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.factory.Nd4j;

/** Runs the example of docs/onnx.md: a saved MNIST-shaped model, {@code myelin export}, the ONNX Runtime lines. */
class DocsExampleTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedOnnxRuntimeLinesRunAnExportedModel() throws Exception {
        Sequential trained = Models.mlpBuilder(784, 32, 10).optSeed(1).build();
        Path zip = dir.resolve("model.zip");
        ModelFile.save(zip, trained, Map.of("loss", "softmax_cross_entropy"));
        Path onnxFile = dir.resolve("model.onnx");
        assertEquals(
                0,
                Main.run(
                        new String[] {"export", zip.toString(), "--onnx", onnxFile.toString()},
                        System.out,
                        System.err));
        float[] pixels = new float[784];
        java.util.Arrays.fill(pixels, 0.5f);

        // The lines of docs/onnx.md, with the file name from above.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnxFile.toString(), new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {1, 784});
                OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] logits = (float[][]) result.get(0).getValue();
            int digit = 0;
            for (int k = 1; k < 10; k++) {
                digit = logits[0][k] > logits[0][digit] ? k : digit;
            }
            System.out.println("digit " + digit + ", trained with "
                    + session.getMetadata().getCustomMetadata().get("myelin.metadata"));

            float[] expected = Ort.predict(trained, Nd4j.create(pixels, new long[] {1, 784}, 'c'))
                    .toFloatVector();
            for (int k = 0; k < 10; k++) {
                assertEquals(expected[k], logits[0][k], 1e-5);
            }
            assertTrue(session.getMetadata()
                    .getCustomMetadata()
                    .get("myelin.metadata")
                    .contains("softmax"));
        }
    }
}
