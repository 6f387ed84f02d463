package org.myelin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class BlasTest {

    @Test
    void autoPicksMklOnlyOnIntelCpusWithMklOnTheClassPath() {
        assertEquals(Blas.Choice.MKL, Blas.decide("auto", true, "GenuineIntel"));
        assertEquals(Blas.Choice.OPENBLAS, Blas.decide("auto", true, "AuthenticAMD"));
        assertEquals(Blas.Choice.OPENBLAS, Blas.decide("auto", false, "GenuineIntel"));
        assertEquals(Blas.Choice.OPENBLAS, Blas.decide(" AUTO ", false, ""));
    }

    @Test
    void explicitSettingsOverrideTheCpuCheck() {
        assertEquals(Blas.Choice.MKL, Blas.decide("mkl", true, "AuthenticAMD"));
        assertEquals(Blas.Choice.OPENBLAS, Blas.decide("openblas", true, "GenuineIntel"));
    }

    @Test
    void mklWithoutItsNativesAndUnknownSettingsAreRejectedByName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Blas.decide("mkl", false, "GenuineIntel"));
        assertTrue(
                e.getMessage().startsWith("-Dmyelin.blas=mkl, but")
                        && e.getMessage().contains("libmkl_rt"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Blas.decide("atlas", true, "GenuineIntel"));
        assertEquals("-Dmyelin.blas must be auto, mkl or openblas, was 'atlas'", e.getMessage());
    }

    @Test
    void theTestRunLoadsTheLibraryTheSelectionNamed() {
        // BlasSelectionListener ran Blas.select() before ND4J loaded; ND4J must report the library it chose.
        String vendor = String.valueOf(Nd4j.factory().blas().getBlasVendor()).toUpperCase();
        boolean mklChosen =
                String.valueOf(System.getProperty(Blas.JAVACPP_LOAD)).contains("mkl");
        assertEquals(
                mklChosen,
                vendor.contains("MKL"),
                "ND4J's BLAS vendor " + vendor + ", " + Blas.JAVACPP_LOAD + "="
                        + System.getProperty(Blas.JAVACPP_LOAD));
    }
}
