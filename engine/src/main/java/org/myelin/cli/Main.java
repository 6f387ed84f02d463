package org.myelin.cli;

import java.io.PrintStream;
import org.myelin.Blas;
import org.myelin.Settings;
import org.myelin.gpu.Nd4jCudaSupport;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The {@code myelin} command line: {@code myelin COMMAND [options]}. Each command is a small class; this one
 * only dispatches and turns failures into one readable line and a non-zero exit code.
 */
public final class Main {

    /** A command of the command line. */
    public interface Command {
        /** One line for the help text. */
        String summary();

        /** Runs the command; returns the process exit code. */
        int run(String[] args, PrintStream out) throws Exception;
    }

    /**
     * A command that another module adds to the command line (the onnx module's {@code export}): a public class with
     * a no-argument constructor, listed in {@code META-INF/services/org.myelin.cli.Main$Extension} and found on
     * the class path with {@link ServiceLoader}.
     */
    public interface Extension extends Command {
        /** The command's name, e.g. {@code "export"}. */
        String name();
    }

    private static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        c.put("info", new InfoCommand());
        c.put("train", new TrainCommand());
        c.put("eval", new EvalCommand());
        c.put("simulate", new SimulateCommand());
        c.put("demo", new DemoCommand());
        c.put("example", new ExampleCommand());
        for (Extension e : ServiceLoader.load(Extension.class)) {
            c.putIfAbsent(e.name(), e);
        }
        return c;
    }

    private Main() {
    }

    public static void main(String[] args) {
        try {
            // Before anything loads ND4J: thread counts and the BLAS are fixed when its natives load.
            for (String warning : Settings.check(System.getProperties(), System.getenv())) {
                System.err.println("myelin: warning: " + warning);
            }
            Blas.select();
        } catch (IllegalArgumentException e) {
            System.err.println("myelin: " + e.getMessage());
            System.exit(2);
        }
        boolean reportOnly = args.length == 0 || args[0].equals("info") || args[0].startsWith("-")
                || args[0].equals("help");
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

    /** Runs the command line and returns the exit code (tests call this rather than {@link #main}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            usage(commands, out);
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("myelin: unknown command '" + args[0] + "'; expected one of " + commands.keySet());
            return 2;
        }
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length), out);
        } catch (UsageException e) {
            err.println("myelin " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (org.myelin.MyelinException | IllegalArgumentException | IllegalStateException | java.io.IOException
                | java.io.UncheckedIOException e) {
            err.println("myelin " + args[0] + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("myelin " + args[0] + ": unexpected " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * The raw job config (see {@link org.myelin.train.JobConfig}) that {@code myelin train ARGS} would run, for
     * launchers that run the same job on another trainer (the Spark module's {@code myelin train --spark}).
     *
     * @throws IllegalArgumentException for an unknown option or a bad value, naming it
     */
    public static Map<String, Object> trainConfig(String[] args) throws java.io.IOException {
        try {
            return TrainCommand.config(args);
        } catch (UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The help text of {@code myelin train}. */
    public static String trainHelp() {
        return TrainCommand.HELP;
    }

    private static void usage(Map<String, Command> commands, PrintStream out) {
        out.println("usage: myelin COMMAND [options]    (myelin COMMAND --help for its options)");
        out.println();
        commands.forEach((name, c) -> out.printf("  %-10s %s%n", name, c.summary()));
    }
}
