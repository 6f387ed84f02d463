package org.myelin.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.myelin.ConfigurationException;
import org.myelin.MemoryLimit;
import org.myelin.config.Min;
import org.myelin.config.Registry;
import org.myelin.config.Require;
import org.myelin.config.SharedKeys;
import org.myelin.data.Csv;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.data.Split;
import org.myelin.data.Standardizer;
import org.myelin.data.Synthetic;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The data sources of a job's {@code data} section, by the name in its {@code source} key: one {@link Registry}
 * entry each with the record of its own keys ({@link MnistKeys}, {@link CsvKeys}, {@link SyntheticKeys}) and its loader; the
 * keys every source takes are in {@link Common}. Each key and its default is written once, in its record.
 */
public final class DataSources {
    private DataSources() {}

    /**
     * Keys of every source: {@code limit} (the first N training samples, 0 for all), {@code validation_fraction}
     * held out of the training set, {@code standardize} (fitted on the training set), {@code images} (MNIST as
     * {@code [N, 1, 28, 28]}; default: whether the model's first layer is convolutional or pooling), {@code shift}
     * (augmentation: each training batch's images move by a random translation of up to this many pixels, 0 for
     * none; images only, see {@link org.myelin.train.Trainer#augmentWith}).
     */
    public record Common(
            @Min(0) Integer limit,
            Double validationFraction,
            Boolean standardize,
            Boolean images,
            @Min(0) Integer shift) {
        public Common {
            shift = shift == null ? 0 : shift;
            limit = limit == null ? 0 : limit;
            validationFraction = fraction("validation_fraction", validationFraction == null ? 0.0 : validationFraction);
            standardize = standardize != null && standardize;
        }
    }

    /** MNIST read from {@code dir}, or fetched into {@code cache} (default: the user's cache directory). */
    public record MnistKeys(String dir, String cache) {
        public MnistKeys {
            // Path.of("") is the working directory: a blank cache downloaded ~55 MB there, a blank dir read from it.
            if (dir != null && dir.isBlank()) {
                throw new ConfigurationException("dir", "must not be blank; leave it out to download MNIST");
            }
            if (cache != null && cache.isBlank()) {
                throw new ConfigurationException("cache", "must not be blank; leave it out for the default cache");
            }
        }
    }

    /**
     * CSV files: {@code train} (required), {@code test}, the {@code label_column} (default: the last), {@code classes}
     * (0, the default, for regression).
     */
    public record CsvKeys(
            String train,
            String test,
            String labelColumn,
            @Min(0) Integer classes) {
        public CsvKeys {
            if (train == null) {
                throw new ConfigurationException("train", "is required")
                        .onCommandLine("needs the training file: --data csv:FILE");
            }
            if (labelColumn != null && labelColumn.isBlank()) { // the CSV reader's refusal named neither key nor file
                throw new ConfigurationException("label_column", "must not be blank; leave it out for the last column");
            }
            classes = classes == null ? 0 : classes;
            if (classes == 1) {
                throw new ConfigurationException(
                        "classes", "must be 0 (a real-valued target) or a number of classes >= 2, was 1");
            }
        }
    }

    /**
     * A generated set, {@code name} (required) one of {@link #SETS}: {@code samples} (default 400), {@code noise}
     * (default 0.1) and {@code test_fraction} (default 0) where the set uses them.
     */
    public record SyntheticKeys(String name, @Min(1) Integer samples, Double noise, Double testFraction) {
        public SyntheticKeys {
            if (name == null) {
                throw new ConfigurationException("name", "is required")
                        .onCommandLine("needs the set's name: --data synthetic:NAME, NAME one of "
                                + String.join(", ", SETS.names()));
            }
            SETS.get("name", name);
            samples = samples == null ? 400 : samples;
            noise = Require.nonNegative("noise", noise == null ? 0.1 : noise);
            if (noise > MAX_NOISE) {
                // 1e308 overflowed the generated values to Infinity, reported later without naming this key.
                throw new ConfigurationException(
                        "noise", "must be a standard deviation in 0.." + MAX_NOISE + ", was " + noise);
            }
            testFraction = fraction("test_fraction", testFraction == null ? 0.0 : testFraction);
        }
    }

    /** The largest {@code noise} of a synthetic set: far beyond any set's own scale, far below float32 overflow. */
    public static final double MAX_NOISE = 1e6;

    /** Values per generated sample counted against the memory limit: two features and two one-hot targets. */
    private static final int SYNTHETIC_VALUES_PER_SAMPLE = 4;

    /** A fraction of a data set, in [0, 1). */
    static double fraction(String key, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new ConfigurationException(key, "must be in [0, 1), was " + v);
        }
        return v;
    }

    /** Training and test sets (test may be null). */
    public record Loaded(Dataset train, Dataset test) {}

    /** Loads a source from its keys. */
    @FunctionalInterface
    public interface Loader<S> {
        Loaded load(S keys, DataType type, long seed, boolean images) throws IOException;
    }

    /**
     * How one source is read.
     *
     * @param <S> the record of its own keys
     */
    public record Kind<S extends Record>(Class<S> keys, Loader<S> loader, boolean holdsImages) {}

    /** A generated set from the sample count, the noise and the seed. */
    @FunctionalInterface
    public interface SyntheticSet {
        Dataset make(int samples, double noise, long seed, DataType type);
    }

    /** The generated sets of the {@code synthetic} source. */
    public static final Registry<SyntheticSet> SETS = new Registry<SyntheticSet>("synthetic set")
            .register("xor", "the 4 XOR points", (n, noise, seed, type) -> Synthetic.xor(type))
            .register("or", "the 4 OR points", (n, noise, seed, type) -> Synthetic.or(type))
            .register("and", "the 4 AND points", (n, noise, seed, type) -> Synthetic.and(type))
            .register("not", "the 2 NOT points", (n, noise, seed, type) -> Synthetic.not(type))
            .register("spirals", "two interleaved spirals", Synthetic::twoSpirals)
            .register("moons", "two half moons", Synthetic::twoMoons)
            .register(
                    "line",
                    "a noisy line on [-1, 1] (regression)",
                    (n, noise, seed, type) -> Synthetic.noisyLine(n, -1, 1, noise, seed, type));

    /** Every data source. */
    public static final Registry<Kind<?>> REGISTRY = new Registry<Kind<?>>("data source")
            .register(
                    "mnist",
                    "MNIST digits from dir, or fetched into cache",
                    new Kind<>(MnistKeys.class, DataSources::mnist, true))
            .register(
                    "csv",
                    "CSV files: train, test, label_column, classes",
                    new Kind<>(CsvKeys.class, DataSources::csv, false))
            .register(
                    "synthetic",
                    "generated sets: " + String.join(", ", SETS.names()),
                    new Kind<>(SyntheticKeys.class, DataSources::synthetic, false));

    /** Whether the source {@code name} takes the key {@code key} of the data section (its own or a common key). */
    public static boolean takes(String name, String key) {
        Kind<?> kind = REGISTRY.get("data.source", name);
        return SharedKeys.keys(Common.class).contains(key)
                || SharedKeys.keys(kind.keys()).contains(key);
    }

    /** The bound {@code data} section: the source's name, the shared keys and the source's own. */
    public record Section(String source, Common common, Record keys) {
        /** Binds the section at {@code path} ({@code source} defaults to {@code mnist}). */
        public static Section bind(String path, Map<String, ?> raw) {
            Object source = raw == null ? null : raw.get("source");
            if (source != null && !(source instanceof String)) {
                throw new ConfigurationException(path + ".source", "must be a string, was " + source);
            }
            String name = source == null ? "mnist" : (String) source;
            Kind<?> kind = REGISTRY.get(path + ".source", name);
            SharedKeys.Bound<Common, ? extends Record> b =
                    SharedKeys.bind(path, raw, "source", Common.class, kind.keys());
            if (Boolean.TRUE.equals(b.common().images()) && !kind.holdsImages()) {
                throw new ConfigurationException(
                        path + ".images", "only the mnist source holds images; \"" + name + "\" data are rows [N, d]");
            }
            return new Section(name, b.common(), b.kind());
        }

        /**
         * Loads the data: the source's sets, the first {@code limit} training samples, a validation split, then
         * standardisation fitted on the training set.
         *
         * @param modelTakesImages whether MNIST should be images when {@code images} is not set
         */
        public Data load(DataType type, long seed, boolean modelTakesImages) throws IOException {
            Kind<?> kind = REGISTRY.get("data.source", source);
            boolean images = common.images() == null ? modelTakesImages : common.images();
            if (images && !kind.holdsImages()) {
                if (common.images() == null) {
                    // Nobody asked for images: the model did, by its first layer.
                    throw new ConfigurationException(
                                    "model",
                                    "a convolutional model takes images [N, C, H, W], and only the mnist source holds"
                                            + " them; \"" + source
                                            + "\" data are rows [N, d] (use an MLP or MNIST data)")
                            .onCommandLine("a convolutional model takes images [N, C, H, W], which only --data mnist"
                                    + " holds; " + source + " data are rows [N, d] (use --model mlp, or MNIST data)");
                }
                throw new ConfigurationException(
                        "data.images", "only the mnist source holds images; \"" + source + "\" data are rows [N, d]");
            }
            Loaded l = load(kind, type, seed, images);
            Dataset train = l.train();
            Dataset test = l.test();
            if (common.limit() > 0 && common.limit() < train.size()) {
                train = train.subset(IntStream.range(0, common.limit()).toArray());
            }
            Dataset validation = null;
            if (common.validationFraction() > 0) {
                Split s = Split.of(train, 1 - common.validationFraction(), common.validationFraction(), 0, seed);
                if (s.train().size() == 0 || s.validation().size() == 0) {
                    // An empty part failed later inside ND4J ("Cannot perform operation rsub on empty array").
                    throw new ConfigurationException(
                            "data.validation_fraction",
                            common.validationFraction() + " of " + train.size() + " samples leaves no "
                                    + (s.train().size() == 0 ? "training" : "validation")
                                    + " samples; choose another fraction or use more samples");
                }
                train = s.train();
                validation = s.validation();
            }
            if (common.standardize()) {
                Standardizer st = Standardizer.fit(train);
                train = st.transform(train);
                validation = validation == null ? null : st.transform(validation);
                test = test == null ? null : st.transform(test);
            }
            return new Data(train, validation, test);
        }

        private <S extends Record> Loaded load(Kind<S> kind, DataType type, long seed, boolean images)
                throws IOException {
            return kind.loader().load(kind.keys().cast(keys), type, seed, images);
        }
    }

    /** The sets a job trains, validates (may be {@code null}) and tests (may be {@code null}) on. */
    public record Data(Dataset train, Dataset validation, Dataset test) {}

    private static Loaded mnist(MnistKeys keys, DataType type, long seed, boolean images) throws IOException {
        String problem = keys.dir() == null ? null : Mnist.directoryProblem(Path.of(keys.dir()));
        if (problem != null) {
            // Said of the key (or the option) that named it, before anything is read.
            throw new ConfigurationException("data.dir", problem + ", or no \"dir\" to download MNIST into the cache")
                    .onCommandLine(problem + ", or --data mnist to download MNIST into the cache");
        }
        Mnist m = keys.dir() != null
                ? Mnist.load(Path.of(keys.dir()), type)
                : Mnist.load(Mnist.fetch(keys.cache() != null ? Path.of(keys.cache()) : Mnist.defaultCacheDir()), type);
        if (images) {
            m = m.asImages(); // [N, 1, 28, 28] for a convolutional model (standardised per channel)
        }
        return new Loaded(m.train(), m.test());
    }

    private static Loaded csv(CsvKeys keys, DataType type, long seed, boolean images) throws IOException {
        Csv reader = Csv.reader().dataType(type);
        if (keys.labelColumn() != null) {
            reader = reader.labelColumn(keys.labelColumn());
        }
        reader = keys.classes() > 0 ? reader.classification(keys.classes()) : reader.regression();
        Dataset train = reader.read(Path.of(keys.train()));
        Dataset test = keys.test() != null ? reader.read(Path.of(keys.test())) : null;
        if (test != null && (test.numFeatures() != train.numFeatures() || test.numTargets() != train.numTargets())) {
            // Found now, not after every epoch has trained.
            throw new ConfigurationException(
                    "data.test",
                    keys.test() + " has " + test.numFeatures()
                            + " feature columns and " + test.numTargets() + " target column(s), the training data "
                            + keys.train() + " has " + train.numFeatures() + " and " + train.numTargets()
                            + "; the model"
                            + " trained on it could not be evaluated");
        }
        return new Loaded(train, test);
    }

    private static Loaded synthetic(SyntheticKeys keys, DataType type, long seed, boolean images) {
        try {
            MemoryLimit.check(
                    keys.samples() + " samples of " + keys.name(),
                    (long) keys.samples() * SYNTHETIC_VALUES_PER_SAMPLE,
                    type == DataType.DOUBLE ? 8 : 4,
                    "values");
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("data.samples", e.getMessage());
        }
        if (keys.testFraction() > 0 && Math.floor(keys.samples() * (1 - keys.testFraction())) < 1) {
            throw new ConfigurationException(
                    "data.test_fraction",
                    keys.testFraction() + " of " + keys.samples() + " samples leaves no training samples;"
                            + " lower it or raise data.samples");
        }
        Dataset all;
        try {
            all = SETS.get("data.name", keys.name()).make(keys.samples(), keys.noise(), seed, type);
        } catch (IllegalArgumentException e) { // the generators' own check of the count (two-class sets: an even one)
            throw new ConfigurationException("data.samples", e.getMessage());
        }
        if (keys.testFraction() > 0) {
            Split s = Split.of(all, 1 - keys.testFraction(), 0, keys.testFraction(), seed);
            if (s.train().size() == 0) {
                throw new ConfigurationException(
                        "data.test_fraction",
                        keys.testFraction() + " of " + keys.samples() + " samples leaves no training samples;"
                                + " lower it or raise data.samples");
            }
            return new Loaded(s.train(), s.test());
        }
        return new Loaded(all, null);
    }
}
