package org.myelin.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-epoch records of a training run, in order. */
public final class History {
    private final List<EpochRecord> epochs = new ArrayList<>();

    public void add(EpochRecord r) {
        if (r == null) { // toMaps and writeCsv failed on it later with a NullPointerException
            throw new IllegalArgumentException("History.add: the epoch record must not be null");
        }
        epochs.add(r);
    }

    public List<EpochRecord> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public boolean isEmpty() {
        return epochs.isEmpty();
    }

    public EpochRecord last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("History.last(): no epoch has completed");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** Keeps only the first {@code n} epochs (used when resuming from a checkpoint). */
    public void truncate(int n) {
        if (n < 0) { // an IndexOutOfBoundsException from the empty list
            throw new IllegalArgumentException("History.truncate: the epochs to keep must be >= 0, was " + n);
        }
        while (epochs.size() > n) {
            epochs.remove(epochs.size() - 1);
        }
    }

    /** The records as JSON-compatible maps (for checkpoints). */
    public List<Map<String, Object>> toMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (EpochRecord r : epochs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", r.epoch());
            m.put("step", r.step());
            m.put("trainLoss", json(r.trainLoss()));
            m.put("trainAccuracy", json(r.trainAccuracy()));
            m.put("validationLoss", json(r.validationLoss()));
            m.put("validationAccuracy", json(r.validationAccuracy()));
            m.put("learningRate", r.learningRate());
            m.put("seconds", r.seconds());
            m.put("samplesPerSecond", r.samplesPerSecond());
            m.put("gradientNorms", new LinkedHashMap<>(r.gradientNorms()));
            out.add(m);
        }
        return out;
    }

    /** Rebuilds a history written by {@link #toMaps()}. */
    public static History fromMaps(List<?> maps) {
        if (maps == null) {
            throw new IllegalArgumentException("history: expected a list of epochs, was null");
        }
        History h = new History();
        long lastEpoch = -1;
        for (Object o : maps) {
            if (!(o instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("history: each epoch must be an object, was " + o);
            }
            Map<String, Double> norms = new LinkedHashMap<>();
            if (m.get("gradientNorms") instanceof Map<?, ?> g) {
                g.forEach((k, v) -> norms.put(String.valueOf(k), num(v)));
            }
            // A cast would saturate or wrap a huge or fractional number into a plausible-looking epoch or step.
            long epoch = whole(m.get("epoch"), "epoch", Integer.MAX_VALUE - 1L);
            if (epoch <= lastEpoch) {
                throw new IllegalArgumentException(
                        "history: epochs must increase, epoch " + epoch + " came after epoch " + lastEpoch);
            }
            lastEpoch = epoch;
            h.add(new EpochRecord(
                    (int) epoch,
                    whole(m.get("step"), "step", TrainerState.MAX_STEP),
                    num(m.get("trainLoss")),
                    num(m.get("trainAccuracy")),
                    num(m.get("validationLoss")),
                    num(m.get("validationAccuracy")),
                    num(m.get("learningRate")),
                    num(m.get("seconds")),
                    num(m.get("samplesPerSecond")),
                    norms));
        }
        return h;
    }

    private static Object json(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** {@code o} as a whole number in 0..max, or a one-line error naming {@code key}. */
    private static long whole(Object o, String key, long max) {
        long exact = o instanceof Number n ? org.myelin.io.Json.exactLong(n).orElse(-1) : -1;
        if (exact < 0 || exact > max) {
            throw new IllegalArgumentException(
                    "history: '" + key + "' must be a whole number in 0.." + max + ", was " + o);
        }
        return exact;
    }

    private static double num(Object o) {
        if (o == null) {
            return Double.NaN;
        }
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("history: expected a number, was " + o);
        }
        return n.doubleValue();
    }

    /**
     * Writes one CSV row per epoch: the scalar metrics, then one {@code grad_norm:NAME} column per parameter.
     * Empty cells stand for "not measured" (NaN).
     */
    public void writeCsv(Path file) throws IOException {
        org.myelin.io.AtomicFiles.writeText(file, this::writeCsv);
    }

    public void writeCsv(Writer w) throws IOException {
        List<String> names = epochs.isEmpty()
                ? List.of()
                : new ArrayList<>(epochs.get(0).gradientNorms().keySet());
        StringBuilder header = new StringBuilder("epoch,step,train_loss,train_accuracy,validation_loss,"
                + "validation_accuracy,learning_rate,seconds,samples_per_second");
        for (String n : names) {
            header.append(",grad_norm:").append(n);
        }
        w.write(header.append('\n').toString());
        for (EpochRecord r : epochs) {
            StringBuilder row = new StringBuilder();
            row.append(r.epoch()).append(',').append(r.step());
            for (double v : new double[] {
                r.trainLoss(),
                r.trainAccuracy(),
                r.validationLoss(),
                r.validationAccuracy(),
                r.learningRate(),
                r.seconds(),
                r.samplesPerSecond()
            }) {
                row.append(',').append(cell(v));
            }
            for (String n : names) {
                Double v = r.gradientNorms().get(n);
                row.append(',').append(v == null ? "" : cell(v));
            }
            w.write(row.append('\n').toString());
        }
    }

    private static String cell(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
