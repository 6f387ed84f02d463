package org.myelin.reliability;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.myelin.cli.Main;

/** Runs the command line in this JVM and keeps its exit code, standard output and error. */
record Cli(int code, String out, String err) {
    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8).strip());
    }

    /** Whether the error is one line. */
    boolean oneLineError() {
        return !err.isEmpty() && !err.contains("\n");
    }

    @Override
    public String toString() {
        return "exit " + code + ", stderr: " + err;
    }
}
