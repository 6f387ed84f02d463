package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.StepArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link NativeAddress#of} reads a buffer's own pointer instead of asking ND4J for a new one: it must give the address
 * {@code addressPointer()} gives for every kind of array the kernels are handed (a wrong address would read or write
 * someone else's memory), views with an offset included.
 */
class NativeAddressTest {

    private static Map<String, INDArray> arrays(DataType type) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        INDArray base = Nd4j.rand(type, 6, 5);
        m.put("created", base);
        m.put("uninitialized", Nd4j.createUninitialized(type, 4, 3));
        m.put("from a Java array", Nd4j.createFromArray(new float[] {1, 2, 3}).castTo(type));
        m.put("dup", base.dup());
        m.put("reshape", base.reshape(5, 6));
        m.put("row 3", base.getRow(3));
        m.put("rows 2..4", base.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()));
        m.put("columns 1..3", base.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)));
        m.put("transpose", base.transpose());
        m.put("tensor along dimension", base.tensorAlongDimension(2, 1));
        m.put("scalar", Nd4j.scalar(type, 2.0));
        m.put("step array outside a pass", StepArrays.uninitialized(type, 3, 3));
        try (StepArrays.Pass pass = new StepArrays().begin()) {
            m.put("step array in a pass", StepArrays.uninitialized(type, 3, 3));
        }
        return m;
    }

    private static void assertSameAddresses(Map<String, INDArray> m) {
        m.forEach((what, a) -> assertEquals(
                a.data().addressPointer().address(), NativeAddress.of(a), what + " (" + a.dataType() + ")"));
    }

    @Test
    void everyKindOfArrayGetsTheAddressNd4jGives() {
        assertSameAddresses(arrays(DataType.FLOAT));
        assertSameAddresses(arrays(DataType.DOUBLE));
    }

    /** ND4J gives an empty array no pointer at all (addressPointer() is null): 0, an address no kernel reads. */
    @Test
    void anEmptyArrayHasAddressZero() {
        assertEquals(0, NativeAddress.of(Nd4j.create(DataType.FLOAT, 0, 3)));
    }

    @Test
    void arraysInAWorkspaceGetTheAddressNd4jGives() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder()
                .initialSize(1 << 20)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .build();
        for (int iteration = 0; iteration < 3; iteration++) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "NativeAddressTest")) {
                assertSameAddresses(arrays(DataType.FLOAT));
            }
        }
    }
}
