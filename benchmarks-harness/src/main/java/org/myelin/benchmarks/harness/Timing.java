package org.myelin.benchmarks.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one measurement procedure every engine runs: a warm-up, then timed windows of at least
 * {@link Settings#windowSeconds()} each (whole calls of the step; at least one), with the machine's load sampled
 * over each window. A window during which other processes used more than {@link Settings#busyCores()} CPUs is
 * "busy": it is measured again, up to as many extra windows as were asked for; busy windows that remain are kept
 * and counted, so the report can flag the row.
 */
public final class Timing {

    /**
     * @param warmupSeconds untimed calls before the first window (at least {@code minWarmupCalls} of them)
     * @param windows       timed windows to report
     * @param windowSeconds minimum length of a window
     * @param busyCores     CPUs' worth of other processes' time above which a window counts as busy
     */
    public record Settings(
            double warmupSeconds, int minWarmupCalls, int windows, double windowSeconds, double busyCores) {
        public Settings {
            if (windows < 1) {
                throw new IllegalArgumentException("Timing: windows must be >= 1, was " + windows);
            }
            if (!(windowSeconds >= 0) || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException("Timing: window and warm-up seconds must be >= 0, were "
                        + windowSeconds + " and " + warmupSeconds);
            }
        }

        /** The full run: 3 s of warm-up, 7 windows of 1 s. */
        public static Settings full() {
            return new Settings(3, 5, 7, 1.0, 0.25);
        }

        /** A quick look: 0.5 s warm-up, 3 windows of 0.25 s. */
        public static Settings quick() {
            return new Settings(0.5, 2, 3, 0.25, 0.25);
        }

        /** One call of each kind, for smoke tests. */
        public static Settings tiny() {
            return new Settings(0, 1, 2, 0, Double.POSITIVE_INFINITY);
        }
    }

    /** One timed window: calls made, seconds taken, other processes' CPUs, load average at its end. */
    public record Window(int calls, double seconds, double otherCores, double loadAverage, boolean busy) {
        public double secondsPerCall() {
            return seconds / calls;
        }
    }

    /** The windows of one measurement; {@code busyDiscarded} windows were measured again because the machine was busy. */
    public record Measurement(List<Window> windows, int busyDiscarded) {
        /** Seconds per call of each window, sorted. */
        public double[] sortedSecondsPerCall() {
            double[] s = windows.stream().mapToDouble(Window::secondsPerCall).toArray();
            Arrays.sort(s);
            return s;
        }

        public double medianSecondsPerCall() {
            double[] s = sortedSecondsPerCall();
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        }

        public double minSecondsPerCall() {
            return sortedSecondsPerCall()[0];
        }

        public double maxSecondsPerCall() {
            double[] s = sortedSecondsPerCall();
            return s[s.length - 1];
        }

        public int busyWindows() {
            return (int) windows.stream().filter(Window::busy).count();
        }

        public double maxOtherCores() {
            return windows.stream()
                    .mapToDouble(Window::otherCores)
                    .filter(Double::isFinite)
                    .max()
                    .orElse(Double.NaN);
        }

        public double maxLoadAverage() {
            return windows.stream()
                    .mapToDouble(Window::loadAverage)
                    .filter(Double::isFinite)
                    .max()
                    .orElse(Double.NaN);
        }
    }

    /** A unit of work to time; its return value is consumed so the JIT cannot drop it. */
    @FunctionalInterface
    public interface Step {
        Object run() throws Exception;
    }

    private static volatile Object sink;

    private Timing() {}

    /** Warms up, then measures {@code s.windows()} windows of {@code step}. */
    public static Measurement measure(Settings s, Step step) throws Exception {
        long warmEnd = System.nanoTime() + (long) (s.warmupSeconds() * 1e9);
        for (int i = 0; i < s.minWarmupCalls() || System.nanoTime() < warmEnd; i++) {
            sink = step.run();
        }
        List<Window> kept = new ArrayList<>();
        int discarded = 0;
        int extra = s.windows();
        while (kept.size() < s.windows()) {
            Window w = window(s, step);
            if (w.busy() && extra > 0) {
                extra--;
                discarded++;
                continue;
            }
            kept.add(w);
        }
        return new Measurement(List.copyOf(kept), discarded);
    }

    private static Window window(Settings s, Step step) throws Exception {
        MachineLoad.Snapshot before = MachineLoad.snapshot();
        long start = System.nanoTime();
        long end = start + (long) (s.windowSeconds() * 1e9);
        int calls = 0;
        long now;
        do {
            sink = step.run();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        MachineLoad.Snapshot after = MachineLoad.snapshot();
        double others = MachineLoad.otherCores(before, after);
        return new Window(calls, (now - start) / 1e9, others, MachineLoad.loadAverage(), others > s.busyCores());
    }
}
