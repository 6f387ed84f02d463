package org.myelin.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.myelin.examples.Example;
import org.myelin.examples.Examples;

/**
 * {@code myelin example NAME [--out DIR]} runs one of the notes' experiments (see {@link Examples}), prints its
 * summary and writes its PNG plot(s) and CSV into DIR (default {@code runs/examples/NAME});
 * {@code myelin example --list} lists them.
 */
final class ExampleCommand implements Main.Command {
    @Override
    public String summary() {
        return "run one of the notes' experiments (--list shows them); prints a summary, writes PNG plots and CSV";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Options o = Options.parse(args, Set.of("out"), Set.of("list", "help"));
        if (o.has("help") || (args.length == 0)) {
            out.println("usage: myelin example NAME [--out DIR]    (myelin example --list shows the names)");
            return args.length == 0 ? 2 : 0;
        }
        if (o.has("list")) {
            if (!o.positional.isEmpty() || o.has("out")) {
                throw new UsageException("--list takes no other arguments");
            }
            for (Example e : Examples.all()) {
                out.printf("  %-18s %s%n", e.name(), e.description());
            }
            return 0;
        }
        if (o.positional.size() != 1) {
            throw new UsageException("expected one example name, got " + o.positional + "; see myelin example --list");
        }
        Example example = Examples.byName(o.positional.get(0));
        Path outDir = o.has("out") ? OutputDirectory.of("--out", o.get("out")) : Path.of("runs", "examples", example.name());
        Example.Outcome outcome = example.run(outDir);
        out.println(outcome.summary());
        for (Path p : outcome.files()) {
            out.println("wrote " + p);
        }
        return 0;
    }
}
