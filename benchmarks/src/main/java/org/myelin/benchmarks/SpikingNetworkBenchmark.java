package org.myelin.benchmarks;

import java.util.concurrent.TimeUnit;
import org.myelin.neuro.Lif;
import org.myelin.neuro.LifPopulation;
import org.myelin.neuro.Network;
import org.myelin.neuro.PoissonPopulation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Euler step of a spiking network (CS 479 "Full LIF Neuron Model"; see docs/notes.md): 10,000 LIF neurons (cortical
 * tau_m = 20 ms, tau_ref = 2 ms, tau_s = 10 ms) driven by 1,000 Poisson inputs at 10 Hz through a dense 1,000 x 10,000
 * float32 weight matrix (uniform, scaled for ~40 Hz output). Simulated seconds per wall second = dt / (time per step).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g"})
public class SpikingNetworkBenchmark {

    /** The Euler step in seconds: 1 ms and 0.1 ms. */
    @Param({"0.001", "0.0001"})
    public double dt;

    private Network net;

    @Setup
    public void setUp() {
        BenchmarkEnvironment.requirePassiveOpenMp();
        int inputs = 1000;
        int neurons = 10_000;
        double rate = 10.0;
        net = new Network(dt);
        PoissonPopulation in = net.add(new PoissonPopulation("inputs", inputs, rate, 42));
        LifPopulation out = net.add(new LifPopulation("lif", neurons, Lif.CORTICAL, 0.01, DataType.FLOAT));
        INDArray w = Nd4j.createUninitialized(DataType.FLOAT, inputs, neurons);
        double mean = 1.5 / (inputs * rate);
        Nd4j.getExecutioner()
                .exec(
                        new UniformDistribution(w, 0.5 * mean, 1.5 * mean),
                        Nd4j.getRandomFactory().getNewRandomInstance(42));
        net.connect(in, out, w);
        net.run(0.2); // past the initial transient
    }

    @Benchmark
    public Network step() {
        net.step();
        return net;
    }
}
