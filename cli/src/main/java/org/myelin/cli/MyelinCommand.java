package org.myelin.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top command, {@code myelin}: holds the stream its subcommands print their results to (their
 * {@code @ParentCommand}); run alone, it prints its usage and exits with 2. {@link Main} adds the subcommands.
 */
@Command(
        name = "myelin",
        mixinStandardHelpOptions = true,
        versionProvider = MyelinCommand.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "A deep-learning engine: train and evaluate models, simulate neurons, run the notes' examples.",
        footer = {
            "",
            "Run 'myelin COMMAND --help' for the options of a command. Exit codes: 0 success, 1 failure,"
                    + " 2 usage error."
        })
public final class MyelinCommand implements Callable<Integer> {
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    MyelinCommand(PrintStream out) {
        this.out = out;
    }

    /** Where commands print their results (standard output, or the test's stream). */
    public PrintStream out() {
        return out;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return UsageErrors.EXIT_CODE;
    }

    /** {@code myelin --version}: the engine jar's version, from its manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"myelin " + (v != null ? v : "(classes, not a jar)")};
        }
    }
}
