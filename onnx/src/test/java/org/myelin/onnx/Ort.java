package org.myelin.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs ONNX models in ONNX Runtime (the reference) and Myelin models in evaluation mode, and compares them. */
final class Ort {

    private static final Logger log = LoggerFactory.getLogger(Ort.class);
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** The largest float32 difference seen in this JVM, for the report. */
    static double maxFloatDifference;
    /** The largest float64 difference seen in this JVM. */
    static double maxDoubleDifference;

    private Ort() {}

    static OrtSession session(ModelProto model) throws OrtException {
        return ENV.createSession(model.toByteArray(), new OrtSession.SessionOptions());
    }

    /** ONNX Runtime's output for {@code x} (FLOAT or DOUBLE, any rank) fed as the model's single input. */
    static INDArray run(ModelProto model, INDArray x) throws OrtException {
        try (OrtSession s = session(model)) {
            return run(s, x);
        }
    }

    static INDArray run(OrtSession s, INDArray x) throws OrtException {
        String input = s.getInputNames().iterator().next();
        INDArray c = x.dup('c');
        try (OnnxTensor t = x.dataType() == DataType.FLOAT
                        ? OnnxTensor.createTensor(ENV, FloatBuffer.wrap(c.data().asFloat()), x.shape())
                        : OnnxTensor.createTensor(
                                ENV, DoubleBuffer.wrap(c.data().asDouble()), x.shape());
                OrtSession.Result r = s.run(Map.of(input, t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            if (x.dataType() == DataType.FLOAT) {
                FloatBuffer b = out.getFloatBuffer();
                float[] v = new float[b.remaining()];
                b.get(v);
                return Nd4j.create(v, shape, 'c');
            }
            DoubleBuffer b = out.getDoubleBuffer();
            double[] v = new double[b.remaining()];
            b.get(v);
            return Nd4j.create(v, shape, 'c');
        }
    }

    /** Myelin's evaluation-mode prediction. */
    static INDArray predict(Module model, INDArray x) {
        model.eval();
        try (var scope = Autograd.noGrad()) {
            return model.forward(Tensor.constant(x)).value().dup();
        }
    }

    /** Max absolute difference of two same-shape arrays, recorded per data type. */
    static double difference(INDArray a, INDArray b, String what) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new AssertionError(what + ": shapes " + java.util.Arrays.toString(a.shape()) + " and "
                    + java.util.Arrays.toString(b.shape()) + " differ");
        }
        double d = a.castTo(DataType.DOUBLE)
                .sub(b.castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
        if (a.dataType() == DataType.FLOAT) {
            maxFloatDifference = Math.max(maxFloatDifference, d);
        } else {
            maxDoubleDifference = Math.max(maxDoubleDifference, d);
        }
        log.info(
                "{}: max |Myelin - ONNX Runtime| = {} (largest so far: float32 {}, float64 {})",
                what,
                d,
                maxFloatDifference,
                maxDoubleDifference);
        return d;
    }

    /**
     * The tolerance of the comparison: 1e-5 in float32; 1e-7 in float64, where ONNX's float32 attributes (LeakyRelu's
     * alpha, the norms' epsilon) round the slope 0.2 to 0.2000000030 (a 1.5e-8 relative change).
     */
    static double tolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-5 : 1e-7;
    }
}
