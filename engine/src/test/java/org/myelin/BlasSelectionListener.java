package org.myelin;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs {@link Blas#select()} when the test run starts, before any test loads ND4J, so the tests exercise the BLAS
 * the command line uses on this machine (registered in META-INF/services).
 */
public final class BlasSelectionListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Blas.select();
        // -Pcuda builds (scripts/gpu-check): stop at once with the reason on a GPU ND4J's CUDA backend cannot run
        // on, rather than failing every test at its first op. A no-op in the default build.
        org.myelin.gpu.Nd4jCudaSupport.requireUsable();
    }
}
