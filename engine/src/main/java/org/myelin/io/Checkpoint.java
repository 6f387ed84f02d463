package org.myelin.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checkpoints: a model file plus the optimiser's state arrays ({@code optimizer/PARAM/SLOT.npy}, described in
 * {@code optimizer.json} with the optimiser's scalars) and the trainer's state ({@code trainer.json}: epoch,
 * step, seeds, history), written atomically so that a crash at any moment leaves either the old or the new
 * checkpoint, never a mix.
 */
public final class Checkpoint {
    static final String OPTIMIZER_JSON = "optimizer.json";
    static final String TRAINER_JSON = "trainer.json";

    private Checkpoint() {}

    /**
     * A loaded checkpoint.
     *
     * @param model           the model with its saved weights and buffers
     * @param metadata        the model file's metadata
     * @param optimizer       the optimiser's scalars (name, learning rate, steps, hyper-parameters)
     * @param optimizerState  the state arrays by parameter name and slot
     * @param trainer         the trainer's state
     */
    public record Loaded(
            Module model,
            Map<String, Object> metadata,
            Map<String, Object> optimizer,
            Map<String, Map<String, INDArray>> optimizerState,
            Map<String, Object> trainer) {}

    /**
     * Writes a checkpoint atomically.
     *
     * @param optimizer      the optimiser's scalars, JSON-compatible
     * @param optimizerState the optimiser's state arrays by parameter name and slot
     * @param trainer        the trainer's state, JSON-compatible
     */
    public static void save(
            Path file,
            Module model,
            Map<String, Object> metadata,
            Map<String, Object> optimizer,
            Map<String, Map<String, INDArray>> optimizerState,
            Map<String, Object> trainer)
            throws IOException {
        // Each was a NullPointerException, most of them once the temporary file had been opened.
        requireGiven(file, "file");
        requireGiven(model, "model");
        requireGiven(optimizer, "optimizer");
        requireGiven(optimizerState, "optimizer state");
        requireGiven(trainer, "trainer state");
        ModelFile.requireSavable("Checkpoint.save", model);
        optimizerState.forEach((parameter, slots) -> {
            if (slots == null || slots.values().stream().anyMatch(java.util.Objects::isNull)) {
                throw new IllegalArgumentException(
                        "Checkpoint.save: the optimizer state of parameter '" + parameter + "' has a null slot");
            }
            // Optimizer.restoreState refuses non-finite state (an Adam moment overflowed): such a checkpoint could
            // not be resumed, and would have replaced one that can.
            slots.forEach((slot, value) -> ModelFile.requireFiniteToSave(
                    "Checkpoint.save",
                    "the optimizer state of parameter '" + parameter + "' slot '" + slot + "'",
                    value));
        });
        AtomicFiles.write(file, out -> {
            Archive.Writer w = new Archive.Writer(out);
            ModelFile.writeModel(w, model, metadata);
            Map<String, Object> opt = new LinkedHashMap<>(optimizer);
            List<Map<String, Object>> slots = new ArrayList<>();
            for (Map.Entry<String, Map<String, INDArray>> p : optimizerState.entrySet()) {
                for (Map.Entry<String, INDArray> s : p.getValue().entrySet()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("parameter", p.getKey());
                    d.put("slot", s.getKey());
                    d.put("shape", s.getValue().shape());
                    d.put("entry", "optimizer/" + p.getKey() + "/" + s.getKey() + ".npy");
                    slots.add(d);
                }
            }
            opt.put("state", slots);
            w.json(OPTIMIZER_JSON, opt);
            for (Map.Entry<String, Map<String, INDArray>> p : optimizerState.entrySet()) {
                for (Map.Entry<String, INDArray> s : p.getValue().entrySet()) {
                    w.array("optimizer/" + p.getKey() + "/" + s.getKey() + ".npy", s.getValue());
                }
            }
            w.json(TRAINER_JSON, trainer);
            w.finish();
        });
    }

    /** The most optimiser state slots a checkpoint may hold per parameter (the optimisers keep at most 2). */
    public static final int MAX_SLOTS_PER_PARAMETER = 4;

    public static Loaded load(Path file) throws IOException {
        try (Archive a = Archive.open("checkpoint file", file)) {
            ModelFile.Loaded m = ModelFile.readModel(a, file);
            Map<String, INDArray> params = new LinkedHashMap<>();
            m.model().namedParameters().forEach((k, t) -> params.put(k, t.value()));
            Map<String, Object> opt = new LinkedHashMap<>(a.json(OPTIMIZER_JSON));
            String where = file + "!" + OPTIMIZER_JSON;
            Map<String, Map<String, INDArray>> state = new LinkedHashMap<>();
            for (Object o : ModelFile.list(where, opt, "state")) {
                if (!(o instanceof Map<?, ?> d)) {
                    throw new ModelFormatException(where + ": each state entry must be an object, found " + o);
                }
                String param = String.valueOf(d.get("parameter"));
                String slot = String.valueOf(d.get("slot"));
                INDArray owner = params.get(param);
                if (owner == null) {
                    throw new ModelFormatException(where + ": state for unknown parameter '" + param + "'");
                }
                Map<String, INDArray> slots = state.getOrDefault(param, Map.of());
                if (slots.containsKey(slot)) {
                    throw new ModelFormatException(where + ": state for parameter '" + Text.shorten(param, 200)
                            + "' slot '" + Text.shorten(slot, 200) + "' is listed more than once");
                }
                if (slots.size() == MAX_SLOTS_PER_PARAMETER) {
                    // Each slot may be parameter-sized: the cap bounds the state by a multiple of the model, which
                    // the memory limit has already bounded (distinct zero entries compress ~1000:1).
                    throw new ModelFormatException(where + ": parameter '" + Text.shorten(param, 200) + "' has more"
                            + " than " + MAX_SLOTS_PER_PARAMETER + " state slots; the optimisers keep at most 2");
                }
                String entry = String.valueOf(d.get("entry"));
                // Optimiser state is at most parameter-sized (moments, velocities) or a scalar.
                INDArray value = a.array(entry, Math.max(owner.length(), 1));
                state.computeIfAbsent(param, k -> new LinkedHashMap<>()).put(slot, value);
            }
            // Parameters without state (plain SGD keeps none) have no entries; give them empty slot maps.
            for (String param : params.keySet()) {
                state.computeIfAbsent(param, k -> new LinkedHashMap<>());
            }
            opt.remove("state");
            return new Loaded(m.model(), m.metadata(), opt, state, a.json(TRAINER_JSON));
        }
    }

    private static void requireGiven(Object argument, String what) {
        if (argument == null) {
            throw new IllegalArgumentException("Checkpoint.save: " + what + " must not be null");
        }
    }
}
