package org.myelin.cli;

import java.io.PrintStream;
import org.myelin.Runtime;

/** {@code myelin info}: the backend, data type, BLAS, threads and kernel path in use. */
final class InfoCommand implements Main.Command {
    @Override
    public String summary() {
        return "print the ND4J backend, data type, BLAS library, threads and native-kernel status";
    }

    @Override
    public int run(String[] args, PrintStream out) {
        if (args.length > 0) {
            throw new UsageException("takes no arguments, got " + String.join(" ", args));
        }
        Runtime.Info info = Runtime.info();
        out.println(info.render());
        for (String w : info.warnings()) {
            out.println("warning: " + w);
        }
        return 0;
    }
}
