package org.myelin.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The driver probe on whatever machine runs the tests (with or without an NVIDIA driver). */
class CudaDriverProbeTest {

    @Test
    void theProbeLoadsInEveryBuild() {
        assertTrue(CudaDriverProbe.available(), () -> "probe did not load: " + CudaDriverProbe.loadError());
    }

    @Test
    void aQueryGivesADeviceOrAReason() {
        CudaDriverProbe.Result r = CudaDriverProbe.query(0);
        if (r.code() == 0 && r.devices() > 0) {
            assertFalse(r.text().isBlank(), "device name");
            assertTrue(r.ccMajor() >= 1 && r.memory() > 0 && r.driver() >= 1000, r.toString());
        } else {
            assertFalse(r.text().isBlank() && r.code() != 0, "a failure names its reason: " + r);
            assertEquals(0, r.ccMajor());
        }
    }

    @Test
    void libraryCheckFindsLibcAndNamesWhyAMissingOneIsMissing() {
        assertNull(CudaDriverProbe.whyNotLoadable("libc.so.6"));
        String why = CudaDriverProbe.whyNotLoadable("libmyelin-no-such-library.so.11");
        assertNotNull(why);
        assertTrue(why.contains("libmyelin-no-such-library.so.11"), why);
    }
}
