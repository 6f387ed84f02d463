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

    /** The longest name (of a node, value, tensor, attribute or op) shown in a message, in characters. */
    static final int MAX_NAME = 100;

    /** {@code "node 'NAME' (OP)"}, both {@link #shown} as they would be in a message. */
    static String node(onnx.Onnx.NodeProto n) {
        return "node " + name(n.getName()) + " (" + shown(n.getOpType()) + ")";
    }

    /** {@code s} {@link #shown} in single quotes: a name from the file. */
    static String name(String s) {
        return "'" + shown(s) + "'";
    }

    /**
     * Text from the file as a message shows it: cut to {@link #MAX_NAME} characters (with its length when longer)
     * and with control characters (line breaks among them) escaped, so that every message stays one short line
     * whatever the file's names hold.
     */
    static String shown(String s) {
        String cut = org.myelin.io.Text.shorten(s, MAX_NAME);
        StringBuilder b = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
