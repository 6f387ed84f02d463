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

    /** The problem as said to a command-line user whose option set the value, or null: {@link #problem()}. */
    private String commandLineProblem;

    /** @param path the dotted path of the offending key ({@code ""} for the whole config) */
    public ConfigurationException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
    }

    /** The dotted path of the offending key, {@code ""} for the config as a whole. */
    public String path() {
        return path;
    }

    /**
     * Words the problem for a value that a command-line option gave (the command line maps the error to the option
     * and prints this instead of {@link #problem()}): advice such as {@code "resume": false} or {@code data.classes K}
     * reads there as {@code --no-resume} or {@code --classes K}.
     *
     * @return this exception
     */
    public ConfigurationException onCommandLine(String problem) {
        this.commandLineProblem = problem;
        return this;
    }

    /** The problem as worded for the command line ({@link #onCommandLine}), else {@link #problem()}. */
    public String commandLineProblem() {
        return commandLineProblem != null ? commandLineProblem : problem();
    }

    /** The same problem at another path (a record's key under its section), with its command-line wording. */
    public ConfigurationException at(String otherPath) {
        ConfigurationException e = new ConfigurationException(otherPath, problem());
        e.commandLineProblem = commandLineProblem;
        e.initCause(getCause() != null ? getCause() : this);
        return e;
    }

    /** The message without the path: what was expected and what was found. */
    public String problem() {
        String m = getMessage();
        return path.isEmpty() ? m : m.substring(path.length() + 2);
    }
}
