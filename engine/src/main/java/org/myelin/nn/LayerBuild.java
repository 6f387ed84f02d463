package org.myelin.nn;

import java.util.Arrays;
import java.util.Map;
import org.myelin.ConfigurationException;

/**
 * What a layer factory needs besides its config: where the layer sits in the config tree (for messages), the seed of
 * its random initial values, the allocation budget shared by the whole tree, and a way to build child layers.
 */
public final class LayerBuild {
    private final String path;
    private final long seed;
    /** Elements that factories may still allocate, shared by a whole config tree (see {@link #reserve}). */
    private final long[] budget;

    LayerBuild(String path, long seed, long[] budget) {
        this.path = path;
        this.seed = seed;
        this.budget = budget;
    }

    /** The path of this layer in the config tree ({@code layers[2]}; {@code ""} at the root). */
    public String path() {
        return path;
    }

    /** The seed of this layer's initial values and random streams. */
    public long seed() {
        return seed;
    }

    /**
     * Takes the elements of an array of {@code shape} from the tree's allocation budget before a factory allocates
     * it: a config read from a damaged or hostile file cannot make the engine allocate more than its caller allowed
     * ({@link Modules#fromConfig(Map, long, long)}). Factories call it for every parameter and buffer they create.
     *
     * @throws ConfigurationException naming the layer's path when the budget is exceeded
     */
    public void reserve(String what, long... shape) {
        long n = 1;
        for (long d : shape) {
            n = d > 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        }
        if (n > budget[0]) {
            throw new ConfigurationException(
                    path,
                    what + " " + Arrays.toString(shape) + " would need "
                            + (n == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.valueOf(n))
                            + " elements, more than the " + budget[0] + " still allowed");
        }
        budget[0] -= n;
    }

    /** Builds child {@code i} of a container from its raw config, at {@code key[i]}, with the seed {@link Seeds#child}. */
    public Module child(String key, int i, Map<String, ?> raw) {
        String at = (path.isEmpty() ? key : path + "." + key) + "[" + i + "]";
        return Modules.build(at, raw, Seeds.child(seed, i), budget);
    }
}
