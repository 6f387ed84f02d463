package org.myelin.optim;

import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.InvalidSettingException;
import org.myelin.config.Registry;
import org.myelin.config.SharedKeys;

/**
 * The learning-rate schedules by name, built from config sections ({@code {"type": "step", "step_size": 10}}): one
 * {@link Registry} entry each, with the record of its own keys ({@link Step}, {@link Cosine} ...); the keys every
 * schedule takes are in {@link Common}. Defaults are written once, in the records; ranges are checked by the
 * schedule classes, and errors name the key ({@code schedule.gamma: StepDecay: gamma must be in (0, 1], was 1.5}).
 */
public final class Schedules {
    private Schedules() {}

    /**
     * Keys of every schedule: {@code learning_rate}, the rate at step 0 (default: the optimiser's rate, passed in
     * as the base rate), and {@code warmup_steps}: if present, the schedule is wrapped in a {@link LinearWarmup} of
     * that many steps.
     */
    public record Common(Double learningRate, Long warmupSteps) {}

    /** {@link ConstantRate}: no keys of its own. */
    public record Constant() {}

    /** {@link StepDecay}: {@code step_size} (required), {@code gamma} (default 0.1). */
    public record Step(Long stepSize, Double gamma) {
        public Step {
            if (stepSize == null) {
                throw new ConfigurationException("step_size", "is required");
            }
            gamma = gamma == null ? 0.1 : gamma;
        }
    }

    /** {@link ExponentialDecay}: {@code gamma} (required). */
    public record Exponential(Double gamma) {
        public Exponential {
            if (gamma == null) {
                throw new ConfigurationException("gamma", "is required");
            }
        }
    }

    /**
     * {@link CosineAnnealing}: {@code minimum} (default 0), {@code period} in steps (default: a training job's total
     * steps; required outside a job).
     */
    public record Cosine(Double minimum, Long period) {
        public Cosine {
            minimum = minimum == null ? 0.0 : minimum;
        }

        long period(long totalSteps) {
            if (period == null && totalSteps <= 0) {
                throw new InvalidSettingException("period", "is required");
            }
            return period == null ? totalSteps : period;
        }
    }

    /** {@link InverseTimeDecay}: {@code decay} (default 1). */
    public record InverseTime(Double decay) {
        public InverseTime {
            decay = decay == null ? 1.0 : decay;
        }
    }

    /** Builds one schedule from its own keys, the rate at step 0 and the run's length. */
    @FunctionalInterface
    public interface Factory<S> {
        /** @param totalSteps the run's total steps, 0 when unknown (outside a training job) */
        LearningRateSchedule create(S keys, double rate, long totalSteps);
    }

    /**
     * How one schedule is built.
     *
     * @param <S> the record of its own keys
     */
    public record Kind<S extends Record>(Class<S> keys, Factory<S> factory) {}

    private static <S extends Record> Kind<S> kind(Class<S> keys, Factory<S> factory) {
        return new Kind<>(keys, factory);
    }

    /** Every schedule. */
    public static final Registry<Kind<?>> REGISTRY = new Registry<Kind<?>>("schedule")
            .register("constant", "the rate stays fixed", kind(Constant.class, (s, lr, n) -> new ConstantRate(lr)))
            .register(
                    "step",
                    "multiplies the rate by gamma every step_size steps",
                    kind(Step.class, (s, lr, n) -> new StepDecay(lr, s.stepSize(), s.gamma())))
            .register(
                    "exponential",
                    "multiplies the rate by gamma every step",
                    kind(Exponential.class, (s, lr, n) -> new ExponentialDecay(lr, s.gamma())))
            .register(
                    "cosine",
                    "cosine annealing to minimum over period steps (in a job: the whole run)",
                    kind(Cosine.class, (s, lr, n) -> new CosineAnnealing(lr, s.minimum(), s.period(n))))
            .register(
                    "inverse_time",
                    "lr / (1 + decay t)",
                    kind(InverseTime.class, (s, lr, n) -> new InverseTimeDecay(lr, s.decay())));

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = REGISTRY.names();

    /** Builds the schedule {@code name}; {@code baseRate} is the rate when the map has no {@code learning_rate}. */
    public static LearningRateSchedule create(String name, Map<String, ?> hyper, double baseRate) {
        return create("schedule", name, hyper, baseRate, 0);
    }

    /**
     * {@link #create(String, Map, double)} for the section at {@code path} of a job of {@code totalSteps} steps
     * (0 when unknown), errors naming the key under {@code path}.
     */
    public static LearningRateSchedule create(
            String path, String name, Map<String, ?> hyper, double baseRate, long totalSteps) {
        Kind<?> kind = REGISTRY.get(path + ".type", name);
        return build(path, kind, hyper, baseRate, totalSteps);
    }

    private static <S extends Record> LearningRateSchedule build(
            String path, Kind<S> kind, Map<String, ?> hyper, double baseRate, long totalSteps) {
        SharedKeys.Bound<Common, S> b = SharedKeys.bind(path, hyper, "type", Common.class, kind.keys());
        try {
            double rate =
                    b.common().learningRate() == null ? baseRate : b.common().learningRate();
            LearningRateSchedule s = kind.factory().create(b.kind(), rate, totalSteps);
            return b.common().warmupSteps() == null
                    ? s
                    : new LinearWarmup(b.common().warmupSteps(), s);
        } catch (InvalidSettingException e) {
            // Checked by the schedule classes, keyed by the config key at fault.
            throw new ConfigurationException(path + "." + e.key(), e.getMessage());
        }
    }
}
