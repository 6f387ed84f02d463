package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Module#namedParameters()} keeps its map between calls (a trainer asks every step); a parameter or child
 * registered later, also deep in a descendant and after the map was kept, is in the next map.
 */
class ModuleParameterPathsTest {

    /** A module that registers on request, as a lazily built layer would. */
    static final class Growing extends Module {
        Tensor add(String name) {
            return registerParameter(name, Nd4j.ones(DataType.DOUBLE, 2));
        }

        Growing child(String name) {
            return registerChild(name, new Growing());
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }

        @Override
        public Map<String, Object> config() {
            return Map.of();
        }
    }

    @Test
    void theMapIsKeptUntilAParameterOrChildIsRegisteredAnywhere() {
        Growing root = new Growing();
        root.add("w");
        Growing inner = root.child("inner");
        var first = root.namedParameters();
        assertEquals(List.of("w"), List.copyOf(first.keySet()));
        assertSame(first, root.namedParameters(), "the map was built again without a registration");

        Tensor deep = inner.child("deeper").add("b");
        var second = root.namedParameters();
        assertEquals(List.of("w", "inner.deeper.b"), List.copyOf(second.keySet()));
        assertSame(deep, second.get("inner.deeper.b"));
        assertEquals(List.of("deeper.b"), List.copyOf(inner.namedParameters().keySet()));
    }

    @Test
    void zeroGradReachesEveryDescendant() {
        Growing root = new Growing();
        Tensor w = root.add("w");
        Tensor b = root.child("inner").child("deeper").add("b");
        w.setGrad(Nd4j.ones(DataType.DOUBLE, 2));
        b.setGrad(Nd4j.ones(DataType.DOUBLE, 2));
        root.zeroGrad();
        assertNull(w.grad());
        assertNull(b.grad());
    }
}
