package org.myelin.neuro;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Constants of a leaky integrate-and-fire neuron in normalised units (CS 489 §2.1, CS 479 §1.4; see docs/notes.md):
 * between spikes
 *
 * <pre>  tau_m dv/dt = v_in - v,    v = (V - V_L) / (V_th - V_L)</pre>
 *
 * so rest is 0 and the threshold is 1; on reaching 1 the neuron records a spike, resets to 0 and stays there for
 * the refractory period tau_ref. For a constant input, {@code v(t) = v_in (1 - exp(-t/tau_m))} from v(0) = 0 and
 * the steady firing rate is the tuning curve
 *
 * <pre>  G(v_in) = 1 / (tau_ref - tau_m ln(1 - 1/v_in))  for v_in > 1,  0 otherwise.</pre>
 *
 * Times are in seconds, rates in Hz.
 *
 * @param tauM   membrane time constant tau_m [s]
 * @param tauRef refractory period tau_ref [s]
 */
public record Lif(double tauM, double tauRef) {
    /** Typical cortical values of the notes: tau_m = 20 ms, tau_ref = 2 ms. */
    public static final Lif CORTICAL = new Lif(0.020, 0.002);

    public Lif {
        if (!(tauM > 0) || Double.isInfinite(tauM)) {
            throw new IllegalArgumentException("Lif: tau_m must be finite and > 0 s, was " + tauM);
        }
        if (!(tauRef >= 0) || Double.isInfinite(tauRef)) {
            throw new IllegalArgumentException("Lif: tau_ref must be finite and >= 0 s, was " + tauRef);
        }
    }

    /** Steady firing rate G(v_in) [Hz] for a constant normalised input (the tuning curve). */
    public double rate(double vIn) {
        requireFiniteInput(vIn);
        if (!(vIn > 1)) {
            return 0.0;
        }
        return 1.0 / (tauRef - tauM * Math.log1p(-1.0 / vIn));
    }

    /**
     * The tuning curve elementwise: G(v_in) for every entry. Shapes: any; the result has the input's shape and
     * data type.
     */
    public INDArray rate(INDArray vIn) {
        if (vIn == null) {
            throw new IllegalArgumentException("Lif: v_in must not be null");
        }
        // A NaN entry gave NaN (0 x NaN), an infinite one NaN through the clamp.
        SimulationLimits.requireFiniteEntries("Lif: v_in must be finite", vIn);
        INDArray above = vIn.gt(1.0).castTo(vIn.dataType());
        // Entries at or below threshold are replaced by 2 so that ln(1 - 1/v) stays finite where the mask zeroes the
        // result anyway (a clamp to 1 + 1e-7 changed the rate of the inputs just above 1 too: 3.08 Hz instead of
        // 1.80 at 1 + 1e-12).
        INDArray safe = vIn.mul(above).addi(above.rsub(1.0).muli(2.0));
        INDArray ln = Transforms.log(safe.rdivi(1.0).rsubi(1.0), false);
        return ln.muli(-tauM).addi(tauRef).rdivi(1.0).muli(above);
    }

    /** Time from reset to threshold, t* = -tau_m ln(1 - 1/v_in) [s]; infinite for v_in <= 1. */
    public double timeToThreshold(double vIn) {
        requireFiniteInput(vIn);
        return vIn > 1 ? -tauM * Math.log1p(-1.0 / vIn) : Double.POSITIVE_INFINITY;
    }

    /** The analytic sub-threshold trajectory v(t) = v_in (1 - exp(-t/tau_m)) from v(0) = 0, for t >= 0. */
    public double voltage(double t, double vIn) {
        // A negative t extrapolated the trajectory to before its start: v_in (1 - e^(-t/tau_m)), of the sign opposite
        // to v_in and growing exponentially, a voltage the neuron never had.
        if (!(t >= 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("Lif: t must be finite and >= 0 s, was " + t + " s");
        }
        requireFiniteInput(vIn);
        return -vIn * Math.expm1(-t / tauM);
    }

    /**
     * Refuses a NaN or infinite input: rate(NaN) was 0 Hz and timeToThreshold(NaN) infinite (NaN > 1 is false),
     * as if the neuron were below threshold.
     */
    private static void requireFiniteInput(double vIn) {
        if (!Double.isFinite(vIn)) {
            throw new IllegalArgumentException("Lif: v_in must be finite, was " + vIn);
        }
    }
}
