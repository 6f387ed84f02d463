package org.myelin.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CudaLaunchGeometryTest {

    @Test
    void oneBlockPer256ElementsAtLeastOneAtMost65535() {
        assertEquals(new CudaLaunchGeometry(1, 256), CudaLaunchGeometry.forLength(0));
        assertEquals(new CudaLaunchGeometry(1, 256), CudaLaunchGeometry.forLength(1));
        assertEquals(new CudaLaunchGeometry(1, 256), CudaLaunchGeometry.forLength(256));
        assertEquals(new CudaLaunchGeometry(2, 256), CudaLaunchGeometry.forLength(257));
        assertEquals(new CudaLaunchGeometry(3907, 256), CudaLaunchGeometry.forLength(1_000_003));
        assertEquals(new CudaLaunchGeometry(65_535, 256), CudaLaunchGeometry.forLength(65_535L * 256));
        assertEquals(new CudaLaunchGeometry(65_535, 256), CudaLaunchGeometry.forLength(Long.MAX_VALUE));
    }

    @Test
    void impossibleGeometriesAreRejected() {
        assertEquals(
                "element count must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> CudaLaunchGeometry.forLength(-1))
                        .getMessage());
        assertEquals(
                "blocks must be in [1, 2147483647], was 0",
                assertThrows(IllegalArgumentException.class, () -> new CudaLaunchGeometry(0, 256))
                        .getMessage());
        assertEquals(
                "threads per block must be in [1, 1024], was 1025",
                assertThrows(IllegalArgumentException.class, () -> new CudaLaunchGeometry(1, 1025))
                        .getMessage());
    }
}
