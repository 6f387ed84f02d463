package org.myelin.train;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.myelin.data.Dataset;
import org.myelin.io.Text;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What makes a training run the run it is, so that a checkpoint resumes only the run that wrote it: every setting
 * that changes the result (architecture, activation, initialiser, loss, optimiser and its hyper-parameters,
 * schedule, regularisation, epochs, batch size, seed, divergence policy) and the identity of the data (sizes and a
 * checksum of the values). Kept as flat {@code key -> text} pairs ({@code "training.batch_size" -> "128"}) so that
 * a checkpoint's copy compares exactly after its JSON round trip; the keys are the job config's paths.
 *
 * <p>A difference is refused, listing each one, unless the caller accepts its key; the architecture, the loss and
 * the optimiser's type cannot be accepted (the checkpoint's weights and optimiser state would mean something else),
 * and the batch size, the seed and the data cannot change in the middle of an epoch (its batches are grouped and
 * ordered by them: a change would skip some samples of the epoch and repeat others).
 */
public final class RunIdentity {
    private final Map<String, String> values = new LinkedHashMap<>();

    /**
     * The longest text kept as it is: the checkpoint's JSON reader refuses longer strings
     * ({@link org.myelin.io.Json#MAX_STRING_LENGTH}), so a model of ~1,700 layers or more could not be checkpointed
     * after its first epoch. A longer text is kept as its SHA-256, which compares as exactly; no checkpoint could hold
     * one before, so every saved identity still compares.
     */
    static final int MAX_VALUE_LENGTH = org.myelin.io.Json.MAX_STRING_LENGTH;

    /** Sets {@code key} (a config path) to the text of {@code value}. */
    public RunIdentity put(String key, Object value) {
        String text = String.valueOf(value);
        values.put(key, text.length() <= MAX_VALUE_LENGTH ? text : sha256(text));
        return this;
    }

    /** {@code "SHA-256 of N characters: HEX"} of a text too long to keep. */
    private static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "SHA-256 of " + text.length() + " characters: "
                    + java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every Java SE has it
        }
    }

    /** Adds {@code data.NAME.samples}, {@code .features}, {@code .targets} and {@code .crc32c} of a data set. */
    public RunIdentity putData(String name, Dataset d) {
        if (name == null || d == null) {
            throw new IllegalArgumentException(
                    "RunIdentity.putData: " + (name == null ? "name" : "data set") + " must not be null");
        }
        put("data." + name + ".samples", d.size());
        put("data." + name + ".features", d.numFeatures());
        put("data." + name + ".targets", d.numTargets());
        put("data." + name + ".crc32c", digest(d));
        return this;
    }

    /** The pairs, JSON-compatible (saved in checkpoints). */
    public Map<String, String> toMap() {
        return new LinkedHashMap<>(values);
    }

    /**
     * Whether a difference in {@code key} may be accepted at all; the architecture, loss and optimiser type may
     * not.
     */
    public static boolean acceptable(String key) {
        return !(key.startsWith("model.") || key.equals("loss") || key.equals("optimizer.type"));
    }

    /** Whether {@code key} may change only at an epoch's start. */
    static boolean fixedWithinEpoch(String key) {
        return key.equals("training.batch_size") || key.equals("training.seed") || key.startsWith("data.");
    }

    /**
     * Throws unless {@code saved} (a checkpoint's identity) describes this run, or differs only in accepted keys
     * that may change at the checkpoint's position.
     *
     * @param saved     the checkpoint's identity (a JSON object of strings)
     * @param accepted  keys whose difference the user accepts
     * @param midEpoch  a description of the checkpoint's position when it is within an epoch, else null
     * @throws IllegalArgumentException listing every refused difference and how to proceed
     * @throws org.myelin.ConfigurationException of {@code training.accept_changes} when an accepted key is no
     *     setting of this run (a misspelt key); {@code Checkpointing.resume} passes it on unwrapped
     */
    public void requireSameRun(Map<?, ?> saved, Set<String> accepted, String midEpoch) {
        List<String> refused = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        saved.keySet().forEach(k -> keys.add(String.valueOf(k)));
        keys.addAll(values.keySet());
        for (String a : accepted) {
            if (!keys.contains(a)) {
                // A misspelt key ("trainig.epochs") would otherwise accept nothing, silently.
                // A ConfigurationException of the key that lists it, which the command line reports as its option.
                throw new org.myelin.ConfigurationException(
                        "training.accept_changes",
                        "'" + Text.shorten(a, 60) + "' is not a setting of this run"
                                + org.myelin.config.Suggestions.hint(a, new java.util.TreeSet<>(keys)));
            }
        }
        for (String key : keys) {
            Object before = saved.get(key);
            String then = before == null ? "(absent)" : String.valueOf(before);
            String now = values.getOrDefault(key, "(absent)");
            if (then.equals(now)) {
                continue;
            }
            String line = key + " is " + then + " in the checkpoint, " + now + " now";
            if (!accepted.contains(key) || !acceptable(key)) {
                refused.add(line);
            } else if (midEpoch != null && fixedWithinEpoch(key)) {
                fixed.add(line);
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(
                    "it was written by a run with other settings: " + String.join("; ", refused)
                            + ". Resume with the same settings, start over with --no-resume (or another output directory),"
                            + " or accept a change with --accept-change KEY[,KEY...] (not allowed for model.*, loss and"
                            + " optimizer.type)");
        }
        if (!fixed.isEmpty()) {
            throw new IllegalArgumentException("it stopped in the middle of an epoch (" + midEpoch
                    + "), where the batch"
                    + " size, the seed and the data cannot change (the epoch's remaining batches would skip some samples"
                    + " and repeat others): " + String.join("; ", fixed) + ". Resume with the checkpoint's values, or"
                    + " start over with --no-resume");
        }
    }

    /** Parses a comma-separated list of accepted keys ({@code "training.epochs, schedule.type"}). */
    public static Set<String> parseAccepted(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            for (String s : list.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }

    /**
     * A checksum of a data set's values: CRC-32C (hardware-accelerated on current CPUs: MNIST's 200 MB take a
     * fraction of a second, where SHA-256 took seconds) of the features and of the targets, with their element type
     * and shape. It tells data sets apart, as a resume needs; it is no defence against data crafted to collide.
     */
    static String digest(Dataset d) {
        return checksum(d, true) + "-" + checksum(d, false);
    }

    /** CRC-32C of an array's type, shape and row-major values ([N, d] or images [N, C, H, W]), as 8 hex digits. */
    private static String checksum(Dataset d, boolean features) {
        INDArray a = features ? d.features() : d.targets();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update((a.dataType() + java.util.Arrays.toString(a.shape()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long width = a.dataType().width();
        if (!a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.length() * width <= Integer.MAX_VALUE) {
            update(crc, a); // the array's own buffer, no copy
        } else {
            long rows = a.size(0);
            long rowBytes = Math.max(1, a.length() / Math.max(rows, 1) * width);
            long block = Math.max(1, (32L << 20) / rowBytes);
            for (long r = 0; r < rows; r += block) {
                Dataset part = d.rows((int) r, (int) Math.min(rows, r + block));
                update(crc, (features ? part.features() : part.targets()).dup('c'));
            }
        }
        return String.format("%08x", crc.getValue());
    }

    private static void update(java.util.zip.CRC32C crc, INDArray contiguous) {
        ByteBuffer b = contiguous.data().asNio();
        b.position(0);
        b.limit((int) (contiguous.length() * contiguous.dataType().width()));
        crc.update(b);
    }
}
