package org.myelin.neuro;

import java.util.List;
import org.myelin.config.Min;
import org.myelin.config.Require;

/**
 * The options of each {@code simulate} scenario as a typed record: one component per snake_case option, each default
 * written once in the compact constructor with its range check. {@link SimulationOptions} binds the command line's
 * {@code key=value} strings to them, refusing a whole number below a component's {@link Min} with its range. Units:
 * ms for {@code hh}, s otherwise.
 */
final class ScenarioOptions {
    private ScenarioOptions() {}

    /** {@code simulate hh}: input current densities [uA/cm^2], duration and RK4 step [ms]. */
    record Hh(List<Double> currents, Double duration, Double dt) {
        Hh {
            currents = currents == null ? List.of(0.0, 5.0, 10.0, 20.0, 40.0) : List.copyOf(currents);
            duration = Require.positive("duration", duration == null ? 100 : duration);
            dt = Require.positive("dt", dt == null ? 0.01 : dt);
            // HodgkinHuxley.simulate's bound for an accurate spike.
            Require.range("dt", dt, 0, 0.05, true);
        }
    }

    /** {@code simulate lif}: constant normalised input, duration, step, membrane and refractory time constants. */
    record Lif(Double vIn, Double duration, Double dt, Double tauM, Double tauRef) {
        Lif {
            vIn = vIn == null ? 1.5 : vIn;
            duration = Require.positive("duration", duration == null ? 0.15 : duration);
            dt = Require.positive("dt", dt == null ? 0.0001 : dt);
            tauM = Require.positive("tau_m", tauM == null ? 0.02 : tauM);
            tauRef = Require.nonNegative("tau_ref", tauRef == null ? 0.002 : tauRef);
        }
    }

    /** {@code simulate tuning}: the tuning curve on [0, v_max] at {@code points} inputs. */
    record Tuning(
            Double vMax,
            @Min(Tuning.MIN_POINTS) Integer points,
            Double duration,
            Double dt,
            Double tauM,
            Double tauRef) {
        static final int MIN_POINTS = 2;

        Tuning {
            vMax = Require.positive("v_max", vMax == null ? 10 : vMax);
            points = (int) Require.atLeast("points", points == null ? 40 : points, MIN_POINTS);
            duration = Require.positive("duration", duration == null ? 1 : duration);
            dt = Require.positive("dt", dt == null ? 0.0002 : dt);
            tauM = Require.positive("tau_m", tauM == null ? 0.02 : tauM);
            tauRef = Require.nonNegative("tau_ref", tauRef == null ? 0.002 : tauRef);
        }
    }

    /** {@code simulate synapse}: post-synaptic current filters of several orders and time constants. */
    record Synapse(List<Double> orders, List<Double> tauS, Double rate, Double duration, Double dt, Long seed) {
        Synapse {
            orders = orders == null ? List.of(0.0, 1.0, 2.0) : List.copyOf(orders);
            tauS = tauS == null ? List.of(0.01, 0.05) : List.copyOf(tauS);
            rate = Require.nonNegative("rate", rate == null ? 20 : rate);
            duration = Require.positive("duration", duration == null ? 0.5 : duration);
            dt = Require.positive("dt", dt == null ? 0.0001 : dt);
            seed = seed == null ? 1 : seed;
        }
    }

    /** {@code simulate network}: Poisson inputs driving a LIF population through filtered synapses. */
    record Network(
            @Min(1) Integer inputs,
            Double inputRate,
            @Min(1) Integer neurons,
            Double meanInput,
            Double tauS,
            Double duration,
            Double dt,
            Long seed) {
        Network {
            inputs = (int) Require.atLeast("inputs", inputs == null ? 1000 : inputs, 1);
            inputRate = Require.positive("input_rate", inputRate == null ? 10 : inputRate);
            neurons = (int) Require.atLeast("neurons", neurons == null ? 200 : neurons, 1);
            meanInput = meanInput == null ? 2 : meanInput;
            tauS = Require.positive("tau_s", tauS == null ? 0.01 : tauS);
            duration = Require.positive("duration", duration == null ? 1 : duration);
            dt = Require.positive("dt", dt == null ? 0.0005 : dt);
            seed = seed == null ? 42 : seed;
        }
    }
}
