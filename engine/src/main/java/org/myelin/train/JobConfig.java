package org.myelin.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.myelin.ConfigurationException;
import org.myelin.config.ConfigBinder;
import org.myelin.config.Min;
import org.myelin.io.Json;
import org.myelin.optim.ClipByGlobalNorm;
import org.myelin.optim.ClipByValue;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.L1Penalty;
import org.myelin.optim.L2Penalty;
import org.myelin.optim.MaxNormConstraint;
import org.myelin.optim.Optimizers;
import org.myelin.optim.Schedules;

/**
 * A training job, bound from a JSON config into typed records (all keys optional; the defaults train the MNIST
 * MLP). Keys are snake_case; each key and its default is written once, in the record that holds it:
 *
 * <ul>
 *   <li>{@code data}: the keys every source takes in {@link DataSources.Common}, a source's own keys in its record
 *       ({@link DataSources.MnistKeys}, {@link DataSources.CsvKeys}, {@link DataSources.SyntheticKeys}), chosen by
 *       {@code source} (default {@code mnist}; {@link DataSources#REGISTRY});</li>
 *   <li>{@code model}: {@link ModelSpec} (kept as written here, bound by the job);</li>
 *   <li>{@code loss}: a name of {@link LossFunction#REGISTRY} (default {@code softmax_cross_entropy});</li>
 *   <li>{@code optimizer}: {@code type} (default {@code adam}) of {@link Optimizers#REGISTRY}, and the keys of that
 *       optimiser's hyper-parameter record ({@code org.myelin.optim.Adam.Hyper} ...);</li>
 *   <li>{@code schedule}: {@code type} of {@link Schedules#REGISTRY} (default: {@code cosine} from the optimiser's
 *       rate to 0 over the whole run; a cosine period defaults to the run's total steps), the keys of
 *       {@link Schedules.Common} and of the schedule's record ({@link Schedules.Step} ...);</li>
 *   <li>{@code regularization}: {@link Regularization};</li>
 *   <li>{@code training}: {@link Training};</li>
 *   <li>{@code output}: the output directory (default {@code runs/mnist}).</li>
 * </ul>
 *
 * An unknown key, a value of the wrong type or out of range is an error naming its path and, for a typo, the
 * closest key ({@code optimizer.learning_rat: unknown key; did you mean learning_rate?},
 * {@code optimizer.learning_rate: Adam: learning rate must be > 0 and finite, was -0.1}). docs/configuration.md
 * lists every key with its default, checked against these records by {@code ConfigDocsTest}.
 *
 * @param raw the config as given, saved with the model
 */
public record JobConfig(
        DataSources.Section data,
        Map<String, Object> model,
        LossFunction loss,
        OptimizerSection optimizer,
        ScheduleSection schedule,
        Regularization regularization,
        Training training,
        String output,
        Map<String, Object> raw) {

    /** The largest config file read, in bytes: a config is a few hundred bytes, so 1 MB leaves ample room. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /** Hidden sizes of the default model. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(512, 256);

    /** The top-level keys, each a section (or a value) of the job. */
    record Sections(
            Map<String, Object> data,
            Map<String, Object> model,
            String loss,
            Map<String, Object> optimizer,
            Map<String, Object> schedule,
            Map<String, Object> regularization,
            Map<String, Object> training,
            String output) {
        Sections {
            loss = loss == null ? "softmax_cross_entropy" : loss;
            output = output == null ? "runs/mnist" : output;
        }
    }

    /** The optimiser of a job: its registered name and its bound hyper-parameter record. */
    public record OptimizerSection(String type, Record hyper) {
        /** The optimiser over {@code parameters}. */
        public org.myelin.optim.Optimizer build(Map<String, org.myelin.autodiff.Tensor> parameters) {
            return Optimizers.REGISTRY.get("optimizer.type", type).build(parameters, hyper);
        }
    }

    /**
     * The learning-rate schedule of a job, checked when the config is read and built once the run's length is
     * known.
     *
     * @param given the section as written (with its {@code type}), for the run's identity
     */
    public record ScheduleSection(String type, Map<String, Object> given) {
        /** The schedule for a run of {@code totalSteps} whose optimiser starts at {@code baseRate}. */
        public org.myelin.optim.LearningRateSchedule build(double baseRate, long totalSteps) {
            return Schedules.create("schedule", type, given, baseRate, totalSteps);
        }
    }

    /**
     * The {@code regularization} section: L2 and L1 penalties, clipping by value and by global norm (gradient
     * transforms, applied in that order after backward) and a max-norm constraint (after each step); 0, the
     * default of each, switches one off.
     */
    public record Regularization(Double l2, Double l1, Double clipValue, Double clipNorm, Double maxNorm) {
        public Regularization {
            l2 = org.myelin.config.Require.nonNegative("l2", l2 == null ? 0.0 : l2);
            l1 = org.myelin.config.Require.nonNegative("l1", l1 == null ? 0.0 : l1);
            clipValue = org.myelin.config.Require.nonNegative("clip_value", clipValue == null ? 0.0 : clipValue);
            clipNorm = org.myelin.config.Require.nonNegative("clip_norm", clipNorm == null ? 0.0 : clipNorm);
            maxNorm = org.myelin.config.Require.nonNegative("max_norm", maxNorm == null ? 0.0 : maxNorm);
        }

        /** The gradient transforms, in the order they apply. */
        public List<GradientTransform> transforms() {
            List<GradientTransform> t = new java.util.ArrayList<>();
            if (l2 > 0) {
                t.add(new L2Penalty(l2));
            }
            if (l1 > 0) {
                t.add(new L1Penalty(l1));
            }
            if (clipValue > 0) {
                t.add(new ClipByValue(clipValue));
            }
            if (clipNorm > 0) {
                t.add(new ClipByGlobalNorm(clipNorm));
            }
            return t;
        }

        /** The constraints applied after each optimiser step. */
        public List<MaxNormConstraint> constraints() {
            return maxNorm > 0 ? List.of(new MaxNormConstraint(maxNorm)) : List.of();
        }
    }

    /**
     * The {@code training} section. {@code on_divergence} is {@code stop}, {@code skip} or {@code rollback} (see
     * {@link DivergencePolicy}); {@code divergence_retries} (null: 10 skipped batches in a row or 5 rollbacks) and
     * {@code divergence_rate_factor} (null: the policy's) apply where the policy uses them;
     * {@code accept_changes} lists, comma-separated, the config keys that may differ from the checkpoint's when
     * resuming.
     */
    public record Training(
            @Min(1) Integer epochs,
            @Min(1) Integer batchSize,
            Long seed,
            @Min(0) Integer earlyStoppingPatience,
            @Min(0) Integer checkpointEveryEpochs,
            @Min(0) Integer checkpointEverySteps,
            Boolean resume,
            String onDivergence,
            @Min(1) Integer divergenceRetries,
            Double divergenceRateFactor,
            String acceptChanges) {
        public Training {
            epochs = epochs == null ? 6 : epochs;
            batchSize = batchSize == null ? 128 : batchSize;
            seed = seed == null ? 42L : seed;
            earlyStoppingPatience = earlyStoppingPatience == null ? 0 : earlyStoppingPatience;
            checkpointEveryEpochs = checkpointEveryEpochs == null ? 1 : checkpointEveryEpochs;
            checkpointEverySteps = checkpointEverySteps == null ? 0 : checkpointEverySteps;
            resume = resume == null || resume;
            onDivergence = onDivergence == null ? "stop" : onDivergence;
            if (divergenceRateFactor != null && !(divergenceRateFactor > 0 && divergenceRateFactor <= 1)) {
                throw new ConfigurationException(
                        "divergence_rate_factor", "must be in (0, 1], was " + divergenceRateFactor);
            }
            policy(onDivergence, divergenceRateFactor, divergenceRetries);
            accepted(acceptChanges);
        }

        private static DivergencePolicy policy(String name, Double factor, Integer retries) {
            try {
                return DivergencePolicy.of(name, factor, retries);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("on_divergence", e.getMessage());
            }
        }

        private static Set<String> accepted(String acceptChanges) {
            Set<String> keys = RunIdentity.parseAccepted(acceptChanges);
            for (String k : keys) {
                if (!RunIdentity.acceptable(k)) {
                    String problem = "'" + k + "' cannot change when resuming (the checkpoint's weights and optimiser"
                            + " state belong to it); start over";
                    throw new ConfigurationException("accept_changes", problem + " with \"resume\": false instead")
                            .onCommandLine(problem + " with --no-resume (or another --out directory) instead");
                }
            }
            return keys;
        }

        /** The divergence policy these settings describe. */
        public DivergencePolicy divergencePolicy() {
            return policy(onDivergence, divergenceRateFactor, divergenceRetries);
        }

        /** The keys of {@code accept_changes}. */
        public Set<String> acceptedChanges() {
            return accepted(acceptChanges);
        }
    }

    /**
     * Reads a config file: at most {@link #MAX_FILE_BYTES} bytes of UTF-8 text holding exactly one JSON object
     * with unique keys (see {@link Json}); errors say it is the config file ({@code config file x.json does not
     * exist}).
     */
    public static Map<String, Object> readFile(Path file) throws IOException {
        return Json.readFile(
                "config file",
                file,
                MAX_FILE_BYTES,
                "a JSON object of the job's settings ({\"training\": {...}, ...})");
    }

    /**
     * Binds a raw config (as {@link #readFile} returns it, with {@link #put} overrides) into its sections, checking
     * every key and value before any work is done.
     *
     * @throws ConfigurationException naming the path of the first offending key
     */
    public static JobConfig of(Map<String, Object> raw) {
        Sections s = ConfigBinder.bind("", raw, Sections.class);
        Map<String, Object> optimizer = new LinkedHashMap<>(s.optimizer() == null ? Map.of() : s.optimizer());
        optimizer.putIfAbsent("type", "adam");
        String optimizerType = typeOf("optimizer", optimizer);
        Record hyper = Optimizers.REGISTRY.get("optimizer.type", optimizerType).bind("optimizer", optimizer);
        Map<String, Object> schedule = s.schedule() == null ? Map.of("type", "cosine") : new TreeMap<>(s.schedule());
        String scheduleType = typeOf("schedule", schedule);
        // Built once now so that every key and range is checked before any work; the job builds it again once the
        // run's length is known (a cosine period defaults to it).
        Object rate = Optimizers.config(optimizerType, hyper).get("learning_rate");
        Schedules.create("schedule", scheduleType, schedule, ((Number) rate).doubleValue(), 1);
        ModelSpec.of(s.model()); // checked now; built by the job, which needs the data's shape
        return new JobConfig(
                DataSources.Section.bind("data", s.data()),
                s.model() == null ? Map.of() : s.model(),
                LossFunction.byName("loss", s.loss()),
                new OptimizerSection(optimizerType, hyper),
                new ScheduleSection(scheduleType, schedule),
                ConfigBinder.bind("regularization", s.regularization(), Regularization.class),
                ConfigBinder.bind("training", s.training(), Training.class),
                s.output(),
                raw);
    }

    private static String typeOf(String section, Map<String, Object> values) {
        Object type = values.get("type");
        if (type != null && !(type instanceof String)) {
            throw new ConfigurationException(section + ".type", "must be a string, was " + type);
        }
        return (String) type;
    }

    /**
     * Sets {@code section.key = value} in a raw config (command-line and environment overrides), creating the
     * section if needed.
     */
    @SuppressWarnings("unchecked")
    public static void put(Map<String, Object> raw, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = raw;
        for (int i = 0; i < parts.length - 1; i++) {
            Object o = m.get(parts[i]);
            if (!(o instanceof Map)) {
                o = new LinkedHashMap<String, Object>();
                m.put(parts[i], o);
            }
            m = (Map<String, Object>) o;
        }
        m.put(parts[parts.length - 1], value);
    }
}
