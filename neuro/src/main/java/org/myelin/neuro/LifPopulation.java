package org.myelin.neuro;

import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A population of LIF neurons with exponential (n = 0) synapses, the "full LIF neuron model" of CS 479 §1.7 (see
 * docs/notes.md):
 *
 * <pre>
 *   tau_m dv_i/dt = s_i + b_i - v_i     when not refracting
 *   tau_s ds_i/dt = -s_i                (a spike of pre-synaptic j adds w_ji / tau_s to s_i)
 *   v_i >= 1:  record a spike, v_i = 0, refract for tau_ref
 * </pre>
 *
 * integrated with Euler's method over the whole vector at once (CS 489 §5.2, Algorithm 1), where b is a constant
 * input per neuron (a bias or an injected current). Two refinements keep the rate exact to O(dt^2) instead of
 * O(dt): the threshold crossing is placed inside the step by linear interpolation, and the refractory period
 * starts at that crossing and ends inside a later step, whose remaining part is integrated. Spikes are reported
 * at the end of the step in which they occur.
 *
 * <p>Two implementations of the same arithmetic: with the engine's native CPU kernels active (the default where
 * they load) one native pass per step does the Euler update, the threshold with the in-step crossing, the
 * refractory clock, the reset and the compaction of the spike indices, and arriving spikes are added from the
 * weight rows of the neurons that spiked only; with {@code -Dmyelin.kernels=nd4j} (or {@code MYELIN_KERNELS=nd4j})
 * the whole-vector ND4J operations below, the reference. Both round the same operations in the same order, so
 * they agree to float rounding (tested over trajectories).
 *
 * <p>Shapes: v, s, b and the refractory clock are vectors {@code [size]} in the population's data type.
 */
public final class LifPopulation implements Population {
    /** State variables a probe can record. */
    public enum Variable {
        /** Normalised membrane potential v. */
        V,
        /** Synaptic input current s. */
        S
    }

    private final String name;
    private final int size;
    private final Lif lif;
    private final double tauS;
    private final DataType dataType;
    private final INDArray v;
    private final INDArray s;
    private final INDArray bias;
    private final INDArray refractory;
    private INDArray spikes = SpikeIndices.NONE;
    /** Non-null when this population steps with the native kernels. */
    private final NativeSpikes nativeSpikes;

    /**
     * @param name     population name
     * @param size     number of neurons
     * @param lif      membrane constants
     * @param tauS     synaptic time constant tau_s [s]
     * @param dataType FLOAT or DOUBLE (the weight matrices feeding it must match)
     */
    public LifPopulation(String name, int size, Lif lif, double tauS, DataType dataType) {
        this(name, size, lif, tauS, dataType, NativeSpikes.enabledByDefault());
    }

    /** As the public constructor, with the kernel path chosen explicitly (tests compare the two). */
    LifPopulation(String name, int size, Lif lif, double tauS, DataType dataType, boolean nativeKernels) {
        if (size < 1) {
            throw new IllegalArgumentException("LifPopulation '" + name + "': size must be >= 1, was " + size);
        }
        if (lif == null) {
            throw new IllegalArgumentException("LifPopulation '" + name + "': Lif constants must not be null");
        }
        if (!(tauS > 0) || Double.isInfinite(tauS)) {
            throw new IllegalArgumentException(
                    "LifPopulation '" + name + "': tau_s must be finite and > 0 s, was " + tauS);
        }
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException(
                    "LifPopulation '" + name + "': data type must be FLOAT or DOUBLE, was " + dataType);
        }
        // v, s, bias and the refractory clock, and the int64 spike buffer of the native path.
        org.myelin.MemoryLimit.check(
                "LifPopulation '" + name + "'", size, 4 * dataType.width() + Long.BYTES, "neurons");
        this.name = name;
        this.size = size;
        this.lif = lif;
        this.tauS = tauS;
        this.dataType = dataType;
        this.v = Nd4j.zeros(dataType, size);
        this.s = Nd4j.zeros(dataType, size);
        this.bias = Nd4j.zeros(dataType, size);
        this.refractory = Nd4j.zeros(dataType, size);
        if (nativeKernels) {
            NativeSpikes.requireAvailable(name);
        }
        this.nativeSpikes = nativeKernels ? new NativeSpikes(size) : null;
    }

    /** A DOUBLE population. */
    public LifPopulation(String name, int size, Lif lif, double tauS) {
        this(name, size, lif, tauS, DataType.DOUBLE);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    public Lif lif() {
        return lif;
    }

    public double tauS() {
        return tauS;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Sets the constant input b of every neuron (copied). Shapes: {@code [size]}. */
    public LifPopulation setBias(INDArray b) {
        if (b == null || b.length() != size || b.rank() > 2) {
            throw new IllegalArgumentException("LifPopulation '" + name + "': bias has shape "
                    + (b == null ? "null" : java.util.Arrays.toString(b.shape())) + ", expected [" + size + "]");
        }
        SimulationLimits.requireFiniteEntries("LifPopulation '" + name + "': bias must be finite", b);
        bias.assign(b.reshape(size).castTo(dataType));
        return this;
    }

    /** Sets the same constant input b for every neuron. */
    public LifPopulation setBias(double b) {
        if (!Double.isFinite(b)) {
            throw new IllegalArgumentException("LifPopulation '" + name + "': bias must be finite, was " + b);
        }
        bias.assign(b);
        return this;
    }

    /** A copy of the membrane potentials. Shapes: {@code [size]}. */
    public INDArray v() {
        return v.dup();
    }

    /** A copy of the synaptic currents. Shapes: {@code [size]}. */
    public INDArray s() {
        return s.dup();
    }

    /** The live array of a state variable (package use: probes read it without copying). */
    INDArray live(Variable variable) {
        return variable == Variable.V ? v : s;
    }

    /**
     * Adds arriving spikes to the synaptic current: {@code s += weightSum / tau_s}, where weightSum is the sum of
     * the weight rows of the pre-synaptic neurons that spiked (CS 489 Algorithm 1, line 9; see docs/notes.md). Shapes:
     * {@code [size]}.
     */
    public void receive(INDArray weightSum) {
        if (weightSum == null || weightSum.length() != size) {
            throw new IllegalArgumentException("LifPopulation '" + name + "': weight sum has shape "
                    + (weightSum == null ? "null" : java.util.Arrays.toString(weightSum.shape())) + ", expected ["
                    + size + "]");
        }
        // A NaN or infinite entry made that neuron's current, and from the next step its potential, NaN for good.
        SimulationLimits.requireFiniteEntries("LifPopulation '" + name + "': weight sum must be finite", weightSum);
        addWeightSum(weightSum);
    }

    /**
     * {@link #receive} without its checks, for {@link Projection}: the sum of rows of its [pre, size] weights, which
     * {@link Network#run} checks are finite before it steps.
     */
    void addWeightSum(INDArray weightSum) {
        s.addi(weightSum.reshape(size).mul(1.0 / tauS));
    }

    /** The native spike buffer, or null on the ND4J path. */
    NativeSpikes nativeSpikes() {
        return nativeSpikes;
    }

    /**
     * {@link #receive} of the sum of the {@code count} rows of {@code weights} whose int64 indices start at
     * {@code rows}, in one native pass without gathering them. Only on the native path; {@code weights} is a dense
     * row-major {@code [pre, size]} matrix of this data type and every index lies in [0, pre) (the caller checks).
     */
    void receiveRows(INDArray weights, long rows, long count) {
        if (count == 0) {
            return;
        }
        long w = NativeSpikes.address(weights);
        if (dataType == DataType.FLOAT) {
            NativeKernels.addRowsF32(w, size, rows, count, 1.0 / tauS, NativeSpikes.address(s));
        } else {
            NativeKernels.addRowsF64(w, size, rows, count, 1.0 / tauS, NativeSpikes.address(s));
        }
    }

    /**
     * Refuses a step longer than tau_m or tau_s: Euler's factors 1 - dt/tau_m and 1 - dt/tau_s turn negative, so v
     * overshoots its input (a spike every step) and the synaptic current changes sign each step (diverging beyond
     * 2 tau). {@link Network#add} checks it against the network's dt before any step.
     */
    void requireStableStep(double dt) {
        if (dt > lif.tauM() || dt > tauS) {
            throw new IllegalArgumentException(
                    "LifPopulation '" + name + "': dt = " + dt + " s, expected at most tau_m = " + lif.tauM()
                            + " s and tau_s = " + tauS + " s (Euler's decay 1 - dt/tau turns negative); lower dt");
        }
    }

    @Override
    public void step(double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException("LifPopulation '" + name + "': dt must be finite and > 0 s, was " + dt);
        }
        requireStableStep(dt);
        if (nativeSpikes != null) {
            nativeStep(dt);
            return;
        }
        // Time each neuron integrates in this step: all of dt, none while refracting, the rest when its
        // refractory period ends inside the step.
        // The refractory clock is never negative, so dtEff <= dt needs no upper clamp.
        INDArray dtEff = Transforms.max(refractory.rsub(dt), 0.0, false);
        INDArray dv = s.add(bias).subi(v).muli(dtEff).divi(lif.tauM());
        v.addi(dv);
        Transforms.max(refractory.subi(dt), 0.0, false);
        INDArray crossed = v.gte(1.0);
        INDArray idx = SpikeIndices.of(crossed);
        if (idx.length() > 0) {
            INDArray m = crossed.castTo(dataType);
            INDArray keep = m.rsub(1.0);
            // v rose by dv over dtEff and passed 1 at the fraction (1 - v0)/dv; the time left after the crossing
            // is dtEff (v - 1)/dv. dv > 0 wherever m = 1; elsewhere the clamp only keeps the product finite.
            INDArray after = v.sub(1.0)
                    .divi(Transforms.max(dv, 1e-30, false))
                    .muli(dtEff)
                    .muli(m);
            refractory.muli(keep).addi(m.muli(lif.tauRef()).subi(after));
            if (lif.tauRef() < dt) {
                // A refractory period shorter than the step cannot be resolved below one step.
                Transforms.max(refractory, 0.0, false);
            }
            v.muli(keep);
            spikes = idx;
        } else {
            spikes = SpikeIndices.NONE;
        }
        s.muli(1.0 - dt / tauS);
    }

    /** The same step in one native pass; the coefficients stay doubles until the kernel rounds them once. */
    private void nativeStep(double dt) {
        double sDecay = 1.0 - dt / tauS;
        long count = dataType == DataType.FLOAT
                ? NativeKernels.lifStepF32(
                        NativeSpikes.address(v),
                        NativeSpikes.address(s),
                        NativeSpikes.address(bias),
                        NativeSpikes.address(refractory),
                        size,
                        dt,
                        lif.tauM(),
                        lif.tauRef(),
                        sDecay,
                        nativeSpikes.address())
                : NativeKernels.lifStepF64(
                        NativeSpikes.address(v),
                        NativeSpikes.address(s),
                        NativeSpikes.address(bias),
                        NativeSpikes.address(refractory),
                        size,
                        dt,
                        lif.tauM(),
                        lif.tauRef(),
                        sDecay,
                        nativeSpikes.address());
        nativeSpikes.set(count);
    }

    @Override
    public INDArray spikeIndices() {
        return nativeSpikes != null ? nativeSpikes.indices() : spikes;
    }

    @Override
    public void reset() {
        v.assign(0);
        s.assign(0);
        refractory.assign(0);
        spikes = SpikeIndices.NONE;
        if (nativeSpikes != null) {
            nativeSpikes.clear();
        }
    }
}
