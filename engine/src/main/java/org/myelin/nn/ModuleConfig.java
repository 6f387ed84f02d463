package org.myelin.nn;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The data-type names of module configs and model files: {@code "float32"} and {@code "float64"}. (Module configs
 * themselves are config records bound by {@link org.myelin.config.ConfigBinder}; see {@link Modules}.)
 */
public final class ModuleConfig {

    /** The config key holding a module's data type. */
    public static final String DATA_TYPE = "data_type";

    private ModuleConfig() {}

    /**
     * Refuses a parameter shape whose bytes (8 per element, float64's) a long cannot count; ND4J failed on it with
     * "Length must be >= 0", a negative fan-in or std::bad_alloc.
     */
    static void requireCountable(String who, String what, long... shape) {
        long n = 1;
        for (long d : shape) {
            n = org.myelin.MemoryLimit.saturatedProduct(n, d);
        }
        if (n > Long.MAX_VALUE / Double.BYTES) {
            throw new IllegalArgumentException(who + ": " + what + " " + java.util.Arrays.toString(shape)
                    + " has more elements than a long can count in bytes (at most " + Long.MAX_VALUE / Double.BYTES
                    + ")");
        }
    }

    /**
     * Refuses, before a layer's constructor allocates, parameters and buffers of {@code elements} elements of
     * {@code type} beyond {@link org.myelin.MemoryLimit}: {@code new BatchNorm(1L << 40, FLOAT)} failed inside ND4J
     * or with an {@code OutOfMemoryError} after claiming what it could. (A config tree is also checked as a whole, by
     * {@link LayerBuild#reserve}, before its first layer is built.) {@code elements} saturates at
     * {@link Long#MAX_VALUE} (see {@link org.myelin.MemoryLimit#saturatedProduct}).
     */
    static void requireWithinMemoryLimit(String who, long elements, DataType type, String noun) {
        org.myelin.MemoryLimit.check(who, elements, type == DataType.FLOAT ? Float.BYTES : Double.BYTES, noun);
    }

    /** {@code "float32"} for FLOAT, {@code "float64"} for DOUBLE. */
    public static String dataTypeName(DataType type) {
        switch (type) {
            case FLOAT:
                return "float32";
            case DOUBLE:
                return "float64";
            default:
                throw new IllegalArgumentException(
                        "data type must be FLOAT (float32) or DOUBLE (float64), was " + type);
        }
    }

    /** Parses {@code "float32"} / {@code "float64"} (also ND4J's {@code "FLOAT"} / {@code "DOUBLE"}). */
    public static DataType parseDataType(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "float32":
            case "float":
                return DataType.FLOAT;
            case "float64":
            case "double":
                return DataType.DOUBLE;
            default:
                throw new IllegalArgumentException(
                        "data type must be \"float32\" or \"float64\", was \"" + name + "\"");
        }
    }

    /** Rejects any data type other than FLOAT and DOUBLE, naming the module. */
    static DataType requireFloatType(String owner, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(
                    owner + ": data type must be FLOAT (float32) or DOUBLE (float64), was " + type);
        }
        return type;
    }
}
