package org.myelin.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out DIR}, the output directory of every command that writes files (train, simulate, example). */
public final class OutputOption {
    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "output directory (\".\" for the working directory; default: see above)")
    String dir;

    /** The value as given, or null when the option is absent (the job config decides then). */
    String raw() {
        return dir;
    }

    /** The directory, or {@code fallback} when the option is absent; an empty value is a usage error. */
    Path orElse(Path fallback) {
        return dir == null ? fallback : OutputDirectory.of("--out", dir);
    }
}
