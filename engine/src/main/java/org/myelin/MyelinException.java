package org.myelin;

/**
 * The root of the errors Myelin raises about what it was given to read: a setting, a model file, a data file.
 *
 * <p>The tree: {@link ConfigurationException} (an invalid setting; the message starts with its config path),
 * {@link org.myelin.io.ModelFormatException} (a damaged or unsupported model, checkpoint or ONNX file; {@code
 * NpyFormatException} and {@code OnnxFormatException} refine it) and {@link DataFormatException} (a data file
 * whose content is invalid). A caller that wants "Myelin refused its input" catches this class; the command line
 * maps it to exit code 1.
 *
 * <p>None of these is an {@link IllegalArgumentException}: a damaged file is not a programming error of the
 * caller. Arguments of the wrong rank, shape, size or value passed by code (a tensor to an op, a learning rate
 * to an optimiser) stay {@code IllegalArgumentException}, the JDK's type for exactly that, thrown through
 * {@link Preconditions}; there is no shape subclass here because Java allows one superclass and those checks
 * must stay catchable as {@code IllegalArgumentException}.
 */
public class MyelinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MyelinException(String message) {
        super(message);
    }

    public MyelinException(String message, Throwable cause) {
        super(message, cause);
    }
}
