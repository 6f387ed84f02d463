package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;

/** {@link GemmSplit#decide}: the engine cuts products only where it replaces exactly OpenBLAS's two threads. */
class GemmSplitTest {

    @Test
    void twoOpenBlasThreadsUnderTheNativeKernelsAreReplacedByTheCut() {
        GemmSplit.Decision d = GemmSplit.decide(null, true, true, 2, 2);
        assertTrue(d.split());
        assertTrue(d.description().contains("cut over 2 threads"), d.description());
        assertTrue(GemmSplit.decide(" AUTO ", true, true, 2, 2).split());
    }

    @Test
    void everyOtherMachineKeepsTheBlasThreads() {
        assertFalse(GemmSplit.decide(null, false, true, 2, 2).split(), "ND4J kernel path");
        assertFalse(GemmSplit.decide(null, true, false, 2, 2).split(), "MKL");
        assertFalse(GemmSplit.decide(null, true, true, 4, 4).split(), "four threads: a two-way cut would lose two");
        assertFalse(GemmSplit.decide(null, true, true, 1, 1).split(), "one thread");
        assertFalse(GemmSplit.decide(null, true, true, 2, 1).split(), "elementwise split off");
        GemmSplit.Decision off = GemmSplit.decide("off", true, true, 2, 2);
        assertFalse(off.split());
        assertEquals("BLAS threads: 2 (-Dmyelin.gemmSplit=off)", off.description());
    }

    @Test
    void anInvalidSettingIsRefusedNamingItAndTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> GemmSplit.decide("sometimes", true, true, 2, 2));
        assertEquals("-Dmyelin.gemmSplit must be auto or off, was 'sometimes'", e.getMessage());
        Properties p = new Properties();
        p.setProperty(GemmSplit.PROPERTY, "on");
        assertEquals(
                "-Dmyelin.gemmSplit must be auto or off, was 'on'",
                assertThrows(IllegalArgumentException.class, () -> Settings.check(p, Map.of()))
                        .getMessage());
        p.setProperty(GemmSplit.PROPERTY, "off");
        assertTrue(Settings.check(p, Map.of()).isEmpty(), "a known property with a valid value draws no warning");
    }
}
