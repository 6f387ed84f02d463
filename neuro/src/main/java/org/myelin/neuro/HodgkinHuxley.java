package org.myelin.neuro;

import java.util.function.DoubleUnaryOperator;

/**
 * The Hodgkin-Huxley neuron (CS 489 §1.1, CS 479 §1.3; see docs/notes.md): a single-compartment membrane with sodium,
 * potassium and leak currents,
 *
 * <pre>
 *   C dV/dt = J_in(t) - g_L (V - V_L) - g_Na m^3 h (V - V_Na) - g_K n^4 (V - V_K)
 *   dx/dt   = (x_inf(V) - x) / tau_x(V)        for each gate x in {n, m, h}
 *   x_inf   = alpha_x / (alpha_x + beta_x),    tau_x = 1 / (alpha_x + beta_x)
 * </pre>
 *
 * <p>Units and voltage convention: V in mV, measured inside minus outside, in the modern convention where the
 * resting potential is about -65 mV (not Hodgkin and Huxley's original 1952 convention of depolarisation
 * positive from rest 0). Time in ms, current density J_in in uA/cm^2, conductances in mS/cm^2, C in uF/cm^2.
 * The classic squid giant axon parameters ({@link Parameters#SQUID_AXON}, at 6.3 C): C = 1, g_Na = 120,
 * g_K = 36, g_L = 0.3, V_Na = 50, V_K = -77, V_L = -54.387, and rate functions (1/ms)
 *
 * <pre>
 *   alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55)/10))     beta_n = 0.125 exp(-(V + 65)/80)
 *   alpha_m = 0.1  (V + 40) / (1 - exp(-(V + 40)/10))     beta_m = 4 exp(-(V + 65)/18)
 *   alpha_h = 0.07 exp(-(V + 65)/20)                      beta_h = 1 / (1 + exp(-(V + 35)/10))
 * </pre>
 *
 * (the removable singularities of alpha_n at -55 mV and alpha_m at -40 mV are evaluated by their limit).
 *
 * <p>Behaviour with these constants: at rest (no input) V settles at -65.0 mV; a sustained current fires
 * repetitively from about 6.3 uA/cm^2 (about 55 Hz) and the rate grows with the current, to about 124 Hz at
 * 60 uA/cm^2, with spikes overshooting 0 mV in that range; above it the spikes shrink below 0 mV and beyond about
 * 150 uA/cm^2 the membrane stays depolarised (depolarisation block).
 *
 * <p>Integrator: classical fourth-order Runge-Kutta. The system is stiff only mildly: its fastest time constant
 * is tau_m, about 0.1 ms during a spike, and RK4 is stable for dt up to about 2.8 tau; the default
 * {@link #DEFAULT_DT_MS} = 0.01 ms is an order of magnitude inside that and resolves the 1 ms spike with about
 * a hundred points. Euler would need a comparable step for accuracy but is only first order; RK4's error at
 * 0.01 ms is far below a microvolt per step. This is a single neuron (a 4-D ODE), so it is integrated on Java
 * doubles: per-op ND4J overhead would cost more than the arithmetic.
 */
public final class HodgkinHuxley {
    /** How a non-finite input current is named ({@link SimulationLimits#finiteInput}). */
    private static final String INPUT_CURRENT = "HodgkinHuxley: the input current";

    /** Default integration step in ms (see the class comment for the choice). */
    public static final double DEFAULT_DT_MS = 0.01;

    /** The most samples a trace can hold: the longest Java array (a few below Integer.MAX_VALUE). */
    static final int MAX_SAMPLES = Integer.MAX_VALUE - 8;

    /**
     * Membrane constants of the model.
     *
     * @param capacitance C [uF/cm^2]
     * @param gNa         maximal sodium conductance [mS/cm^2]
     * @param gK          maximal potassium conductance [mS/cm^2]
     * @param gL          leak conductance [mS/cm^2]
     * @param vNa         sodium reversal potential [mV]
     * @param vK          potassium reversal potential [mV]
     * @param vL          leak reversal potential [mV]
     */
    public record Parameters(double capacitance, double gNa, double gK, double gL, double vNa, double vK, double vL) {
        /** Hodgkin and Huxley's squid giant axon, in the modern (rest near -65 mV) convention. */
        public static final Parameters SQUID_AXON = new Parameters(1.0, 120.0, 36.0, 0.3, 50.0, -77.0, -54.387);

        public Parameters {
            double[] all = {capacitance, gNa, gK, gL, vNa, vK, vL};
            String[] names = {"capacitance", "g_Na", "g_K", "g_L", "v_Na", "v_K", "v_L"};
            for (int i = 0; i < all.length; i++) {
                if (!Double.isFinite(all[i])) {
                    throw new IllegalArgumentException("HodgkinHuxley: " + names[i] + " must be finite, was " + all[i]);
                }
            }
            if (!(capacitance > 0)) {
                throw new IllegalArgumentException("HodgkinHuxley: capacitance must be > 0, was " + capacitance);
            }
            if (!(gNa >= 0) || !(gK >= 0) || !(gL >= 0)) {
                throw new IllegalArgumentException(
                        "HodgkinHuxley: conductances must be >= 0, were g_Na=" + gNa + ", g_K=" + gK + ", g_L=" + gL);
            }
        }
    }

    /** State of the neuron: membrane potential [mV] and the three gate variables in [0, 1]. */
    public record State(double v, double n, double m, double h) {
        /*
         * A NaN or infinite potential, or a gate outside [0, 1], made simulate's first RK4 step non-finite and
         * report "membrane potential diverged ... reduce dt", blaming the step instead of the state.
         */
        public State {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("HodgkinHuxley.State: v must be finite, was " + v + " mV");
            }
            requireGate("n", n);
            requireGate("m", m);
            requireGate("h", h);
        }

        private static void requireGate(String name, double x) {
            if (!(x >= 0 && x <= 1)) {
                throw new IllegalArgumentException(
                        "HodgkinHuxley.State: gate " + name + " must be in [0, 1], was " + x);
            }
        }

        /** The gates at their steady state for this voltage (how a neuron held at {@code v} would settle). */
        public static State atRest(double v) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "HodgkinHuxley.State.atRest: v must be a finite number of mV, was " + v);
            }
            return new State(v, nInf(v), mInf(v), hInf(v));
        }
    }

    /**
     * A simulated trace, sampled every integration step (index 0 is the initial state).
     *
     * <p>Shapes: all arrays have the same length, {@code steps + 1}.
     */
    public record Trace(double[] t, double[] v, double[] n, double[] m, double[] h, double[] current) {
        /**
         * Spike times [ms]: upward crossings of {@code thresholdMv}, each placed by linear interpolation
         * between the two samples around the crossing.
         */
        public double[] spikeTimes(double thresholdMv) {
            // A NaN threshold failed every comparison: no spikes, silently.
            if (!Double.isFinite(thresholdMv)) {
                throw new IllegalArgumentException(
                        "HodgkinHuxley.Trace: threshold must be finite, was " + thresholdMv + " mV");
            }
            double[] out = new double[v.length];
            int k = 0;
            for (int i = 1; i < v.length; i++) {
                if (v[i - 1] < thresholdMv && v[i] >= thresholdMv) {
                    double f = (thresholdMv - v[i - 1]) / (v[i] - v[i - 1]);
                    out[k++] = t[i - 1] + f * (t[i] - t[i - 1]);
                }
            }
            return java.util.Arrays.copyOf(out, k);
        }

        /** Spike times for the usual 0 mV threshold. */
        public double[] spikeTimes() {
            return spikeTimes(0.0);
        }

        /** The largest membrane potential of each spike (between consecutive 0 mV up- and down-crossings). */
        public double[] spikePeaks() {
            double[] out = new double[v.length];
            int k = 0;
            boolean in = false;
            double peak = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < v.length; i++) {
                if (v[i] >= 0) {
                    in = true;
                    peak = Math.max(peak, v[i]);
                } else if (in) {
                    out[k++] = peak;
                    in = false;
                    peak = Double.NEGATIVE_INFINITY;
                }
            }
            if (in) {
                out[k++] = peak;
            }
            return java.util.Arrays.copyOf(out, k);
        }
    }

    private final Parameters p;

    /** A neuron with the given membrane constants. */
    public HodgkinHuxley(Parameters parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("HodgkinHuxley: parameters must not be null");
        }
        this.p = parameters;
    }

    /** A neuron with the classic squid-axon constants. */
    public static HodgkinHuxley squidAxon() {
        return new HodgkinHuxley(Parameters.SQUID_AXON);
    }

    public Parameters parameters() {
        return p;
    }

    // ---- gate kinetics (1/ms), V in mV ------------------------------------------------------------------

    /** x / (1 - exp(-x/y)), continuous at x = 0 (value y there). */
    private static double linoid(double x, double y) {
        double u = x / y;
        if (Math.abs(u) < 1e-6) {
            return y * (1 + u / 2);
        }
        return x / -Math.expm1(-u);
    }

    /*
     * The rate functions take any finite V: NaN gave NaN rates (and State.atRest(NaN) a gate "NaN outside [0, 1]"),
     * an infinite V NaN or infinite ones. The public ones refuse it by name; the integrator calls the unchecked
     * ones below, so that a step whose intermediate state diverges is reported as a divergence.
     */

    /** alpha_n(V) [1/ms], by its limit 0.1 at V = -55 mV. */
    public static double alphaN(double v) {
        return an(requireFiniteV("alphaN", v));
    }

    /** beta_n(V) [1/ms]. */
    public static double betaN(double v) {
        return bn(requireFiniteV("betaN", v));
    }

    /** alpha_m(V) [1/ms], by its limit 1 at V = -40 mV. */
    public static double alphaM(double v) {
        return am(requireFiniteV("alphaM", v));
    }

    /** beta_m(V) [1/ms]. */
    public static double betaM(double v) {
        return bm(requireFiniteV("betaM", v));
    }

    /** alpha_h(V) [1/ms]. */
    public static double alphaH(double v) {
        return ah(requireFiniteV("alphaH", v));
    }

    /** beta_h(V) [1/ms]. */
    public static double betaH(double v) {
        return bh(requireFiniteV("betaH", v));
    }

    /** Steady-state open probability of a potassium gate: n_inf(V) = alpha_n / (alpha_n + beta_n). */
    public static double nInf(double v) {
        requireFiniteV("nInf", v);
        return steady(an(v), bn(v));
    }

    /** Steady-state open probability of a sodium activation gate: m_inf(V). */
    public static double mInf(double v) {
        requireFiniteV("mInf", v);
        return steady(am(v), bm(v));
    }

    /** Steady-state open probability of the sodium inactivation gate: h_inf(V). */
    public static double hInf(double v) {
        requireFiniteV("hInf", v);
        return steady(ah(v), bh(v));
    }

    /** Time constant of n [ms]: tau_n(V) = 1 / (alpha_n + beta_n). */
    public static double tauN(double v) {
        requireFiniteV("tauN", v);
        return 1.0 / (an(v) + bn(v));
    }

    /** Time constant of m [ms]. */
    public static double tauM(double v) {
        requireFiniteV("tauM", v);
        return 1.0 / (am(v) + bm(v));
    }

    /** Time constant of h [ms]. */
    public static double tauH(double v) {
        requireFiniteV("tauH", v);
        return 1.0 / (ah(v) + bh(v));
    }

    private static double requireFiniteV(String function, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(
                    "HodgkinHuxley." + function + ": membrane potential V must be a finite number of mV, was " + v);
        }
        return v;
    }

    /**
     * alpha / (alpha + beta), 1 where alpha overflows to infinity (alpha_h below about -14,000 mV gave
     * infinity / infinity = NaN, the limit being 1).
     */
    private static double steady(double alpha, double beta) {
        return Double.isInfinite(alpha) ? 1.0 : alpha / (alpha + beta);
    }

    private static double an(double v) {
        return 0.01 * linoid(v + 55, 10);
    }

    private static double bn(double v) {
        return 0.125 * Math.exp(-(v + 65) / 80);
    }

    private static double am(double v) {
        return 0.1 * linoid(v + 40, 10);
    }

    private static double bm(double v) {
        return 4.0 * Math.exp(-(v + 65) / 18);
    }

    private static double ah(double v) {
        return 0.07 * Math.exp(-(v + 65) / 20);
    }

    private static double bh(double v) {
        return 1.0 / (1 + Math.exp(-(v + 35) / 10));
    }

    // ---- dynamics ---------------------------------------------------------------------------------------

    /** Membrane current balance C dV/dt for the given state and input [uA/cm^2]. */
    private double dv(double v, double n, double m, double h, double jIn) {
        double iNa = p.gNa() * m * m * m * h * (v - p.vNa());
        double iK = p.gK() * n * n * n * n * (v - p.vK());
        double iL = p.gL() * (v - p.vL());
        return (jIn - iL - iNa - iK) / p.capacitance();
    }

    private void derivative(double[] y, double jIn, double[] out) {
        double v = y[0];
        double alphaN = an(v);
        double betaN = bn(v);
        double alphaM = am(v);
        double betaM = bm(v);
        double alphaH = ah(v);
        double betaH = bh(v);
        out[0] = dv(v, y[1], y[2], y[3], jIn);
        // (x_inf - x)/tau_x written as alpha (1 - x) - beta x: the same, without dividing.
        out[1] = alphaN * (1 - y[1]) - betaN * y[1];
        out[2] = alphaM * (1 - y[2]) - betaM * y[2];
        out[3] = alphaH * (1 - y[3]) - betaH * y[3];
    }

    /**
     * Integrates from {@code initial} for {@code durationMs} with RK4 steps of {@code dtMs}, the input
     * current density {@code current.applyAsDouble(t)} [uA/cm^2] at time t [ms].
     */
    public Trace simulate(State initial, DoubleUnaryOperator current, double durationMs, double dtMs) {
        if (initial == null || current == null) {
            throw new IllegalArgumentException("HodgkinHuxley: initial state and current must not be null");
        }
        if (!(dtMs > 0) || !(dtMs <= 0.05)) {
            throw new IllegalArgumentException(
                    "HodgkinHuxley: dt must be in (0, 0.05] ms for an accurate spike, was " + dtMs);
        }
        if (!(durationMs > 0)) {
            throw new IllegalArgumentException("HodgkinHuxley: duration must be > 0 ms, was " + durationMs);
        }
        double ratio = durationMs / dtMs;
        if (!(ratio < MAX_SAMPLES - 1)) {
            throw new IllegalArgumentException("HodgkinHuxley: durationMs / dtMs = " + ratio
                    + " steps, expected at most " + (MAX_SAMPLES - 1) + " (one array element per step; durationMs "
                    + durationMs + ", dtMs " + dtMs + "); lower durationMs or raise dtMs");
        }
        int steps = (int) Math.round(ratio);
        // t, v, n, m, h and the current.
        org.myelin.MemoryLimit.check(
                "HodgkinHuxley: the trace of durationMs / dtMs = " + steps + " steps",
                steps + 1L,
                6 * Double.BYTES,
                "samples");
        double[] t = new double[steps + 1];
        double[] vv = new double[steps + 1];
        double[] nn = new double[steps + 1];
        double[] mm = new double[steps + 1];
        double[] hh = new double[steps + 1];
        double[] jj = new double[steps + 1];
        double[] y = {initial.v(), initial.n(), initial.m(), initial.h()};
        double[] k1 = new double[4];
        double[] k2 = new double[4];
        double[] k3 = new double[4];
        double[] k4 = new double[4];
        double[] tmp = new double[4];
        for (int i = 0; ; i++) {
            double ti = i * dtMs;
            double j0 = SimulationLimits.finiteInput(INPUT_CURRENT, current, ti, "ms");
            t[i] = ti;
            vv[i] = y[0];
            nn[i] = y[1];
            mm[i] = y[2];
            hh[i] = y[3];
            jj[i] = j0;
            if (i == steps) {
                break;
            }
            double jMid = SimulationLimits.finiteInput(INPUT_CURRENT, current, ti + dtMs / 2, "ms");
            double j1 = SimulationLimits.finiteInput(INPUT_CURRENT, current, ti + dtMs, "ms");
            derivative(y, j0, k1);
            for (int q = 0; q < 4; q++) {
                tmp[q] = y[q] + dtMs / 2 * k1[q];
            }
            derivative(tmp, jMid, k2);
            for (int q = 0; q < 4; q++) {
                tmp[q] = y[q] + dtMs / 2 * k2[q];
            }
            derivative(tmp, jMid, k3);
            for (int q = 0; q < 4; q++) {
                tmp[q] = y[q] + dtMs * k3[q];
            }
            derivative(tmp, j1, k4);
            for (int q = 0; q < 4; q++) {
                y[q] += dtMs / 6 * (k1[q] + 2 * k2[q] + 2 * k3[q] + k4[q]);
            }
            if (!Double.isFinite(y[0])) {
                throw new IllegalStateException("HodgkinHuxley: membrane potential diverged at t=" + ti
                        + " ms; reduce dt (was " + dtMs + " ms) or the input current");
            }
        }
        return new Trace(t, vv, nn, mm, hh, jj);
    }

    /** {@link #simulate(State, DoubleUnaryOperator, double, double)} from rest at -65 mV with the default step. */
    public Trace simulate(DoubleUnaryOperator current, double durationMs) {
        return simulate(State.atRest(-65.0), current, durationMs, DEFAULT_DT_MS);
    }

    /**
     * Steady firing rate [Hz] of a trace: the inverse of the mean interspike interval of the spikes after
     * {@code settleMs} (the first, transient ones excluded); 0 when fewer than two spikes remain.
     */
    public static double firingRateHz(Trace trace, double settleMs) {
        if (trace == null) {
            throw new IllegalArgumentException("HodgkinHuxley: trace must not be null");
        }
        // A NaN settleMs excluded no spike (spike < NaN is false), an infinite one every spike; a negative one is a
        // sign slip that excluded nothing.
        if (!(settleMs >= 0) || !Double.isFinite(settleMs)) {
            throw new IllegalArgumentException(
                    "HodgkinHuxley: settleMs must be finite and >= 0 ms, was " + settleMs + " ms");
        }
        double[] spikes = trace.spikeTimes();
        int first = 0;
        while (first < spikes.length && spikes[first] < settleMs) {
            first++;
        }
        int count = spikes.length - first;
        if (count < 2) {
            return 0.0;
        }
        return 1000.0 * (count - 1) / (spikes[spikes.length - 1] - spikes[first]);
    }
}
