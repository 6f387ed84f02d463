package org.myelin;

/**
 * An invalid argument that is also a config setting (a hyper-parameter such as an optimiser's {@code beta1}): an
 * {@link IllegalArgumentException} whose message names the owner ({@code Adam: beta1 must be in [0, 1), was
 * 1.2}) and which carries the config key the value is read from ({@code beta1}). Passed in code it is an argument
 * error like any other; bound from a config, {@link org.myelin.config.ConfigBinder} turns it into a
 * {@link ConfigurationException} with the full path in front ({@code optimizer.beta1: Adam: beta1 ...}).
 */
public class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /** @param key the config key of the value, relative to its record ({@code learning_rate}) */
    public InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The config key of the value, relative to its record. */
    public String key() {
        return key;
    }
}
