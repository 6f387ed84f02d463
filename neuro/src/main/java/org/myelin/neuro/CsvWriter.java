package org.myelin.neuro;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Minimal CSV output for simulation data: a header and numeric columns, written atomically. */
final class CsvWriter {
    private CsvWriter() {}

    /** Writes equally long columns under {@code header} (one name per column). */
    static void columns(Path file, String[] header, double[]... columns) throws IOException {
        if (header.length != columns.length) {
            throw new IllegalArgumentException(
                    "CsvWriter: " + header.length + " names for " + columns.length + " columns");
        }
        int rows = columns.length == 0 ? 0 : columns[0].length;
        for (int c = 0; c < columns.length; c++) {
            if (columns[c].length != rows) {
                throw new IllegalArgumentException(
                        "CsvWriter: column '" + header[c] + "' has " + columns[c].length + " rows, expected " + rows);
            }
        }
        write(file, out -> {
            out.write(String.join(",", header));
            out.newLine();
            StringBuilder line = new StringBuilder();
            for (int r = 0; r < rows; r++) {
                line.setLength(0);
                for (int c = 0; c < columns.length; c++) {
                    if (c > 0) {
                        line.append(',');
                    }
                    line.append(format(columns[c][r]));
                }
                out.write(line.toString());
                out.newLine();
            }
        });
    }

    interface Body {
        void write(BufferedWriter out) throws IOException;
    }

    /** Writes through {@link org.myelin.io.AtomicFiles}: a temporary file beside the target, renamed into place. */
    static void write(Path file, Body body) throws IOException {
        org.myelin.io.AtomicFiles.writeText(file, body::write);
    }

    static String format(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return String.format(Locale.ROOT, "%.9g", x);
    }
}
