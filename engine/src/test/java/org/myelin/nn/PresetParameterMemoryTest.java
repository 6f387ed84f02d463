package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The CNN presets are sized as a whole against the memory limit before their classifier is allocated. Each layer's
 * constructor checks its own parameters, but not their sum: on MNIST the small CNN holds 1,199,882 parameters
 * (4,799,528 bytes as float32), its largest layer, the dense 9216 -> 128, 1,179,776 (4,719,104 bytes), so a limit
 * between the two let the model be built; LeNet-5 holds 61,706 (246,824 bytes), its largest layer 48,120 (192,480).
 */
class PresetParameterMemoryTest {

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private static final String RAISE = " (-Dmyelin.maxParameterBytes); to allow it, raise the limit with"
            + " -Dmyelin.maxParameterBytes=SIZE (e.g. 16g; for scripts/myelin in MYELIN_JAVA_OPTS) on a machine with the"
            + " memory for it";

    @Test
    void theSmallCnnIsRefusedWhenItsParametersTogetherPassTheLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "4750000");
        String m = assertThrows(IllegalArgumentException.class, () -> Models.smallCnn(DataType.FLOAT, 0, 1, 28, 28, 10))
                .getMessage();
        assertEquals(
                "Models.smallCnn (\"cnn\") for images [1, 28, 28] and 10 classes needs 4.58 MiB (4799528 bytes) for"
                        + " its 1,199,882 parameters, more than the limit of 4.53 MiB (4750000 bytes)" + RAISE,
                m);
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "4800000");
        assertEquals(
                1_199_882, Models.smallCnn(DataType.FLOAT, 0, 1, 28, 28, 10).parameterCount());
    }

    @Test
    void leNetIsRefusedWhenItsParametersTogetherPassTheLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "200000");
        String m = assertThrows(IllegalArgumentException.class, () -> Models.lenet5(DataType.FLOAT, 0, 1, 28, 28, 10))
                .getMessage();
        assertEquals(
                "Models.lenet5 (\"lenet\") for images [1, 28, 28] and 10 classes needs 241.04 KiB (246824 bytes) for"
                        + " its 61,706 parameters, more than the limit of 195.31 KiB (200000 bytes)" + RAISE,
                m);
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "246824");
        assertEquals(61_706, Models.lenet5(DataType.FLOAT, 0, 1, 28, 28, 10).parameterCount());
    }

    @Test
    void aHugeImageIsRefusedByTheParameterCheckWithoutAllocatingAnImage() {
        // The flattened size came from a blank [1, 1, 100000, 100000] image (40 GB): std::bad_alloc or an
        // OutOfMemoryError before the parameter check; it now follows from the layers' output shapes.
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> Models.smallCnn(DataType.FLOAT, 0, 1, 100_000, 100_000, 10))
                .getMessage();
        assertTrue(m.startsWith("Models.smallCnn (\"cnn\") for images [1, 100000, 100000] and 10 classes needs "), m);
        assertTrue(m.contains("more than the limit of"), m);
        String l = assertThrows(
                        IllegalArgumentException.class,
                        () -> Models.lenet5(DataType.FLOAT, 0, 3, Integer.MAX_VALUE, Integer.MAX_VALUE, 10))
                .getMessage();
        assertTrue(
                l.startsWith("Models.lenet5 (\"lenet\") for images [3, 2147483647, 2147483647] and 10 classes"
                        + " needs more than 8.00 EiB"),
                l);
    }
}
