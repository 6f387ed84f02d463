package org.myelin.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import org.myelin.Blas;
import org.myelin.Settings;
import org.myelin.gpu.Nd4jCudaSupport;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The {@code myelin} command line: {@code myelin COMMAND [options]}, parsed by picocli. Each command is a small
 * class annotated with its options; this one assembles them (with those other modules add through
 * {@link Extension}), selects the BLAS before anything loads ND4J, and returns the exit code: 0 success, 1 a
 * failure while running, 2 a usage error, each failure as one line on standard error.
 */
public final class Main {

    /**
     * A command that another module adds to the command line (the onnx module's {@code export}): a public class
     * annotated with picocli's {@code @Command(name = ...)}, with a no-argument constructor, listed in
     * {@code META-INF/services/org.myelin.cli.Main$Extension} and found on the class path with {@link ServiceLoader}.
     * It prints to its {@code @ParentCommand MyelinCommand}'s {@link MyelinCommand#out()} and throws like the
     * engine's commands do ({@link Failures}).
     */
    public interface Extension extends Callable<Integer> {}

    /** Commands that only report and so may run where ND4J cannot (a GPU its CUDA backend does not support). */
    private static final Set<String> REPORT_ONLY = Set.of("info", "help", "completion");

    private Main() {}

    public static void main(String[] args) {
        checkSettingsAndSelectBlas();
        boolean reportOnly = args.length == 0 || REPORT_ONLY.contains(args[0]) || args[0].startsWith("-");
        if (!reportOnly) {
            try {
                // -Pcuda builds: stop here on a GPU ND4J's CUDA backend cannot run on (myelin info reports it).
                Nd4jCudaSupport.requireUsable();
            } catch (IllegalStateException e) {
                System.err.println("myelin: " + e.getMessage());
                System.exit(1);
            }
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * What every launcher's main does first, before anything loads ND4J (thread counts and the BLAS are fixed when
     * its natives load): {@link #checkSettings} (its warnings printed, a bad value a one-line usage error, exit 2) and
     * {@link Blas#select()}. {@code myelin train --spark}'s main calls it too.
     */
    public static void checkSettingsAndSelectBlas() {
        try {
            // The level as checked (a blank value means the default, spaces around it are dropped): Logback reads
            // system properties before the environment, and would turn "" or " info" into DEBUG. Set before
            // checkSettings, whose classes may create the first logger (Logback reads its configuration then).
            String level = System.getenv(LOG_LEVEL);
            if (level != null && System.getProperty(LOG_LEVEL) == null && usableLevel(level)) {
                System.setProperty(LOG_LEVEL, level.isBlank() ? "INFO" : level.trim());
            }
            for (String warning : checkSettings(System.getProperties(), System.getenv())) {
                System.err.println("myelin: warning: " + warning);
            }
            Blas.select();
        } catch (IllegalArgumentException e) {
            System.err.println("myelin: " + e.getMessage());
            System.exit(2);
        }
    }

    /** The environment variable (and system property) myelin-cli-logback.xml takes the root level from. */
    static final String LOG_LEVEL = "MYELIN_LOG_LEVEL";

    /** The levels {@code MYELIN_LOG_LEVEL} takes (Logback's, any case), which sets the root level of the log. */
    static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "ALL");

    /**
     * Checks the settings {@link #main} reads before anything runs: {@link Settings#check} and
     * {@code MYELIN_LOG_LEVEL}, which {@code myelin-cli-logback.xml} reads and Logback would turn into DEBUG when
     * it is no level (blank counts as unset; spaces around a level are allowed). Before any logger exists, so a bad
     * level is never applied.
     *
     * @return the warnings of {@link Settings#check}
     * @throws IllegalArgumentException for a bad value, naming the setting, the values it takes and the value
     */
    static List<String> checkSettings(Properties properties, Map<String, String> environment) {
        String level = environment.get(LOG_LEVEL);
        if (level != null && !usableLevel(level)) {
            throw new IllegalArgumentException("MYELIN_LOG_LEVEL must be one of " + String.join(", ", LOG_LEVELS)
                    + ", was '" + org.myelin.io.Text.shorten(level, 40) + "'");
        }
        return Settings.check(properties, environment);
    }

    /** Whether {@code MYELIN_LOG_LEVEL} may hold {@code level}: blank (the default) or a level, any case or padding. */
    private static boolean usableLevel(String level) {
        return level.isBlank() || LOG_LEVELS.contains(level.trim().toUpperCase(Locale.ROOT));
    }

    /** Runs the command line and returns the exit code (tests call this rather than {@link #main}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(commandLine(out), args, out, err);
    }

    /** The whole command tree, printing results to {@code out}; the order here is the order of the help. */
    static CommandLine commandLine(PrintStream out) {
        CommandLine cl = new CommandLine(new MyelinCommand(out));
        cl.addSubcommand(new InfoCommand());
        cl.addSubcommand(new TrainCommand());
        cl.addSubcommand(new EvalCommand());
        cl.addSubcommand(SimulateCommand.withScenarioHelp());
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new ExampleCommand());
        for (Extension e : ServiceLoader.load(Extension.class)) {
            CommandLine extension = new CommandLine(e);
            if (!cl.getSubcommands().containsKey(extension.getCommandName())) {
                cl.addSubcommand(extension);
            }
        }
        if (!cl.getSubcommands().containsKey(AbsentExportCommand.NAME)) {
            cl.addSubcommand(new AbsentExportCommand()); // listed and suggested like every documented command
        }
        cl.addSubcommand(new CompletionCommand());
        cl.addSubcommand(new CommandLine.HelpCommand());
        return CommandLines.configure(cl);
    }

    /**
     * The raw job config (see {@link org.myelin.train.JobConfig}) that {@code myelin train ARGS} would run, for
     * launchers that run the same job on another trainer.
     *
     * @throws IllegalArgumentException for an unknown option or a bad value, naming it
     */
    public static Map<String, Object> trainConfig(String[] args) throws IOException {
        TrainCommand train = new TrainCommand();
        try {
            CommandLines.configure(new CommandLine(train)).parseArgs(args);
            return train.options.config();
        } catch (ParameterException e) {
            throw new IllegalArgumentException(UsageErrors.message(e), e);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The help of {@code myelin train}, as {@code myelin train --help} prints it. */
    public static String trainHelp() {
        return commandLine(discard()).getSubcommands().get("train").getUsageMessage();
    }

    private static PrintStream discard() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
