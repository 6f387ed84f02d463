package org.myelin.io;

import org.myelin.MyelinException;

/**
 * A model or checkpoint file that cannot be loaded: damaged, of an unknown format version, or inconsistent
 * with itself. The message names the file or entry, the expected and the actual value.
 */
public class ModelFormatException extends MyelinException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
