package org.myelin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The profiler's bookkeeping. The tests that need it on run in the surefire execution {@code profiler}, a JVM
 * started with {@code -Dmyelin.profile=cpu} ({@link Profiler#ENABLED} is fixed when the class loads); the default
 * execution runs the one that needs it off.
 */
class ProfilerTest {

    @AfterEach
    void stopRecording() {
        Profiler.stop();
    }

    @Test
    void nestedScopesSplitTotalIntoSelfTimes() {
        assumeTrue(Profiler.ENABLED, "needs -Dmyelin.profile=cpu (surefire execution 'profiler')");
        Profiler.start();
        for (int i = 0; i < 3; i++) {
            try (Profiler.Scope outer = Profiler.scope("outer")) {
                busy();
                try (Profiler.Scope inner = Profiler.scope("inner", 4, 5)) {
                    busy();
                }
                try (Profiler.Scope g = Profiler.gemm(128, 784, 512, false, false)) {
                    busy();
                }
            }
        }
        Map<String, Profiler.Phase> p = byLabel(Profiler.snapshot());
        assertEquals(List.of("outer", "inner [4, 5]", "gemm forward 128x784 * 784x512"), List.copyOf(p.keySet()));
        Profiler.Phase outer = p.get("outer");
        Profiler.Phase inner = p.get("inner [4, 5]");
        Profiler.Phase gemm = p.get("gemm forward 128x784 * 784x512");
        assertEquals(3, outer.calls());
        assertEquals(3, inner.calls());
        assertEquals(3, gemm.calls());
        // Self times add up to the outermost total, each nanosecond counted once.
        assertEquals(outer.totalNanos(), outer.selfNanos() + inner.totalNanos() + gemm.totalNanos());
        assertEquals(inner.totalNanos(), inner.selfNanos());
        assertTrue(outer.selfNanos() > 0 && inner.selfNanos() > 0, p.toString());
        // The thread's CPU time is split the same way (recorded with -Dmyelin.profile=cpu, as in that execution).
        assertTrue(Profiler.CPU_TIME, "the surefire execution 'profiler' sets -Dmyelin.profile=cpu");
        assertEquals(outer.totalCpuNanos(), outer.selfCpuNanos() + inner.totalCpuNanos() + gemm.totalCpuNanos());
        assertTrue(inner.selfCpuNanos() > 0 && inner.selfCpuNanos() <= inner.totalCpuNanos(), inner.toString());
    }

    @Test
    void gemmLabelsNameTheDenseLayerDirection() {
        assumeTrue(Profiler.ENABLED, "needs -Dmyelin.profile=cpu (surefire execution 'profiler')");
        Profiler.start();
        try (Profiler.Scope dx = Profiler.gemm(128, 512, 784, false, true)) {
            busy();
        }
        try (Profiler.Scope dw = Profiler.gemm(784, 128, 512, true, false)) {
            busy();
        }
        assertEquals(
                List.of("gemm dX 128x512 * (784x512)^T", "gemm dW (128x784)^T * 128x512"),
                Profiler.snapshot().stream().map(Profiler.Phase::label).toList());
    }

    @Test
    void otherThreadsAndCallsBeforeStartRecordNothing() throws InterruptedException {
        assumeTrue(Profiler.ENABLED, "needs -Dmyelin.profile=cpu (surefire execution 'profiler')");
        Profiler.start();
        Thread other = new Thread(() -> {
            try (Profiler.Scope s = Profiler.scope("elsewhere")) {
                busy();
            }
        });
        other.start();
        other.join();
        assertTrue(Profiler.snapshot().isEmpty(), Profiler.snapshot().toString());
        Profiler.stop();
        try (Profiler.Scope s = Profiler.scope("after stop")) {
            busy();
        }
        assertTrue(Profiler.snapshot().isEmpty(), Profiler.snapshot().toString());
    }

    @Test
    void disabledProfilerRecordsNothing() {
        assumeFalse(Profiler.ENABLED, "runs in the default surefire execution, without -Dmyelin.profile");
        Profiler.start();
        try (Profiler.Scope s = Profiler.scope("anything")) {
            busy();
        }
        assertFalse(Profiler.recording());
        assertTrue(Profiler.snapshot().isEmpty());
    }

    static Map<String, Profiler.Phase> byLabel(List<Profiler.Phase> phases) {
        return phases.stream()
                .collect(Collectors.toMap(
                        Profiler.Phase::label, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private static volatile double sink;

    /** A little work, so that each scope spans some nanoseconds. */
    private static void busy() {
        double s = 0;
        for (int i = 1; i < 20_000; i++) {
            s += Math.sqrt(i);
        }
        sink = s;
    }
}
