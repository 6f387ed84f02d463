package org.myelin.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.autodiff.Tensor;

/**
 * A chain of modules applied in order, {@code y = f_k(... f_1(f_0(x)))} (the layered network of CS 489 §9 and
 * Oxford ML FE1-FE2 (see docs/notes.md)). Children are named {@code "0"}, {@code "1"}, ..., so parameter paths read
 * {@code 0.weight}, {@code 2.bias}.
 *
 * <p>Shapes: whatever the first layer accepts, to whatever the last produces.
 */
public final class Sequential extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "sequential";

    private final List<Module> layers;

    public Sequential(Module... layers) {
        this(List.of(checkNotNull(layers)));
    }

    /** @param layers at least one module, applied first to last */
    public Sequential(List<? extends Module> layers) {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("Sequential: needs at least one layer, was given none");
        }
        List<Module> list = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m == null) {
                throw new IllegalArgumentException("Sequential: layer " + i + " is null");
            }
            list.add(registerChild(Integer.toString(i), m));
        }
        this.layers = Collections.unmodifiableList(list);
    }

    private static Module[] checkNotNull(Module[] layers) {
        if (layers == null) {
            throw new IllegalArgumentException("Sequential: layers must not be null");
        }
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("Sequential: layer " + i + " is null");
            }
        }
        return layers;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m instanceof Dense dense && i + 1 < layers.size() && layers.get(i + 1) instanceof ActivationLayer act) {
                x = dense.forward(x, act.activation()); // one fused op for the pair (Dense#forward(Tensor, Activation))
                i++;
            } else {
                x = m.forward(x);
            }
        }
        return x;
    }

    /** {@code {"type":"sequential","layers":[config of layer 0, config of layer 1, ...]}}. */
    @Override
    public Map<String, Object> config() {
        List<Object> children = new ArrayList<>(layers.size());
        for (Module m : layers) {
            children.add(m.config());
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", TYPE);
        c.put("layers", children);
        return c;
    }

    /** Builds each layer with the seed {@code Seeds.child(seed, i)}, as {@link Models} does. */
    static Sequential fromConfig(ModuleConfig c, long seed) {
        c.allowOnly("type", "layers");
        List<ModuleConfig> children = c.modules("layers");
        if (children.isEmpty()) {
            throw c.invalid("'" + c.at("layers") + "' must hold at least one layer, was empty");
        }
        List<Module> layers = new ArrayList<>(children.size());
        for (int i = 0; i < children.size(); i++) {
            layers.add(Modules.build(children.get(i), Seeds.child(seed, i)));
        }
        return new Sequential(layers);
    }

    /** Layer {@code i}. */
    public Module get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: layer " + i + " requested, has " + layers.size());
        }
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    /** The layers in order (unmodifiable). */
    public List<Module> layers() {
        return layers;
    }

    @Override
    public String toString() {
        return "Sequential" + layers;
    }
}
