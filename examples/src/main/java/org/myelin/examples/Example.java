package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One of the notes' experiments, runnable as {@code myelin example NAME}: it trains or measures something
 * small on a fixed seed, writes a PNG plot and a CSV of what it measured into an output folder, and returns
 * its measurements with a short text summary. Each implementation's {@code run} returns its own result record
 * (tests assert on its fields); {@link Examples} lists them.
 */
public interface Example {

    /** What every example returns: a few lines for a person, and the files written. */
    interface Outcome {
        /** A short text summary of what was measured (the command line prints it). */
        String summary();

        /** The PNG and CSV files written, in the order written. */
        List<Path> files();
    }

    /** The name on the command line, e.g. {@code gates}. */
    String name();

    /** One line: the experiment and the note section it comes from. */
    String description();

    /** Runs the experiment and writes its plot(s) and CSV into {@code outDir} (created when missing). */
    Outcome run(Path outDir) throws IOException;
}
