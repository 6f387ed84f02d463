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
    }
}
