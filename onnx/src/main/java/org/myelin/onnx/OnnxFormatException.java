package org.myelin.onnx;

import org.myelin.io.ModelFormatException;

/**
 * An ONNX file that Myelin cannot import: damaged, hostile, or outside the supported op set. The message names
 * the file, the node (or tensor) and op, and what is supported.
 */
public class OnnxFormatException extends ModelFormatException {
    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
