package org.myelin.nn;

import java.util.Arrays;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.MemoryLimit;

/**
 * What a layer factory needs besides its config: where the layer sits in the config tree (for messages), the seed of
 * its random initial values, the allocation budget shared by the whole tree, and a way to build child layers.
 */
public final class LayerBuild {
    private final String path;
    private final long seed;
    /** Elements that factories may still allocate, shared by a whole config tree (see {@link #reserve}). */
    private final Budget budget;

    /**
     * The allocation budget of a config tree: the elements still allowed, and, for a budget from
     * {@link MemoryLimit}, the bytes per element and the elements reserved so far, so that a refusal says what the
     * model would need against that limit.
     */
    static final class Budget {
        long left;
        long used;
        /** Bytes per element when the budget is the memory limit ({@link MemoryLimit#check}); 0 for a plain count. */
        final int memoryLimitWidth;

        Budget(long left, int memoryLimitWidth) {
            this.left = left;
            this.memoryLimitWidth = memoryLimitWidth;
        }
    }

    LayerBuild(String path, long seed, Budget budget) {
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
        if (n > budget.left) {
            if (budget.memoryLimitWidth > 0) {
                long total = MemoryLimit.saturatedSum(budget.used, n);
                try {
                    MemoryLimit.check(
                            "with its " + what + " " + Arrays.toString(shape) + " ("
                                    + (n == Long.MAX_VALUE
                                            ? "more than " + Long.MAX_VALUE
                                            : String.format(java.util.Locale.ROOT, "%,d", n))
                                    + " elements), the model",
                            total,
                            budget.memoryLimitWidth);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException(path, e.getMessage());
                }
            }
            throw new ConfigurationException(
                    path,
                    what + " " + Arrays.toString(shape) + " would need "
                            + (n == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.valueOf(n))
                            + " elements, more than the " + budget.left + " still allowed");
        }
        budget.left -= n;
        budget.used += n;
    }

    /** Builds child {@code i} of a container from its raw config, at {@code key[i]}, with the seed {@link Seeds#child}. */
    public Module child(String key, int i, Map<String, ?> raw) {
        String at = (path.isEmpty() ? key : path + "." + key) + "[" + i + "]";
        return Modules.build(at, raw, Seeds.child(seed, i), budget);
    }
}
