package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A CSV of named numeric columns; shorter columns leave their remaining cells empty, as do NaN values. */
final class Table {
    private final Map<String, double[]> columns = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();

    Table column(String name, double[] values) {
        requireNew(name);
        columns.put(name, values.clone());
        order.add(name);
        return this;
    }

    Table column(String name, int[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return column(name, d);
    }

    private void requireNew(String name) {
        if (columns.containsKey(name)) {
            throw new IllegalArgumentException("Table: column '" + name + "' is added twice");
        }
    }

    /** Writes the table (header line, then rows) to {@code file}, creating its folder; returns the file. */
    Path write(Path file) throws IOException {
        int rows = 0;
        for (double[] c : columns.values()) {
            rows = Math.max(rows, c.length);
        }
        int rowCount = rows;
        // Atomic and link-refusing, like every output.
        org.myelin.io.AtomicFiles.writeText(file, out -> {
            out.write(String.join(",", order));
            out.newLine();
            StringBuilder line = new StringBuilder();
            for (int r = 0; r < rowCount; r++) {
                line.setLength(0);
                for (int c = 0; c < order.size(); c++) {
                    if (c > 0) {
                        line.append(',');
                    }
                    double[] col = columns.get(order.get(c));
                    if (r < col.length && !Double.isNaN(col[r])) {
                        line.append(format(col[r]));
                    }
                }
                out.write(line.toString());
                out.newLine();
            }
        });
        return file;
    }

    static String format(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return String.format(Locale.ROOT, "%.9g", x);
    }
}
