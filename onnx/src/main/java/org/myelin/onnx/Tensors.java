package org.myelin.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conversion between ND4J arrays and ONNX {@code TensorProto}s (float32 and float64; int64 for shape operands).
 * Reading checks the declared shape, its element count against a budget and the data's length against the shape
 * before anything is allocated.
 */
final class Tensors {

    /** The highest rank of a tensor read: operands of the supported ops have rank 4 at most (Conv's weight). */
    static final int MAX_RANK = 8;

    private Tensors() {}

    /** The ONNX element type of a Myelin data type: FLOAT or DOUBLE. */
    static int onnxType(DataType type) {
        return switch (type) {
            case FLOAT -> TensorProto.DataType.FLOAT_VALUE;
            case DOUBLE -> TensorProto.DataType.DOUBLE_VALUE;
            default ->
                throw new IllegalArgumentException(
                        "ONNX export: data type " + type + " is not supported; expected FLOAT or DOUBLE");
        };
    }

    /** The Myelin data type of an ONNX element type, or null when it is neither FLOAT nor DOUBLE. */
    static DataType myelinType(int onnxType) {
        if (onnxType == TensorProto.DataType.FLOAT_VALUE) {
            return DataType.FLOAT;
        }
        if (onnxType == TensorProto.DataType.DOUBLE_VALUE) {
            return DataType.DOUBLE;
        }
        return null;
    }

    /** The name of an ONNX element type, e.g. "FLOAT", for messages (an attribute's int64 is not cut to 32 bits). */
    static String typeName(long onnxType) {
        TensorProto.DataType t = onnxType == (int) onnxType ? TensorProto.DataType.forNumber((int) onnxType) : null;
        return t == null ? "unknown element type " + onnxType : t.name();
    }

    /** {@code a} as a tensor named {@code name}: its shape as dims, its values as little-endian raw data. */
    static TensorProto fromArray(String name, INDArray a) {
        int type = onnxType(a.dataType());
        INDArray c = a.dup('c');
        int size = a.dataType() == DataType.FLOAT ? 4 : 8;
        if (c.length() > (Integer.MAX_VALUE - 64) / size) {
            throw new IllegalArgumentException(
                    "ONNX export: tensor '" + name + "' " + java.util.Arrays.toString(a.shape()) + " needs "
                            + c.length() * size + " bytes, more than the 2 GiB a protobuf message can hold");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (c.length() * size)).order(ByteOrder.LITTLE_ENDIAN);
        if (a.dataType() == DataType.FLOAT) {
            for (float v : c.data().asFloat()) {
                buf.putFloat(v);
            }
        } else {
            for (double v : c.data().asDouble()) {
                buf.putDouble(v);
            }
        }
        buf.flip();
        TensorProto.Builder t =
                TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(buf));
        for (long d : a.shape()) {
            t.addDims(d);
        }
        return t.build();
    }

    /** A 1-element int64 or float tensor for scalar operands such as Dropout's ratio. */
    static TensorProto scalar(String name, double value, DataType type) {
        return fromArray(name, Nd4j.scalar(type, value).reshape());
    }

    /**
     * The element count of {@code t}'s declared shape, checked: at most {@link #MAX_RANK} dimensions, every dimension
     * {@code >= 0}, the product without
     * overflow and at most {@code budget}.
     */
    static long elementCount(TensorProto t, long budget, String where) {
        if (t.getDimsCount() > MAX_RANK) { // refused before its dims are listed in a message or become an array
            throw new OnnxFormatException(where + ": tensor " + OnnxFormatException.name(t.getName()) + " has "
                    + t.getDimsCount() + " dims; supported: at most " + MAX_RANK);
        }
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new OnnxFormatException(where + ": tensor " + OnnxFormatException.name(t.getName()) + " has dims "
                        + t.getDimsList() + ", expected sizes >= 0");
            }
            if (d != 0 && n > Long.MAX_VALUE / d) {
                throw new OnnxFormatException(where + ": tensor " + OnnxFormatException.name(t.getName()) + " has dims "
                        + t.getDimsList() + " whose product overflows a 64-bit count");
            }
            n *= d;
        }
        if (n > budget) {
            throw new OnnxFormatException(
                    where + ": tensor " + OnnxFormatException.name(t.getName()) + " has dims " + t.getDimsList() + " ("
                            + n + " elements), more than the " + budget + " elements this file may hold");
        }
        return n;
    }

    /**
     * The float32 or float64 values of {@code t} as an array of {@code type} and its declared shape.
     *
     * @param budget the most elements this tensor may have (the file's remaining budget)
     */
    static INDArray toArray(TensorProto t, DataType type, long budget, String where) {
        String name = "tensor " + OnnxFormatException.name(t.getName());
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new OnnxFormatException(where + ": " + name + " keeps its data in an external file, which is not"
                    + " supported; expected the data inside the model");
        }
        if (t.hasSegment()) {
            throw new OnnxFormatException(
                    where + ": " + name + " is a segment of a larger tensor, which is not supported");
        }
        DataType declared = myelinType(t.getDataType());
        if (declared != type) {
            throw new OnnxFormatException(where + ": " + name + " is " + typeName(t.getDataType()) + ", expected "
                    + typeName(onnxType(type)) + " (the model's data type)");
        }
        long n = elementCount(t, budget, where);
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int size = type == DataType.FLOAT ? 4 : 8;
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != n * size) {
                throw new OnnxFormatException(where + ": " + name + " has " + raw.size()
                        + " bytes of raw data, its dims " + Arrays.toString(shape) + " need " + n * size);
            }
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (type == DataType.FLOAT) {
                float[] v = new float[(int) n];
                b.asFloatBuffer().get(v);
                return Nd4j.create(requireFinite(v, shape, name, where), shape, 'c');
            }
            double[] v = new double[(int) n];
            b.asDoubleBuffer().get(v);
            return Nd4j.create(requireFinite(v, shape, name, where), shape, 'c');
        }
        int count = type == DataType.FLOAT ? t.getFloatDataCount() : t.getDoubleDataCount();
        if (count != n) {
            throw new OnnxFormatException(where + ": " + name + " has " + count + " values, its dims "
                    + Arrays.toString(shape) + " need " + n);
        }
        if (type == DataType.FLOAT) {
            float[] v = new float[(int) n];
            for (int i = 0; i < n; i++) {
                v[i] = t.getFloatData(i);
            }
            return Nd4j.create(requireFinite(v, shape, name, where), shape, 'c');
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = t.getDoubleData(i);
        }
        return Nd4j.create(requireFinite(v, shape, name, where), shape, 'c');
    }

    /**
     * {@code v}, refused where it holds NaN or an infinity: no supported operand (a weight, bias, statistic or
     * ratio) may, and the imported model would predict results that are not results (as {@code ModelFile} refuses
     * such parameters in a Myelin model file).
     */
    private static float[] requireFinite(float[] v, long[] shape, String name, String where) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw nonFinite(bad, v.length, v[first], first, shape, name, where);
        }
        return v;
    }

    private static double[] requireFinite(double[] v, long[] shape, String name, String where) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw nonFinite(bad, v.length, v[first], first, shape, name, where);
        }
        return v;
    }

    private static OnnxFormatException nonFinite(
            int bad, int count, double value, long index, long[] shape, String name, String where) {
        long[] at = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = index % shape[d];
            index /= shape[d];
        }
        return new OnnxFormatException(where + ": " + name + " holds " + bad + " non-finite value(s) of " + count
                + "; the first is " + value + " at " + Arrays.toString(at) + "; expected finite numbers");
    }

    /** The int64 values of a small tensor (a Reshape target shape), checked like {@link #toArray}. */
    static long[] toLongs(TensorProto t, int maxCount, String where) {
        String name = "tensor " + OnnxFormatException.name(t.getName());
        if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
            throw new OnnxFormatException(
                    where + ": " + name + " is " + typeName(t.getDataType()) + ", expected INT64");
        }
        long n = elementCount(t, maxCount, where);
        if (t.hasRawData()) {
            if (t.getRawData().size() != n * 8) {
                throw new OnnxFormatException(where + ": " + name + " has "
                        + t.getRawData().size() + " bytes of raw data, its dims " + t.getDimsList() + " need " + n * 8);
            }
            long[] v = new long[(int) n];
            t.getRawData()
                    .asReadOnlyByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asLongBuffer()
                    .get(v);
            return v;
        }
        if (t.getInt64DataCount() != n) {
            throw new OnnxFormatException(where + ": " + name + " has " + t.getInt64DataCount() + " values, its dims "
                    + t.getDimsList() + " need " + n);
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }
}
