package org.myelin.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Result#medianOfRounds}: the runner's {@code --rounds} keeps the median round of each engine. */
class ResultRoundsTest {

    private static Result round(double ms, String status, double trajectory) {
        return new Result(
                "mlp-adam-128",
                "pytorch",
                128,
                ms,
                ms * 0.9,
                ms * 1.3,
                5,
                status.equals("busy") ? 1 : 0,
                0,
                0.1,
                1.2,
                1e-6,
                trajectory,
                Double.NaN,
                status,
                "");
    }

    @Test
    void theMedianRoundKeepsItsFiguresAndTheWindowsSpanAllRounds() {
        Result r =
                Result.medianOfRounds(List.of(round(9.0, "ok", 1e-4), round(3.0, "ok", 2e-4), round(4.0, "ok", 1e-4)));
        assertEquals(4.0, r.msMedian(), 1e-12);
        assertEquals(2.7, r.msMin(), 1e-12);
        assertEquals(11.7, r.msMax(), 1e-12);
        assertEquals(15, r.windows());
        assertEquals(2e-4, r.trajectoryError(), 1e-18, "the worst round's drift is kept");
        assertEquals("ok", r.status());
        assertTrue(r.note().startsWith("median of 3 rounds (9.00 ms; 3.00 ms; 4.00 ms)"), r.note());
    }

    @Test
    void anEvenCountTakesTheLowerMiddleAndAFailedRoundIsLeftOut() {
        Result failed = Result.without(Workload.byName("mlp-adam-128"), "pytorch", Double.NaN, "failed", "crash");
        Result r = Result.medianOfRounds(List.of(round(5.0, "ok", 1e-4), failed, round(7.0, "ok", 1e-4)));
        assertEquals(5.0, r.msMedian(), 1e-12);
        assertTrue(r.note().contains("failed"), r.note());
    }

    @Test
    void aBusyRoundMarksTheRowBusy() {
        Result r = Result.medianOfRounds(List.of(round(5.0, "ok", 1e-4), round(6.0, "busy", 1e-4)));
        assertEquals("busy", r.status());
    }

    @Test
    void oneRoundOrNoFiguresGivesTheFirstRoundBack() {
        Result one = round(5.0, "ok", 1e-4);
        assertSame(one, Result.medianOfRounds(List.of(one)));
        Result failed = Result.without(Workload.byName("mlp-adam-128"), "pytorch", Double.NaN, "failed", "crash");
        assertSame(failed, Result.medianOfRounds(List.of(failed, failed)));
        assertThrows(IllegalArgumentException.class, () -> Result.medianOfRounds(List.of()));
    }
}
