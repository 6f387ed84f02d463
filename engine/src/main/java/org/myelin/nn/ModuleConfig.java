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
