package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The choice of kernel path and its description. */
class KernelsTest {

    @Test
    void nativeKernelsAreChosenByDefaultOnTheCpuBackend() {
        Kernels.Choice choice = Kernels.decide(null, null);
        assertEquals("native-cpu", choice.kernels().name());
        assertTrue(choice.description().startsWith("native fused CPU kernels (x86-64"), choice.description());
    }

    @Test
    void systemPropertyForcesTheNd4jPath() {
        Kernels.Choice choice = Kernels.decide("ND4J", null);
        assertSame(Kernels.nd4j(), choice.kernels());
        assertEquals("ND4J ops (forced by -Dmyelin.kernels=nd4j)", choice.description());
    }

    @Test
    void environmentForcesTheNd4jPathWhenThePropertyIsUnset() {
        Kernels.Choice choice = Kernels.decide(null, "nd4j");
        assertSame(Kernels.nd4j(), choice.kernels());
        assertEquals("ND4J ops (forced by MYELIN_KERNELS=nd4j)", choice.description());
    }

    @Test
    void propertyWinsOverEnvironment() {
        assertEquals("native-cpu", Kernels.decide("auto", "nd4j").kernels().name());
    }

    @Test
    void unknownValueIsReportedAndIgnored() {
        Kernels.Choice choice = Kernels.decide("fast", null);
        assertEquals("native-cpu", choice.kernels().name());
        assertTrue(
                choice.description().endsWith("; ignored -Dmyelin.kernels=fast (expected auto or nd4j)"),
                choice.description());
    }

    @Test
    void activeIsTheProcessWideChoiceAndDescribed() {
        // Surefire sets neither the property nor the environment variable.
        assertEquals("native-cpu", Kernels.active().name());
        assertEquals(Kernels.decide(null, null).description(), Kernels.describe());
    }
}
