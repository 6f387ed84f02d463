package org.myelin;

/**
 * A data file (CSV, IDX, {@code .npy} data) that was read but whose content is invalid, such as a label outside
 * the classes. The message names the file. Truncated or unreadable files stay {@link java.io.IOException}.
 */
public class DataFormatException extends MyelinException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
