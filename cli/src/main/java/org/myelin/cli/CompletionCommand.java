package org.myelin.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code myelin completion}: prints a bash (and zsh, through bashcompinit) completion script for every command and
 * option of this command line, including those other modules add ({@code export} when the onnx module is on the
 * class path). Generated from the same picocli model as the help, so it never lags behind the options.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a bash completion script for the myelin command.",
            "Use: source <(myelin completion)   (with scripts/ on the PATH)"
        })
final class CompletionCommand implements Callable<Integer> {
    @ParentCommand
    MyelinCommand myelin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        myelin.out().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        myelin.out().flush();
        return 0;
    }
}
