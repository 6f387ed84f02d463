package org.myelin.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.neuro.Simulations;

/**
 * {@code myelin simulate hh|lif|tuning|synapse|network [--out DIR] [key=value ...]}: runs a neuron-model
 * scenario and writes its PNG plots and CSV data.
 */
final class SimulateCommand implements Main.Command {
    @Override
    public String summary() {
        return "simulate neuron models (" + String.join("|", Simulations.NAMES) + "); writes PNG plots and CSV data";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            out.println("usage: myelin simulate " + String.join("|", Simulations.NAMES) + " [--out DIR] [key=value ...]");
            out.println("options per scenario (with defaults):");
            for (String name : Simulations.NAMES) {
                out.println("  " + name + ": " + Simulations.defaults(name));
            }
            return args.length == 0 ? 2 : 0;
        }
        String name = args[0];
        Path outDir = Path.of("runs", "simulate", name);
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--out")) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--out needs a directory");
                }
                outDir = OutputDirectory.of("--out", args[++i]);
            } else if (a.contains("=") && !a.startsWith("--")) {
                options.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else {
                throw new UsageException("expected --out DIR or key=value, got '" + a + "'");
            }
        }
        out.println(Simulations.run(name, outDir, options));
        out.println("wrote plots and CSV data to " + outDir);
        return 0;
    }
}
