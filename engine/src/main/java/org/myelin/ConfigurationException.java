package org.myelin;

/**
 * An invalid setting in a configuration (a job config, a module tree, optimiser hyper-parameters, simulation
 * options): the message starts with the dotted path of the offending key, then says what was expected and what
 * was found ({@code optimizer.learning_rate: must be > 0, was -0.1}).
 *
 * <p>It is a {@link MyelinException}, not an {@link IllegalArgumentException} (see there why); a caller that
 * wraps argument errors and can also meet a config error catches both types.
 */
public class ConfigurationException extends MyelinException {
    private static final long serialVersionUID = 1L;

    private final String path;

    /** @param path the dotted path of the offending key ({@code ""} for the whole config) */
    public ConfigurationException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
    }

    /** The dotted path of the offending key, {@code ""} for the config as a whole. */
    public String path() {
        return path;
    }

    /** The message without the path: what was expected and what was found. */
    public String problem() {
        String m = getMessage();
        return path.isEmpty() ? m : m.substring(path.length() + 2);
    }
}
