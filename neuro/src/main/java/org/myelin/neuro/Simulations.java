package org.myelin.neuro;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.myelin.plot.LinePlot;
import org.myelin.plot.RasterPlot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The neuron scenarios behind {@code myelin simulate hh|lif|tuning|synapse|network}: each writes PNG plots and
 * CSV data into an output folder and returns a short text summary (the caller prints it). Every scenario has a
 * typed method and string options for the command line ({@link #run}); {@link #defaults(String)} lists a
 * scenario's options with their default values.
 */
public final class Simulations {
    private static final Logger log = LoggerFactory.getLogger(Simulations.class);

    /** Scenario names accepted by {@link #run}. */
    public static final List<String> NAMES = List.of("hh", "lif", "tuning", "synapse", "network");

    /** The options record of each scenario ({@link ScenarioOptions}), by name. */
    private static final Map<String, Class<? extends Record>> OPTIONS = Map.of(
            "hh",
            ScenarioOptions.Hh.class,
            "lif",
            ScenarioOptions.Lif.class,
            "tuning",
            ScenarioOptions.Tuning.class,
            "synapse",
            ScenarioOptions.Synapse.class,
            "network",
            ScenarioOptions.Network.class);

    private Simulations() {}

    /** The options of a scenario with their defaults, in a stable order (units: ms for hh, s otherwise). */
    public static Map<String, String> defaults(String name) {
        Class<? extends Record> options = name == null ? null : OPTIONS.get(name);
        if (options == null) {
            throw unknown(name);
        }
        return SimulationOptions.defaults(options);
    }

    /**
     * Runs scenario {@code name} with string options (missing ones take their defaults) and returns its summary.
     *
     * @throws IllegalArgumentException for an unknown scenario, an unknown option or a value that does not parse
     */
    public static String run(String name, Path outDir, Map<String, String> options) throws IOException {
        if (name == null || !OPTIONS.containsKey(name)) {
            throw unknown(name);
        }
        if (outDir == null) {
            throw new IllegalArgumentException("simulate " + name + ": output folder must not be null");
        }
        return switch (name) {
            case "hh" -> {
                ScenarioOptions.Hh o = SimulationOptions.bind(name, ScenarioOptions.Hh.class, options);
                yield hodgkinHuxley(outDir, doubles(o.currents()), o.duration(), o.dt());
            }
            case "lif" -> {
                ScenarioOptions.Lif o = SimulationOptions.bind(name, ScenarioOptions.Lif.class, options);
                yield lif(outDir, o.vIn(), o.duration(), o.dt(), new Lif(o.tauM(), o.tauRef()));
            }
            case "tuning" -> {
                ScenarioOptions.Tuning o = SimulationOptions.bind(name, ScenarioOptions.Tuning.class, options);
                yield tuning(outDir, o.vMax(), o.points(), o.duration(), o.dt(), new Lif(o.tauM(), o.tauRef()));
            }
            case "synapse" -> {
                ScenarioOptions.Synapse o = SimulationOptions.bind(name, ScenarioOptions.Synapse.class, options);
                yield synapse(
                        outDir,
                        toOrders(doubles(o.orders())),
                        doubles(o.tauS()),
                        o.rate(),
                        o.duration(),
                        o.dt(),
                        o.seed());
            }
            case "network" -> {
                ScenarioOptions.Network o = SimulationOptions.bind(name, ScenarioOptions.Network.class, options);
                yield network(
                        outDir,
                        o.inputs(),
                        o.inputRate(),
                        o.neurons(),
                        o.meanInput(),
                        o.tauS(),
                        o.duration(),
                        o.dt(),
                        o.seed());
            }
            default -> throw unknown(name);
        };
    }

    /**
     * Hodgkin-Huxley voltage traces for several constant input currents, and the gate curves.
     * Writes hh_voltage.png/.csv (V [mV] against t [ms], one column per current), hh_gates.png (n_inf, m_inf,
     * h_inf against V), hh_tau.png (tau_n, tau_m, tau_h against V) and hh_gates.csv.
     *
     * @param currents   input current densities J_in [uA/cm^2], each held constant from t = 0
     * @param durationMs simulated time [ms]
     * @param dtMs       RK4 step [ms]
     */
    public static String hodgkinHuxley(Path outDir, double[] currents, double durationMs, double dtMs)
            throws IOException {
        checkHodgkinHuxley(currents, durationMs, dtMs);
        requireOutputs(outDir, HH_FILES);
        HodgkinHuxley hh = HodgkinHuxley.squidAxon();
        HodgkinHuxley.State rest = HodgkinHuxley.State.atRest(-65.0);
        LinePlot voltage = LinePlot.titled("Hodgkin-Huxley membrane potential")
                .xLabel("t [ms]")
                .yLabel("V [mV]");
        String[] header = new String[currents.length + 1];
        double[][] columns = new double[currents.length + 1][];
        header[0] = "t_ms";
        StringBuilder summary = new StringBuilder(
                "Hodgkin-Huxley (squid axon, rest -65 mV), " + fmt(durationMs) + " ms at dt " + fmt(dtMs) + " ms:\n");
        for (int i = 0; i < currents.length; i++) {
            double j = currents[i];
            HodgkinHuxley.Trace trace = hh.simulate(rest, t -> j, durationMs, dtMs);
            columns[0] = trace.t();
            columns[i + 1] = trace.v();
            header[i + 1] = "V_mV_at_" + fmt(j);
            String label = "J = " + fmt(j) + " uA/cm^2";
            double[][] shown = decimated(trace.t(), trace.v());
            voltage.series(label, shown[0], shown[1]);
            double[] spikes = trace.spikeTimes();
            summary.append(String.format(
                    Locale.ROOT,
                    "  J = %s uA/cm^2: %s, steady rate %.1f Hz%n",
                    fmt(j),
                    count(spikes.length, "spike"),
                    HodgkinHuxley.firingRateHz(trace, Math.min(20.0, durationMs / 5))));
        }
        voltage.save(outDir.resolve("hh_voltage.png"));
        CsvWriter.columns(outDir.resolve("hh_voltage.csv"), header, columns);

        int points = 301;
        double[] v = new double[points];
        double[][] g = new double[6][points];
        for (int k = 0; k < points; k++) {
            v[k] = -100.0 + 150.0 * k / (points - 1);
            g[0][k] = HodgkinHuxley.nInf(v[k]);
            g[1][k] = HodgkinHuxley.mInf(v[k]);
            g[2][k] = HodgkinHuxley.hInf(v[k]);
            g[3][k] = HodgkinHuxley.tauN(v[k]);
            g[4][k] = HodgkinHuxley.tauM(v[k]);
            g[5][k] = HodgkinHuxley.tauH(v[k]);
        }
        LinePlot.titled("Hodgkin-Huxley gate steady states")
                .xLabel("V [mV]")
                .yLabel("open probability")
                .series("n_inf", v, g[0])
                .series("m_inf", v, g[1])
                .series("h_inf", v, g[2])
                .save(outDir.resolve("hh_gates.png"));
        LinePlot.titled("Hodgkin-Huxley gate time constants")
                .xLabel("V [mV]")
                .yLabel("tau [ms]")
                .series("tau_n", v, g[3])
                .series("tau_m", v, g[4])
                .series("tau_h", v, g[5])
                .save(outDir.resolve("hh_tau.png"));
        CsvWriter.columns(
                outDir.resolve("hh_gates.csv"),
                new String[] {"V_mV", "n_inf", "m_inf", "h_inf", "tau_n_ms", "tau_m_ms", "tau_h_ms"},
                v,
                g[0],
                g[1],
                g[2],
                g[3],
                g[4],
                g[5]);
        return finish(summary, outDir, HH_FILES);
    }

    /**
     * One LIF neuron driven by a constant normalised input: the simulated v(t) with its spikes, and the analytic
     * v(t) = v_in (1 - exp(-t/tau_m)) up to the first threshold crossing. Writes lif_voltage.png and .csv.
     */
    public static String lif(Path outDir, double vIn, double duration, double dt, Lif lif) throws IOException {
        checkLif(vIn, duration, dt, lif);
        requireOutputs(outDir, LIF_FILES);
        LifNeuron.Trace trace = LifNeuron.simulate(lif, t -> vIn, duration, dt);
        double tStar = Math.min(lif.timeToThreshold(vIn), duration);
        int m = (int) Math.max(2, Math.min(trace.t().length, Math.floor(tStar / dt) + 1));
        double[] ta = new double[m];
        double[] va = new double[m];
        for (int i = 0; i < m; i++) {
            ta[i] = trace.t()[i];
            va[i] = lif.voltage(ta[i], vIn);
        }
        double[] spikes = trace.spikeTimes();
        double[] ones = new double[spikes.length];
        java.util.Arrays.fill(ones, 1.0);
        double[][] shownV = decimated(trace.t(), trace.v());
        double[][] shownA = decimated(ta, va);
        LinePlot plot = LinePlot.titled(String.format(Locale.ROOT, "LIF neuron, v_in = %s", fmt(vIn)))
                .xLabel("t [s]")
                .yLabel("v (threshold 1)")
                .series("simulated v", shownV[0], shownV[1])
                .series("analytic v_in (1 - e^(-t/tau_m))", shownA[0], shownA[1])
                .series("threshold", new double[] {0, duration}, new double[] {1, 1});
        if (spikes.length > 0) {
            plot.scatter("spikes", spikes, ones);
        }
        plot.save(outDir.resolve("lif_voltage.png"));
        CsvWriter.columns(
                outDir.resolve("lif_voltage.csv"),
                new String[] {"t_s", "v", "v_in"},
                trace.t(),
                trace.v(),
                trace.input());
        StringBuilder summary = new StringBuilder(String.format(
                Locale.ROOT,
                "LIF (tau_m %s s, tau_ref %s s), v_in = %s for %s s at dt %s s:%n  %s, rate %.2f Hz"
                        + " (from interspike intervals); tuning curve G(v_in) = %.2f Hz%n",
                fmt(lif.tauM()),
                fmt(lif.tauRef()),
                fmt(vIn),
                fmt(duration),
                fmt(dt),
                count(spikes.length, "spike"),
                SpikeTrains.rateFromIsi(spikes),
                lif.rate(vIn)));
        return finish(summary, outDir, LIF_FILES);
    }

    /**
     * The LIF tuning curve: analytic G(v_in) as a line and simulated steady rates as points, for v_in on
     * [0, vMax]. Writes lif_tuning.png and lif_tuning.csv.
     */
    public static String tuning(Path outDir, double vMax, int points, double duration, double dt, Lif lif)
            throws IOException {
        checkTuning(vMax, points, duration, dt, lif);
        requireOutputs(outDir, TUNING_FILES);
        INDArray vIn = Nd4j.linspace(0.0, vMax, points, DataType.DOUBLE);
        INDArray simulated = LifNeuron.simulatedRates(lif, vIn, duration, dt);
        INDArray analytic = lif.rate(vIn);
        int dense = 400;
        double[] vd = Nd4j.linspace(0.0, vMax, dense, DataType.DOUBLE).toDoubleVector();
        double[] gd = lif.rate(Nd4j.createFromArray(vd)).toDoubleVector();
        LinePlot.titled("LIF tuning curve")
                .xLabel("v_in")
                .yLabel("firing rate [Hz]")
                .series("G(v_in) analytic", vd, gd)
                .scatter("simulated", vIn.toDoubleVector(), simulated.toDoubleVector())
                .save(outDir.resolve("lif_tuning.png"));
        CsvWriter.columns(
                outDir.resolve("lif_tuning.csv"),
                new String[] {"v_in", "G_analytic_hz", "simulated_hz"},
                vIn.toDoubleVector(),
                analytic.toDoubleVector(),
                simulated.toDoubleVector());
        double worst = 0;
        for (int i = 0; i < points; i++) {
            double gi = analytic.getDouble(i);
            if (gi > 0 && vIn.getDouble(i) >= 1.1) {
                worst = Math.max(worst, Math.abs(simulated.getDouble(i) - gi) / gi);
            }
        }
        StringBuilder summary = new StringBuilder(String.format(
                Locale.ROOT,
                "LIF tuning curve (tau_m %s s, tau_ref %s s), %d inputs on [0, %s], %s s each at dt %s s:%n"
                        + "  G(%s) = %.1f Hz; largest relative gap simulated vs analytic for v_in >= 1.1: %.2f%%%n",
                fmt(lif.tauM()),
                fmt(lif.tauRef()),
                points,
                fmt(vMax),
                fmt(duration),
                fmt(dt),
                fmt(vMax),
                lif.rate(vMax),
                100 * worst));
        return finish(summary, outDir, TUNING_FILES);
    }

    /**
     * PSC filter shapes h(t) for every order n and time constant tau_s, and a Poisson spike train filtered by
     * them (convolution form for each n at the first tau_s, plus the Euler ODE form for n = 0). Writes
     * psc_filters.png/.csv and filtered_spike_train.png/.csv.
     */
    public static String synapse(
            Path outDir, int[] orders, double[] tauS, double rateHz, double duration, double dt, long seed)
            throws IOException {
        checkSynapse(orders, tauS, rateHz, duration, dt);
        requireOutputs(outDir, SYNAPSE_FILES);
        double maxTau = 0;
        for (double tau : tauS) {
            maxTau = Math.max(maxTau, tau);
        }
        int fSteps = 1000;
        // Long enough for the slowest filter to decay to about 1% of its peak.
        double span = (max(orders) + 6) * maxTau;
        INDArray tf = PscFilter.grid(span / fSteps, fSteps);
        LinePlot filters = LinePlot.titled("PSC filters h(t) = k t^n e^(-t/tau_s)")
                .xLabel("t [s]")
                .yLabel("h(t) [1/s]");
        List<String> header = new ArrayList<>(List.of("t_s"));
        List<double[]> cols = new ArrayList<>(List.of(tf.toDoubleVector()));
        for (int n : orders) {
            for (double tau : tauS) {
                PscFilter h = new PscFilter(n, tau);
                double[] y = h.value(tf).toDoubleVector();
                filters.series("n=" + n + ", tau_s=" + fmt(tau) + " s", cols.get(0), y);
                header.add("h_n" + n + "_tau" + fmt(tau));
                cols.add(y);
            }
        }
        filters.save(outDir.resolve("psc_filters.png"));
        CsvWriter.columns(
                outDir.resolve("psc_filters.csv"), header.toArray(new String[0]), cols.toArray(new double[0][]));

        int steps = (int) Math.round(duration / dt);
        double[] spikes = SpikeTrains.poisson(rateHz, duration, seed);
        for (int p = 0; p < spikes.length; p++) {
            spikes[p] = Math.min(Math.round(spikes[p] / dt), steps) * dt;
        }
        INDArray t = PscFilter.grid(dt, steps);
        double[] td = t.toDoubleVector();
        double tau0 = tauS[0];
        double[] weights = new double[spikes.length];
        java.util.Arrays.fill(weights, 1.0);
        LinePlot train = LinePlot.titled(String.format(
                        Locale.ROOT, "Filtered Poisson spike train (%s Hz, tau_s = %s s)", fmt(rateHz), fmt(tau0)))
                .xLabel("t [s]")
                .yLabel("s(t) [1/s]");
        header = new ArrayList<>(List.of("t_s"));
        cols = new ArrayList<>(List.of(td));
        for (int n : orders) {
            double[] y = new PscFilter(n, tau0).filter(spikes, weights, t).toDoubleVector();
            double[][] shown = decimated(td, y);
            train.series("convolution, n=" + n, shown[0], shown[1]);
            header.add("conv_n" + n);
            cols.add(y);
        }
        double[] ode =
                PscFilter.exponentialEuler(tau0, spikes, weights, dt, steps).toDoubleVector();
        double[][] shownOde = decimated(td, ode);
        train.series("Euler ODE, n=0", shownOde[0], shownOde[1]);
        header.add("euler_ode_n0");
        cols.add(ode);
        if (spikes.length > 0) {
            train.scatter("spikes", spikes, new double[spikes.length]);
        }
        train.save(outDir.resolve("filtered_spike_train.png"));
        CsvWriter.columns(
                outDir.resolve("filtered_spike_train.csv"),
                header.toArray(new String[0]),
                cols.toArray(new double[0][]));
        StringBuilder summary = new StringBuilder(String.format(
                Locale.ROOT,
                "PSC filters for n in %s and tau_s in %s s; a %s Hz Poisson train of %s over %s s"
                        + " filtered with tau_s = %s s; mean of s %.2f 1/s vs spikes per second %.2f"
                        + " (each filter integrates to 1)%n",
                java.util.Arrays.toString(orders),
                java.util.Arrays.toString(tauS),
                fmt(rateHz),
                count(spikes.length, "spike"),
                fmt(duration),
                fmt(tau0),
                mean(ode),
                spikes.length / duration));
        return finish(summary, outDir, SYNAPSE_FILES);
    }

    /**
     * A two-population network: {@code inputs} Poisson sources at {@code inputRateHz} drive {@code neurons} LIF
     * neurons (cortical constants, exponential synapses) through a dense random weight matrix scaled so that the
     * mean input currents spread +-50% around {@code meanInput}. Writes network_raster.png, network_rate.png,
     * network_spikes.csv (population, neuron, time) and network_rate.csv.
     */
    public static String network(
            Path outDir,
            int inputs,
            double inputRateHz,
            int neurons,
            double meanInput,
            double tauS,
            double duration,
            double dt,
            long seed)
            throws IOException {
        checkNetwork(inputs, inputRateHz, neurons, meanInput, tauS, duration, dt);
        requireOutputs(outDir, NETWORK_FILES);
        Network net = new Network(dt);
        PoissonPopulation in = net.add(new PoissonPopulation("inputs", inputs, inputRateHz, seed));
        LifPopulation out = net.add(new LifPopulation("lif", neurons, Lif.CORTICAL, tauS));
        Random random = new Random(seed);
        double[][] w = new double[inputs][neurons];
        double scale = meanInput / (inputs * inputRateHz);
        double[] target = new double[neurons];
        for (int i = 0; i < neurons; i++) {
            target[i] = 0.5 + random.nextDouble();
        }
        for (double[] row : w) {
            for (int i = 0; i < neurons; i++) {
                row[i] = scale * target[i] * (0.5 + random.nextDouble());
            }
        }
        INDArray weights = Nd4j.createFromArray(w);
        net.connect(in, out, weights);
        SpikeProbe inSpikes = net.probeSpikes(in);
        SpikeProbe outSpikes = net.probeSpikes(out);
        long start = System.nanoTime();
        net.run(duration);
        double wall = (System.nanoTime() - start) / 1e9;
        log.debug("network: {} s simulated in {} s wall", duration, wall);

        INDArray meanCurrent = in.rates().reshape(1, inputs).mmul(weights).reshape(neurons);
        double predicted = Lif.CORTICAL.rate(meanCurrent).meanNumber().doubleValue();
        double settle = Math.min(5 * tauS, duration / 2);
        double[] rates = outSpikes.rates(settle, duration);
        double observed = 0;
        for (double r : rates) {
            observed += r / neurons;
        }
        int shownInputs = Math.min(inputs, 100);
        double[] inTimes = inSpikes.times();
        long[] inNeurons = inSpikes.neurons();
        int kept = 0;
        for (long n : inNeurons) {
            if (n < shownInputs) {
                kept++;
            }
        }
        double[] tIn = new double[kept];
        double[] rowIn = new double[kept];
        for (int i = 0, k = 0; i < inNeurons.length; i++) {
            if (inNeurons[i] < shownInputs) {
                tIn[k] = inTimes[i];
                rowIn[k++] = neurons + inNeurons[i];
            }
        }
        double[] outTimes = outSpikes.times();
        long[] outNeurons = outSpikes.neurons();
        double[] rowOut = new double[outNeurons.length];
        for (int i = 0; i < rowOut.length; i++) {
            rowOut[i] = outNeurons[i];
        }
        RasterPlot.titled("Spike raster: Poisson inputs -> LIF population")
                .xLabel("t [s]")
                .yLabel("neuron (LIF below, first inputs above)")
                .spikes("LIF neurons (0.." + (neurons - 1) + ")", outTimes, rowOut)
                .spikes("inputs (first " + shownInputs + ")", tIn, rowIn)
                .save(outDir.resolve("network_raster.png"));
        double bin = Math.max(dt, Math.min(0.01, duration / 20));
        double[] centres = SpikeTrains.binCentres(bin, duration);
        double[] popRate = outSpikes.populationRate(bin, duration);
        double[][] shownRate = decimated(centres, popRate);
        LinePlot.titled("LIF population rate")
                .xLabel("t [s]")
                .yLabel("rate per neuron [Hz]")
                .series("simulated (" + fmt(bin * 1000) + " ms bins)", shownRate[0], shownRate[1])
                .series("mean of G(mean input)", new double[] {0, duration}, new double[] {predicted, predicted})
                .save(outDir.resolve("network_rate.png"));
        CsvWriter.columns(outDir.resolve("network_rate.csv"), new String[] {"t_s", "rate_hz"}, centres, popRate);
        CsvWriter.write(outDir.resolve("network_spikes.csv"), o -> {
            o.write("population,neuron,t_s");
            o.newLine();
            for (int i = 0; i < inTimes.length; i++) {
                o.write("inputs," + inNeurons[i] + "," + CsvWriter.format(inTimes[i]));
                o.newLine();
            }
            for (int i = 0; i < outTimes.length; i++) {
                o.write("lif," + outNeurons[i] + "," + CsvWriter.format(outTimes[i]));
                o.newLine();
            }
        });
        StringBuilder summary = new StringBuilder(String.format(
                Locale.ROOT,
                "Network: %s at %s Hz -> %s (tau_s %s s), %s s at dt %s s"
                        + " (%.2f simulated s per wall s):%n  %s, %s; mean LIF rate after %s s"
                        + " %.2f Hz, tuning curve at the mean input currents predicts %.2f Hz%n",
                count(inputs, "Poisson input"),
                fmt(inputRateHz),
                count(neurons, "LIF neuron"),
                fmt(tauS),
                fmt(duration),
                fmt(dt),
                duration / wall,
                count(inTimes.length, "input spike"),
                count(outTimes.length, "LIF spike"),
                fmt(settle),
                observed,
                predicted));
        return finish(summary, outDir, NETWORK_FILES);
    }

    /** Points of a line series beyond which it is drawn decimated (the CSV keeps every sample). */
    static final int PLOT_POINTS = 10_000;

    /**
     * The series {@code (x, y)} as drawn: unchanged up to {@link #PLOT_POINTS} points, else the smallest and the
     * largest y of each of {@code PLOT_POINTS / 2} consecutive buckets, in order (the envelope a plot a few hundred
     * pixels wide shows anyway; spikes keep their peaks). XChart needs time quadratic in the points of an evenly
     * spaced series, hours for a few million.
     */
    static double[][] decimated(double[] x, double[] y) {
        int n = x.length;
        if (n <= PLOT_POINTS) {
            return new double[][] {x, y};
        }
        int buckets = PLOT_POINTS / 2;
        double[] xs = new double[2 * buckets];
        double[] ys = new double[2 * buckets];
        int k = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) n * b / buckets);
            int to = (int) ((long) n * (b + 1) / buckets);
            int lo = from;
            int hi = from;
            for (int i = from + 1; i < to; i++) {
                if (y[i] < y[lo]) {
                    lo = i;
                }
                if (y[i] > y[hi]) {
                    hi = i;
                }
            }
            int first = Math.min(lo, hi);
            int second = Math.max(lo, hi);
            xs[k] = x[first];
            ys[k++] = y[first];
            xs[k] = x[second];
            ys[k++] = y[second];
        }
        return new double[][] {xs, ys};
    }

    /**
     * Binds and checks the settings of scenario {@code name} as {@link #run} would, without running it or writing
     * anything: every refusal {@link #run} makes of its settings, including the size and time limits
     * ({@link SimulationLimits}).
     *
     * @throws IllegalArgumentException for an unknown scenario, an unknown option or a refused value, in one line
     */
    public static void check(String name, Map<String, String> options) {
        if (name == null || !OPTIONS.containsKey(name)) {
            throw unknown(name);
        }
        switch (name) {
            case "hh" -> {
                ScenarioOptions.Hh o = SimulationOptions.bind(name, ScenarioOptions.Hh.class, options);
                checkHodgkinHuxley(doubles(o.currents()), o.duration(), o.dt());
            }
            case "lif" -> {
                ScenarioOptions.Lif o = SimulationOptions.bind(name, ScenarioOptions.Lif.class, options);
                checkLif(o.vIn(), o.duration(), o.dt(), new Lif(o.tauM(), o.tauRef()));
            }
            case "tuning" -> {
                ScenarioOptions.Tuning o = SimulationOptions.bind(name, ScenarioOptions.Tuning.class, options);
                checkTuning(o.vMax(), o.points(), o.duration(), o.dt(), new Lif(o.tauM(), o.tauRef()));
            }
            case "synapse" -> {
                ScenarioOptions.Synapse o = SimulationOptions.bind(name, ScenarioOptions.Synapse.class, options);
                checkSynapse(toOrders(doubles(o.orders())), doubles(o.tauS()), o.rate(), o.duration(), o.dt());
            }
            case "network" -> {
                ScenarioOptions.Network o = SimulationOptions.bind(name, ScenarioOptions.Network.class, options);
                checkNetwork(o.inputs(), o.inputRate(), o.neurons(), o.meanInput(), o.tauS(), o.duration(), o.dt());
            }
            default -> throw unknown(name);
        }
    }

    private static void requireFinite(String where, String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(where + ": setting '" + key + "' must be a finite number, was " + value);
        }
    }

    private static void requirePositive(String where, String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(where + ": setting '" + key + "' must be > 0, was " + value);
        }
    }

    /** The traced neuron and the tuning curve need at least one step inside the duration, past t = 0. */
    private static void requireLongerThanStep(String where, double duration, double dt) {
        if (!(duration > dt)) {
            throw new IllegalArgumentException(where + ": settings 'duration' = " + fmt(duration) + " s and 'dt' = "
                    + fmt(dt) + " s, expected a duration longer than dt; raise duration or lower dt");
        }
    }

    /** The most plotted series (and CSV columns) of one figure: currents, or filter shapes. */
    static final int MAX_SERIES = 100;

    /** The bounds of a synaptic time constant in {@code simulate synapse} (seconds). */
    static final double MIN_TAU_S = 1e-6;

    static final double MAX_TAU_S = 1e3;

    /** Heap a scatter plot holds per marker while it draws (measured: 530 bytes). */
    static final double PLOT_BYTES_PER_POINT = 600;

    /**
     * Refuses a list setting that holds a value twice, as its plot labels print it (four significant digits): each
     * value is a plotted series of its own name, and a repeated name failed after the simulation.
     */
    private static void requireDistinct(String where, String key, double[] values) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < values.length; i++) {
            Integer first = seen.putIfAbsent(fmt(values[i]), i);
            if (first != null) {
                throw new IllegalArgumentException(where + ": setting '" + key + "' lists " + fmt(values[i])
                        + " twice (items " + (first + 1) + " and " + (i + 1)
                        + "), expected values that differ in their first four digits");
            }
        }
    }

    /**
     * Refuses a dt above a time constant ({@code tau_m}, {@code tau_s}) of the simulated LIF population among the
     * options' checks, so that the command line answers with a usage error before the run starts; the population's
     * own check ({@link LifPopulation#requireStableStep}) would refuse it at the first step.
     */
    private static void requireStepWithin(String where, double dt, String tauKey, double tau) {
        if (dt > tau) {
            throw new IllegalArgumentException(where + ": setting 'dt' = " + dt + " s, expected at most " + tauKey
                    + " = " + tau + " s (Euler's decay 1 - dt/" + tauKey + " turns negative); lower dt");
        }
    }

    private static void checkHodgkinHuxley(double[] currents, double durationMs, double dtMs) {
        String where = "simulate hh";
        if (currents == null || currents.length == 0) {
            throw new IllegalArgumentException(where + ": setting 'currents' must list at least one current");
        }
        for (double j : currents) {
            requireFinite(where, "currents", j);
        }
        if (currents.length > MAX_SERIES) {
            throw new IllegalArgumentException(where + ": setting 'currents' lists " + currents.length
                    + " currents, expected at most " + MAX_SERIES + " (one plotted series and CSV column each)");
        }
        requireDistinct(where, "currents", currents);
        requirePositive(where, "duration", durationMs);
        requirePositive(where, "dt", dtMs);
        if (!(dtMs <= 0.05)) {
            throw new IllegalArgumentException(
                    where + ": setting 'dt' must be in (0, 0.05] ms for an accurate spike, was " + dtMs);
        }
        long steps = SimulationLimits.steps(where, durationMs, dtMs);
        double samples = steps + 1.0;
        SimulationLimits.work(
                where,
                "currents x steps x " + (long) SimulationLimits.RK4_COST,
                currents.length * (double) steps * SimulationLimits.RK4_COST,
                "lower duration or the number of currents, or raise dt");
        // One trace of six arrays at a time; the time and voltage arrays of every current stay for the plot.
        SimulationLimits.memory(
                where,
                "the traces (8 bytes x (steps + 1) x (6 + 2 x currents))",
                8 * samples * (6 + 2.0 * currents.length),
                "lower duration or the number of currents, or raise dt");
    }

    private static void checkLif(double vIn, double duration, double dt, Lif lif) {
        String where = "simulate lif";
        requireFinite(where, "v_in", vIn);
        requirePositive(where, "duration", duration);
        requirePositive(where, "dt", dt);
        requireLongerThanStep(where, duration, dt);
        long steps = SimulationLimits.steps(where, duration, dt);
        requireStepWithin(where, dt, "tau_m", lif.tauM());
        double spikes = Math.min(steps, 2 * duration * lif.rate(vIn) + 2);
        int nd4jParts = nd4jPopulations(1);
        SimulationLimits.work(
                where,
                "steps x " + SimulationLimits.traceStepTerms(nd4jParts) + " + spikes x "
                        + (long) SimulationLimits.PLOT_POINT_COST,
                steps * (SimulationLimits.TRACE_STEP_COST + SimulationLimits.nd4jStepWork(nd4jParts, nd4jParts))
                        + spikes * SimulationLimits.PLOT_POINT_COST,
                "lower duration or raise dt");
        // t, v and input, the analytic curve (at most as long) and the spike times (at most one per step).
        SimulationLimits.memory(
                where, "the trace (8 bytes x (steps + 1) x 6)", 48 * (steps + 1.0), "lower duration or raise dt");
    }

    private static void checkTuning(double vMax, int points, double duration, double dt, Lif lif) {
        String where = "simulate tuning";
        requirePositive(where, "v_max", vMax);
        if (points < 2) {
            throw new IllegalArgumentException(where + ": setting 'points' must be >= 2, was " + points);
        }
        requirePositive(where, "duration", duration);
        requirePositive(where, "dt", dt);
        requireLongerThanStep(where, duration, dt);
        long steps = SimulationLimits.steps(where, duration, dt);
        requireStepWithin(where, dt, "tau_m", lif.tauM());
        // Every neuron fires at most once a step, and about at its tuning-curve rate (the largest at v_max).
        double spikesPerPoint = Math.min(steps, 2 * duration * lif.rate(vMax) + 2);
        double spikes = points * spikesPerPoint;
        int nd4jParts = nd4jPopulations(1);
        SimulationLimits.work(
                where,
                "steps x (" + (long) SimulationLimits.STEP_COST + " + points"
                        + SimulationLimits.nd4jStepTerms(nd4jParts, "1", "points") + ") + spikes + points x "
                        + (long) SimulationLimits.PLOT_POINT_COST,
                steps
                                * (SimulationLimits.STEP_COST
                                        + points
                                        + SimulationLimits.nd4jStepWork(nd4jParts, nd4jParts == 0 ? 0 : points))
                        + spikes
                        + points * SimulationLimits.PLOT_POINT_COST,
                "lower points or duration, or raise dt");
        // The scatter plot draws a marker per point: 7e6 points took 177 s and 3.7 GB (530 bytes per point).
        SimulationLimits.memory(
                where,
                "the population (128 bytes per point), its recorded spikes (8 bytes each) and the plot's markers" + " ("
                        + (long) PLOT_BYTES_PER_POINT + " bytes per point)",
                (128.0 + PLOT_BYTES_PER_POINT) * points + 8 * spikes + 32.0 * steps,
                "lower points or duration, or raise dt");
    }

    private static void checkSynapse(int[] orders, double[] tauS, double rateHz, double duration, double dt) {
        String where = "simulate synapse";
        if (orders.length == 0 || tauS.length == 0) {
            throw new IllegalArgumentException(where + ": settings 'orders' and 'tau_s' must list at least one value");
        }
        for (int n : orders) {
            if (n < 0 || n > 20) {
                throw new IllegalArgumentException(
                        where + ": setting 'orders' must list whole numbers in 0..20, had " + n);
            }
        }
        for (double tau : tauS) {
            requirePositive(where, "tau_s", tau);
            // The filter's factor 1 / (n! tau^(n+1)) and its plotted span (n + 6) tau overflow or vanish beyond.
            if (!(tau >= MIN_TAU_S && tau <= MAX_TAU_S)) {
                throw new IllegalArgumentException(where + ": setting 'tau_s' must list values in " + MIN_TAU_S + ".."
                        + MAX_TAU_S + " s, had " + tau);
            }
        }
        if (!(rateHz >= 0) || Double.isInfinite(rateHz)) {
            throw new IllegalArgumentException(where + ": setting 'rate' must be >= 0 Hz, was " + rateHz);
        }
        requirePositive(where, "duration", duration);
        requirePositive(where, "dt", dt);
        long steps = SimulationLimits.steps(where, duration, dt);
        double samples = steps + 1.0;
        // The Euler form of the train's filter runs at the first tau_s (checked after its run before).
        requireStepWithin(where, dt, "the first tau_s", tauS[0]);
        requireDistinct(
                where,
                "orders",
                java.util.Arrays.stream(orders).asDoubleStream().toArray());
        requireDistinct(where, "tau_s", tauS);
        if ((long) orders.length * tauS.length > MAX_SERIES) {
            throw new IllegalArgumentException(where + ": settings 'orders' x 'tau_s' make " + orders.length + " x "
                    + tauS.length + " filter shapes, expected at most " + MAX_SERIES
                    + " (one plotted series and CSV column each)");
        }
        double spikes = rateHz == 0 ? 0 : SimulationLimits.poissonHigh(rateHz * duration);
        double shapes = (double) orders.length * tauS.length;
        SimulationLimits.work(
                where,
                (long) SimulationLimits.FILTER_COST
                        + " x (orders x (steps + 1) x spikes + orders x tau_s x 1001) + spikes x "
                        + (long) SimulationLimits.PLOT_POINT_COST,
                SimulationLimits.FILTER_COST * (orders.length * samples * Math.max(spikes, 1) + shapes * 1001)
                        + spikes * SimulationLimits.PLOT_POINT_COST,
                "lower rate, duration or the number of orders and tau_s, or raise dt");
        // The convolution evaluates every filter on a [samples, spikes] grid: about eight such arrays at once.
        SimulationLimits.memory(
                where,
                "the filtered train (8 bytes x (steps + 1) x (8 x spikes + orders + 3)) and the filter shapes"
                        + " (8 bytes x 1001 x orders x tau_s)",
                8 * samples * (8 * spikes + orders.length + 3) + 8 * 1001 * (shapes + 1),
                "lower rate, duration or the number of orders and tau_s, or raise dt");
    }

    /**
     * {@code parts}, the populations and projections of a scenario, when they will step by ND4J calls (the native
     * kernels off or unavailable), else 0: those steps cost ~500 times a native pass's.
     */
    private static int nd4jPopulations(int parts) {
        return NativeSpikes.enabledByDefault() ? 0 : parts;
    }

    /** The largest |mean_input| of {@code simulate network} (normalised input; the LIF threshold is 1). */
    static final double MAX_MEAN_INPUT = 1e300;

    private static void checkNetwork(
            int inputs, double inputRateHz, int neurons, double meanInput, double tauS, double duration, double dt) {
        String where = "simulate network";
        if (inputs < 1) {
            throw new IllegalArgumentException(where + ": setting 'inputs' must be >= 1, was " + inputs);
        }
        if (neurons < 1) {
            throw new IllegalArgumentException(where + ": setting 'neurons' must be >= 1, was " + neurons);
        }
        requirePositive(where, "input_rate", inputRateHz);
        requireFinite(where, "mean_input", meanInput);
        // The check below evaluates the tuning curve at 2.25 x |mean_input|, an infinity beyond ~8e307 that was
        // refused as "Lif: v_in must be finite, was Infinity", naming no option.
        if (!(Math.abs(meanInput) <= MAX_MEAN_INPUT)) {
            throw new IllegalArgumentException(where + ": setting 'mean_input' must be in " + -MAX_MEAN_INPUT + ".."
                    + MAX_MEAN_INPUT + ", was " + meanInput);
        }
        requirePositive(where, "tau_s", tauS);
        requirePositive(where, "duration", duration);
        requirePositive(where, "dt", dt);
        PoissonPopulation.requireRepresentableRate(where + ": setting 'input_rate'", inputRateHz, dt);
        // The weights are mean_input / (inputs x input_rate) times factors up to 2.25: a tiny rate made them infinite,
        // refused at the projection ("weights must be finite") after the populations were built.
        double largestWeight = 2.25 * Math.abs(meanInput) / ((double) inputs * inputRateHz);
        if (!Double.isFinite(largestWeight)) {
            throw new IllegalArgumentException(where + ": setting 'input_rate' = " + inputRateHz + " Hz is too small"
                    + " for mean_input = " + meanInput + ": the weights 2.25 x mean_input / (inputs x input_rate)"
                    + " would be " + largestWeight + "; raise input_rate");
        }
        SimulationLimits.weights(where, inputs, neurons);
        long steps = SimulationLimits.steps(where, duration, dt);
        requireStepWithin(where, dt, "tau_m", Lif.CORTICAL.tauM());
        requireStepWithin(where, dt, "tau_s", tauS);
        // An input fires at most once a step; a LIF neuron at most once per refractory period and step.
        double inputSpikes = inputs * Math.min(SimulationLimits.poissonHigh(inputRateHz * duration), steps);
        // The mean input currents spread to at most 2.25 x mean_input; the Poisson noise adds a little.
        double lifRate =
                Math.min(1 / (Lif.CORTICAL.tauRef() + dt), 2 * Lif.CORTICAL.rate(2.25 * Math.abs(meanInput)) + 10);
        double lifSpikes = neurons * Math.min(steps, duration * lifRate + 1);
        double bins = Math.ceil(duration / Math.max(dt, Math.min(0.01, duration / 20)));
        // The two populations and the projection between them.
        int nd4jParts = nd4jPopulations(3);
        SimulationLimits.work(
                where,
                "steps x (" + (long) SimulationLimits.STEP_COST + " + inputs + neurons"
                        + SimulationLimits.nd4jStepTerms(nd4jParts, "3", "(inputs + neurons)")
                        + ") + input spikes x neurons + LIF spikes x " + (long) SimulationLimits.PLOT_POINT_COST,
                steps
                                * (SimulationLimits.STEP_COST
                                        + inputs
                                        + neurons
                                        + SimulationLimits.nd4jStepWork(
                                                nd4jParts, nd4jParts == 0 ? 0 : (double) inputs + neurons))
                        + inputSpikes * neurons
                        + (lifSpikes + Math.min(inputSpikes, 100.0 / inputs * inputSpikes))
                                * SimulationLimits.PLOT_POINT_COST,
                "lower inputs, neurons, input_rate or duration, or raise dt");
        SimulationLimits.memory(
                where,
                "the weights (16 bytes x neurons x inputs), the populations and the recorded spikes (48 bytes each)",
                16.0 * inputs * neurons
                        + 80.0 * (inputs + neurons)
                        + 48 * (inputSpikes + lifSpikes)
                        + 64.0 * steps
                        + 40 * bins,
                "lower inputs, neurons, input_rate or duration");
    }

    private static final String[] HH_FILES = {
        "hh_voltage.png", "hh_gates.png", "hh_tau.png", "hh_voltage.csv", "hh_gates.csv"
    };
    private static final String[] LIF_FILES = {"lif_voltage.png", "lif_voltage.csv"};
    private static final String[] TUNING_FILES = {"lif_tuning.png", "lif_tuning.csv"};
    private static final String[] SYNAPSE_FILES = {
        "psc_filters.png", "psc_filters.csv", "filtered_spike_train.png", "filtered_spike_train.csv"
    };
    private static final String[] NETWORK_FILES = {
        "network_raster.png", "network_rate.png", "network_spikes.csv", "network_rate.csv"
    };

    /**
     * Refuses, before a scenario simulates anything, an output it could not write (a directory, a path under a file)
     * or would write through a symbolic link: found only at the end, such a refusal came after minutes of work.
     */
    private static void requireOutputs(Path outDir, String... files) throws IOException {
        for (String f : files) {
            Path target = outDir.resolve(f);
            org.myelin.io.AtomicFiles.requireNotLink(target);
            org.myelin.io.AtomicFiles.requireWritablePath(target);
        }
    }

    private static String finish(StringBuilder summary, Path outDir, String... files) {
        summary.append("  wrote to ").append(outDir).append(": ").append(String.join(", ", files));
        return summary.toString();
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("simulate: unknown scenario '" + name + "', expected one of " + NAMES);
    }

    private static double[] doubles(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int[] toOrders(double[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 0 || values[i] > 20) {
                // Refused here, before the cast to int would clamp 1e10 to 2147483647 in the message; the value as
                // a whole number where it is one (-1, not -1.0).
                throw new IllegalArgumentException(
                        "simulate synapse: setting 'orders' must list whole numbers in 0..20, had " + fmt(values[i]));
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    private static int max(int[] xs) {
        int m = 0;
        for (int x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return xs.length == 0 ? 0 : s / xs.length;
    }

    /** {@code 1 spike}, {@code 0 spikes}, {@code 2 spikes}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e9) {
            return Long.toString((long) x);
        }
        String[] parts = String.format(Locale.ROOT, "%.4g", x).split("e");
        String mantissa = parts[0];
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return parts.length == 1 ? mantissa : mantissa + "e" + parts[1];
    }
}
