package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.Test;
import org.myelin.kernels.CudaHostEmulation;

class CudaLaunchedKernelsTest {

    @Test
    void everyKernelTheEngineLoadsExistsInTheCudaSource() {
        // An empty grid-stride loop reads only n: a zero for every parameter is a valid launch of any kernel here.
        try (PointerPointer<Pointer> zeros = new PointerPointer<>(16)) {
            Pointer zero = new org.bytedeco.javacpp.LongPointer(1).put(0L);
            for (int i = 0; i < 16; i++) {
                zeros.put(i, zero);
            }
            for (String kernel : CudaLaunchedKernels.KERNELS) {
                assertEquals(0, CudaHostEmulation.launch(kernel, 1, 1, zeros), kernel + " unknown to the emulation");
            }
            zero.close();
        }
    }
}
