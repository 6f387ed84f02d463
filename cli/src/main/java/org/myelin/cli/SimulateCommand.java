package org.myelin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.myelin.neuro.Simulations;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code myelin simulate hh|lif|tuning|synapse|network [--out DIR] [key=value ...]}: runs a neuron-model
 * scenario and writes its PNG plots and CSV data.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Simulate neuron models; writes PNG plots and CSV data.",
            "Into DIR (default runs/simulate/SCENARIO); KEY=VALUE settings change the scenario's defaults."
        })
final class SimulateCommand implements Callable<Integer> {
    @ParentCommand
    MyelinCommand myelin;

    @Parameters(
            index = "0",
            paramLabel = "SCENARIO",
            completionCandidates = Scenarios.class,
            description = "one of: ${COMPLETION-CANDIDATES}")
    String name;

    @Parameters(
            index = "1..*",
            paramLabel = "KEY=VALUE",
            description = "scenario settings (listed below with their" + " defaults)")
    List<String> settings = new ArrayList<>();

    @Mixin
    OutputOption out = new OutputOption();

    @Mixin
    SeedOption seed = new SeedOption();

    /** This command with the settings of every scenario and their defaults at the end of its help. */
    static CommandLine withScenarioHelp() {
        CommandLine cl = new CommandLine(new SimulateCommand());
        List<String> footer = new ArrayList<>(List.of("", "Settings per scenario, with their defaults:"));
        for (String scenario : Simulations.NAMES) {
            // One line per scenario, wrapped here between settings: picocli would also break inside numbers.
            StringBuilder line = new StringBuilder("  " + scenario + ":");
            for (var setting : Simulations.defaults(scenario).entrySet()) {
                String item = " " + setting.getKey() + "=" + setting.getValue();
                if (line.length() + item.length() > CommandLines.HELP_WIDTH - 2) {
                    footer.add(line.toString());
                    line = new StringBuilder("     ");
                }
                line.append(item);
            }
            footer.add(line.toString());
        }
        footer.addAll(List.of(
                "",
                "Limits, checked from the settings before anything runs (a refusal is a usage error, exit 2):",
                "  at most 1e8 time steps (duration/dt) per run, 1e8 network weights (neurons x inputs), about",
                "  1e11 units of work (~1 ns each: neuron-steps, spikes, plotted points), and arrays within the",
                "  memory limit (-Dmyelin.maxParameterBytes, by default 1/8 of -Xmx or of the physical memory).",
                "  Each setting may be given once."));
        // The footer lines are format strings: a literal % must be doubled.
        footer.replaceAll(l -> l.replace("%", "%%"));
        cl.getCommandSpec().usageMessage().footer(footer.toArray(new String[0]));
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        Path outDir = out.orElse(Path.of("runs", "simulate", name));
        Map<String, String> options = new LinkedHashMap<>();
        for (String a : settings) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(
                        "expected a setting KEY=VALUE, got '" + org.myelin.io.Text.shorten(a, 40) + "'");
            }
            String key = a.substring(0, eq);
            String previous = options.put(key, a.substring(eq + 1));
            if (previous != null) {
                throw new UsageException(
                        key + " given twice (" + key + "=" + previous + " and " + a + "); give each setting once");
            }
        }
        if (seed.seed != null && takesSeed(name)) {
            if (options.containsKey("seed")) {
                throw new UsageException(
                        "--seed " + seed.seed + " and seed=" + options.get("seed") + " both given; give the seed once");
            }
            options.put("seed", Long.toString(seed.seed));
        } // else a scenario that draws nothing at random (hh, lif, tuning): --seed changes nothing, as the help says
        try {
            // Every setting, and the size and time its run will take, is judged before anything runs: a refused
            // value is a usage error (exit 2) like a malformed one.
            Simulations.check(name, options);
        } catch (IllegalArgumentException e) {
            throw new UsageException(withoutScenarioPrefix(e.getMessage()));
        }
        myelin.out().println(Simulations.run(name, outDir, options));
        myelin.out().println("wrote plots and CSV data to " + outDir);
        return 0;
    }

    /**
     * Whether {@code scenario} draws at random (synapse's spike train, network's inputs and weights) and so has a
     * {@code seed} setting. {@code --seed}, which train takes too, is accepted by every scenario so that one command
     * line can run them all; the seed=N setting stays refused where there is nothing to seed.
     */
    static boolean takesSeed(String scenario) {
        return Simulations.NAMES.contains(scenario)
                && Simulations.defaults(scenario).containsKey("seed");
    }

    /**
     * The library's refusal without its own {@code "simulate SCENARIO: "} (or {@code "simulate: "}) prefix: the
     * command line prints {@code "myelin simulate: "} before it, and the scenario is the one just typed.
     */
    private String withoutScenarioPrefix(String message) {
        if (message == null) {
            return null;
        }
        for (String prefix : new String[] {"simulate " + name + ": ", "simulate: "}) {
            if (message.startsWith(prefix)) {
                return message.substring(prefix.length());
            }
        }
        return message;
    }

    /** The scenario names, for the help and the shell completion. */
    static final class Scenarios implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Simulations.NAMES.iterator();
        }
    }
}
