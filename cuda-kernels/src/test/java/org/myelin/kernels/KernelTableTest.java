package org.myelin.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NativeKernels' activation ids against the one table the C++ and CUDA kernels generate theirs from. */
class KernelTableTest {

    /** The public static final int constants of NativeKernels: the activation ids. */
    private static Map<String, Integer> nativeKernelsConstants() throws IllegalAccessException {
        Map<String, Integer> constants = new LinkedHashMap<>();
        for (Field field : NativeKernels.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers)
                    && Modifier.isStatic(modifiers)
                    && Modifier.isFinal(modifiers)
                    && field.getType() == int.class) {
                constants.put(field.getName(), field.getInt(null));
            }
        }
        return constants;
    }

    @Test
    void nativeKernelsActivationIdsAreTheTablesIds() throws IllegalAccessException {
        KernelTable table = KernelTable.load();
        assertEquals(List.of(), table.activationDifferences("NativeKernels", nativeKernelsConstants()));
    }

    @Test
    void tableIdsAreDistinctAndEveryFromOutputActivationIsListed() {
        KernelTable table = KernelTable.load();
        assertEquals(7, table.activations().size(), "activations in " + KernelTable.RESOURCE);
        assertEquals(
                table.activations().size(),
                new HashSet<>(table.activations().values()).size(),
                "ids " + table.activations());
        assertEquals(List.of("LOGISTIC", "TANH"), table.fromOutput());
        assertEquals(
                Map.of(
                        "myelin_backward",
                        6,
                        "myelin_backward_from_output",
                        5,
                        "myelin_bias_forward",
                        8,
                        "myelin_backward_bias",
                        8,
                        "myelin_column_sums",
                        4,
                        "myelin_sgd",
                        8,
                        "myelin_adam",
                        14,
                        "myelin_sgd_plain",
                        5),
                table.elementwiseKernels());
    }

    @Test
    void differencesNameTheMissingTheExtraAndTheChangedId() {
        KernelTable table = KernelTable.parse("""
                #define MYELIN_ACTIVATIONS(X) \\
                    X(IDENTITY, 0, Identity) \\
                    X(LOGISTIC, 1, Logistic)
                #define MYELIN_FROM_OUTPUT_ACTIVATIONS(X) \\
                    X(LOGISTIC, Logistic)
                #define MYELIN_ELEMENTWISE_KERNELS(X) \\
                    X(myelin_sgd, 8)
                """);
        assertEquals(
                List.of(
                        "Mirror.IDENTITY is 3, the table says 0",
                        "Mirror has no LOGISTIC (table id 1)",
                        "Mirror.SWISH = 7 is not in the table"),
                table.activationDifferences("Mirror", Map.of("IDENTITY", 3, "SWISH", 7)));
        assertEquals(List.of("myelin_sgd_f32", "myelin_sgd_f64"), table.elementwiseKernelNames());
    }

    @Test
    void malformedEntriesAreRefusedWithTheLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelTable.parse("""
                #define MYELIN_ACTIVATIONS(X) \\
                    X(IDENTITY, 0) \\
                """));
        assertTrue(
                e.getMessage().contains("MYELIN_ACTIVATIONS: expected an entry X(3 arguments), got 'X(IDENTITY, 0)"),
                e.getMessage());
        IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> KernelTable.parse("""
                #define MYELIN_ACTIVATIONS(X) \\
                    X(IDENTITY, 0, Identity)
                #define MYELIN_FROM_OUTPUT_ACTIVATIONS(X) \\
                    X(TANH, Tanh)
                """));
        assertEquals(
                "MYELIN_FROM_OUTPUT_ACTIVATIONS: TANH is not in MYELIN_ACTIVATIONS [IDENTITY]", unknown.getMessage());
    }
}
