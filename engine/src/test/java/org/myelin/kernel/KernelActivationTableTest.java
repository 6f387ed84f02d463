package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.myelin.kernels.KernelTable;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;

/**
 * The engine's mirrors of cuda-kernels' myelin_kernel_table.h: every table activation is reachable from an
 * {@link Activations} activation, the from-output forms agree, and the CUDA kernels launched are the table's.
 */
class KernelActivationTableTest {

    private static final KernelTable TABLE = KernelTable.load();

    /** The public activation constants of Activations, and one leaky ReLU. */
    private static List<Activation> activations() throws IllegalAccessException {
        List<Activation> all = new ArrayList<>();
        for (Field field : Activations.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Activation.class.isAssignableFrom(field.getType())) {
                all.add((Activation) field.get(null));
            }
        }
        all.add(Activations.leakyRelu(0.01));
        return all;
    }

    private static String tableName(int id) {
        return TABLE.activations().entrySet().stream()
                .filter(e -> e.getValue() == id)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse("unknown id " + id);
    }

    @Test
    void everyTableActivationHasExactlyOneEngineActivation() throws IllegalAccessException {
        Map<String, String> engineByTableName = new TreeMap<>();
        for (Activation f : activations()) {
            KernelActivation k = KernelActivation.of(f);
            if (k != null) {
                String previous = engineByTableName.put(tableName(k.id()), f.name());
                assertEquals(null, previous, tableName(k.id()) + " reached from both " + previous + " and " + f.name());
            }
        }
        assertEquals(
                new TreeSet<>(TABLE.activations().keySet()),
                engineByTableName.keySet(),
                "table activations reached by KernelActivation.of " + engineByTableName);
    }

    @Test
    void fromOutputFormsAreTheTables() throws IllegalAccessException {
        List<String> engine = new ArrayList<>();
        for (Activation f : activations()) {
            KernelActivation k = KernelActivation.of(f);
            if (k != null && KernelActivation.hasFromOutputForm(f)) {
                engine.add(tableName(k.id()));
            }
        }
        assertEquals(new TreeSet<>(TABLE.fromOutput()), new TreeSet<>(engine));
    }

    @Test
    void launchedCudaKernelsAreTheTables() {
        assertEquals(TABLE.elementwiseKernelNames(), CudaLaunchedKernels.KERNELS);
    }
}
