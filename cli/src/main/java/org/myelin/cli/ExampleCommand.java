package org.myelin.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.myelin.examples.Example;
import org.myelin.examples.Examples;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code myelin example NAME [--out DIR]} runs one of the notes' experiments (see {@link Examples}), prints its
 * summary and writes its PNG plot(s) and CSV into DIR (default {@code runs/examples/NAME});
 * {@code myelin example --list} lists them.
 */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description = {
            "Run one of the notes' experiments; prints a summary, writes PNG plots and CSV.",
            "Into DIR (default runs/examples/NAME); --list shows the examples."
        })
final class ExampleCommand implements Callable<Integer> {
    @ParentCommand
    MyelinCommand myelin;

    @Parameters(
            arity = "0..1",
            paramLabel = "NAME",
            completionCandidates = Names.class,
            description = "the example (--list shows them with a description)")
    String name;

    @Option(names = "--list", description = "list the examples")
    boolean list;

    @Mixin
    OutputOption out = new OutputOption();

    @Override
    public Integer call() throws Exception {
        var stdout = myelin.out();
        if (list) {
            if (name != null || out.raw() != null) {
                throw new UsageException("--list takes no other arguments");
            }
            for (Example e : Examples.all()) {
                stdout.printf("  %-18s %s%n", e.name(), e.description());
            }
            return 0;
        }
        if (name == null) {
            throw new UsageException("expected an example name or --list; see 'myelin example --help'");
        }
        Example example;
        try {
            example = Examples.byName(name);
        } catch (IllegalArgumentException unknown) {
            throw new UsageException(unknown.getMessage()); // an unknown name is a usage error, as for simulate
        }
        Example.Outcome outcome = example.run(out.orElse(Path.of("runs", "examples", example.name())));
        stdout.println(outcome.summary());
        for (Path p : outcome.files()) {
            stdout.println("wrote " + p);
        }
        return 0;
    }

    /** The example names, for the shell completion. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Examples.names().iterator();
        }
    }
}
