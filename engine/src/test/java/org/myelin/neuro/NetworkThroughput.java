package org.myelin.neuro;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A one-off throughput measurement (not a unit test, not a benchmark): 10,000 LIF neurons driven by 1,000 Poisson
 * inputs at 10 Hz through a dense FLOAT [1000, 10000] weight matrix, at dt = 1 ms and 0.1 ms, reporting simulated
 * seconds per wall-clock second. Run with OMP_WAIT_POLICY=PASSIVE, e.g.
 * {@code java -cp <test classpath> org.myelin.neuro.NetworkThroughput [simulatedSeconds]}.
 */
public final class NetworkThroughput {
    private NetworkThroughput() {}

    /** The benchmark network: inputs -> LIF with mean input current about 1.5 (rates near 40 Hz). */
    static Network build(double dt, long seed) {
        int inputs = 1000;
        int neurons = 10_000;
        double rate = 10.0;
        Network net = new Network(dt);
        PoissonPopulation in = net.add(new PoissonPopulation("inputs", inputs, rate, seed));
        LifPopulation out = net.add(new LifPopulation("lif", neurons, Lif.CORTICAL, 0.01, DataType.FLOAT));
        INDArray w = Nd4j.createUninitialized(DataType.FLOAT, inputs, neurons);
        double mean = 1.5 / (inputs * rate);
        Nd4j.getExecutioner().exec(new UniformDistribution(w, 0.5 * mean, 1.5 * mean),
                Nd4j.getRandomFactory().getNewRandomInstance(seed));
        net.connect(in, out, w);
        return net;
    }

    public static void main(String[] args) {
        double simulated = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        for (double dt : new double[] {1e-3, 1e-4}) {
            Network net = build(dt, 42);
            SpikeProbe probe = net.probeSpikes(net.populations().get(1));
            net.run(Math.min(0.2, simulated / 5));
            long steps = Math.round(simulated / dt);
            long start = System.nanoTime();
            for (long i = 0; i < steps; i++) {
                net.step();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "dt=%.4f s: %d steps in %.2f s wall: %.3f simulated s per wall s,"
                            + " %.1f us per step, %d LIF spikes (%.1f Hz per neuron)%n", dt, steps, wall,
                    simulated / wall, 1e6 * wall / steps, probe.count(),
                    probe.count() / (net.time() * 10_000));
        }
    }
}
