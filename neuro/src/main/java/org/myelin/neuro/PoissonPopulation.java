package org.myelin.neuro;

import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Independent Poisson spike sources: in each step of length dt neuron i spikes with probability
 * {@code r_i dt}, the Bernoulli approximation of a Poisson process of rate r_i [Hz] (exact as dt -> 0; keep r dt
 * well below 1). A rate above 1/dt, whose probability would exceed 1, is refused ({@link Network#add} checks the
 * network's dt before any step). Draws come from its own seeded random stream, so a run is reproducible:
 * with the engine's native CPU kernels active, SplitMix64 in native code (draw i of step t is number
 * {@code t * size + i} of the stream, so a step needs no ND4J call); with {@code -Dmyelin.kernels=nd4j}, ND4J's
 * uniform generator. The two streams differ, so the two paths agree in distribution, not spike by spike.
 * Shapes: rates {@code [size]}.
 */
public final class PoissonPopulation implements Population {
    private final String name;
    private final INDArray rates;
    /** rates.length(), checked to fit an int before anything is scanned or allocated. */
    private final int size;

    private final long seed;
    private Random rng;
    private final INDArray uniform;
    private INDArray probability;
    private double probabilityDt = Double.NaN;
    private INDArray spikes = SpikeIndices.NONE;
    /** Non-null when the draws are native. */
    private final NativeSpikes nativeSpikes;
    /** Steps drawn since the last reset: the native stream's position. */
    private long counter;

    /** Sources with per-neuron rates [Hz] (copied), seeded. */
    public PoissonPopulation(String name, INDArray ratesHz, long seed) {
        this(name, ratesHz, seed, NativeSpikes.enabledByDefault());
    }

    /** As the public constructor, with the kernel path chosen explicitly (tests compare the two). */
    PoissonPopulation(String name, INDArray ratesHz, long seed, boolean nativeKernels) {
        if (ratesHz == null || ratesHz.length() < 1 || ratesHz.rank() > 2) {
            throw new IllegalArgumentException(
                    "PoissonPopulation '" + name + "': rates must be a non-empty vector, was "
                            + (ratesHz == null ? "null" : java.util.Arrays.toString(ratesHz.shape())));
        }
        // Population.size() is an int: a longer rates vector would wrap in the cast (to a negative or a small
        // wrong size), so it is refused before its entries are scanned.
        int size = SimulationLimits.populationSize("PoissonPopulation '" + name + "'", ratesHz.length());
        SimulationLimits.requireFiniteEntries("PoissonPopulation '" + name + "': rates must be finite", ratesHz);
        if (ratesHz.minNumber().doubleValue() < 0) {
            throw new IllegalArgumentException(
                    "PoissonPopulation '" + name + "': rates must be >= 0 Hz, min was " + ratesHz.minNumber());
        }
        checkMemory(name, size);
        this.name = name;
        this.size = size;
        this.rates = ratesHz.reshape(ratesHz.length()).dup();
        this.seed = seed;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        this.uniform = Nd4j.createUninitialized(DataType.DOUBLE, rates.length());
        if (nativeKernels) {
            NativeSpikes.requireAvailable(name);
        }
        this.nativeSpikes = nativeKernels ? new NativeSpikes(size) : null;
    }

    /** {@code size} sources all at {@code rateHz}, with the kernel path chosen explicitly. */
    PoissonPopulation(String name, int size, double rateHz, long seed, boolean nativeKernels) {
        this(name, uniformRates(name, size, rateHz), seed, nativeKernels);
    }

    /** {@code size} sources all at {@code rateHz}. */
    public PoissonPopulation(String name, int size, double rateHz, long seed) {
        this(name, uniformRates(name, size, rateHz), seed);
    }

    /** The rates vector of {@code size} sources at {@code rateHz}, checked before it is allocated. */
    private static INDArray uniformRates(String name, int size, double rateHz) {
        if (size < 1) {
            throw new IllegalArgumentException("PoissonPopulation '" + name + "': size must be >= 1, was " + size);
        }
        if (!(rateHz >= 0) || Double.isInfinite(rateHz)) {
            throw new IllegalArgumentException(
                    "PoissonPopulation '" + name + "': rate must be finite and >= 0 Hz, was " + rateHz);
        }
        checkMemory(name, size);
        return Nd4j.valueArrayOf(new long[] {size}, rateHz, DataType.DOUBLE);
    }

    /** The rates given, their copy, the uniform draws, the probabilities and the int64 spike buffer. */
    private static void checkMemory(String name, long size) {
        org.myelin.MemoryLimit.check("PoissonPopulation '" + name + "'", size, 5 * Double.BYTES, "sources");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    /** The mean number of spikes in a step of {@code dt}: sum over sources of r dt (for run's estimate). */
    double meanSpikesPerStep(double dt) {
        return rates.sumNumber().doubleValue() * dt;
    }

    /**
     * Refuses a step in which a source's spike probability r dt exceeds 1: it was capped at 1, so the source fired
     * at 1/dt instead of its rate, without a word.
     */
    void requireRepresentableRates(double dt) {
        requireRepresentableRate(
                "PoissonPopulation '" + name + "': rate", rates.maxNumber().doubleValue(), dt);
    }

    /** Refuses {@code rateHz} (named by {@code what}) whose spike probability per step of {@code dt} exceeds 1. */
    static void requireRepresentableRate(String what, double rateHz, double dt) {
        if (rateHz * dt > 1) {
            throw new IllegalArgumentException(what + " " + rateHz + " Hz with dt " + dt + " s is a spike probability"
                    + " of " + rateHz * dt + " per step, expected at most 1 (a rate of at most 1/dt = " + 1 / dt
                    + " Hz); lower the rate or dt");
        }
    }

    /** A copy of the rates [Hz]. */
    public INDArray rates() {
        return rates.dup();
    }

    @Override
    public void step(double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException(
                    "PoissonPopulation '" + name + "': dt must be finite and > 0 s, was " + dt);
        }
        if (dt != probabilityDt) {
            requireRepresentableRates(dt);
            probability = rates.mul(dt);
            probabilityDt = dt;
        }
        if (nativeSpikes != null) {
            nativeSpikes.set(NativeKernels.poissonDraw(
                    NativeSpikes.address(probability), rates.length(), seed, counter++, nativeSpikes.address()));
            return;
        }
        Nd4j.getExecutioner().exec(new UniformDistribution(uniform, 0.0, 1.0), rng);
        spikes = SpikeIndices.of(uniform.lt(probability));
    }

    @Override
    public INDArray spikeIndices() {
        return nativeSpikes != null ? nativeSpikes.indices() : spikes;
    }

    /** The native spike buffer, or null on the ND4J path. */
    NativeSpikes nativeSpikes() {
        return nativeSpikes;
    }

    /** Restarts the random stream from the seed, so the same spikes follow again. */
    @Override
    public void reset() {
        rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        spikes = SpikeIndices.NONE;
        counter = 0;
        if (nativeSpikes != null) {
            nativeSpikes.clear();
        }
    }
}
