package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is apart from this process: the CPU time of all other processes from {@code /proc/stat}
 * minus this process's own ({@code /proc/self/stat}), and the 1-minute load average ({@code /proc/loadavg}).
 * Linux only; elsewhere every reading is NaN and nothing is flagged.
 */
public final class MachineLoad {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Path SELF = Path.of("/proc/self/stat");
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    /** A reading of the cumulative counters, in clock ticks (all CPUs together). */
    public record Snapshot(long totalTicks, long busyTicks, long ownTicks, int cpus) {}

    private MachineLoad() {}

    /** The counters now, or null where /proc is not readable. */
    public static Snapshot snapshot() {
        try {
            long total = 0;
            long busy = 0;
            int cpus = 0;
            String first = null;
            for (String line : Files.readAllLines(STAT)) {
                if (line.startsWith("cpu ")) {
                    first = line;
                } else if (line.startsWith("cpu")) {
                    cpus++;
                }
            }
            if (first == null) {
                return null;
            }
            String[] f = first.trim().split("\\s+");
            // user nice system idle iowait irq softirq steal [guest guest_nice: already inside user and nice]
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            return new Snapshot(total, busy, ownTicks(), Math.max(cpus, 1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** utime + stime of this process (fields 14 and 15 of /proc/self/stat, after the parenthesised name). */
    private static long ownTicks() throws IOException {
        String s = Files.readString(SELF);
        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPUs' worth of time other processes used between two snapshots (0.5 = half a core on average), NaN when
     * either is missing or no time passed. Counting includes this process's children, which a worker has none of.
     */
    public static double otherCores(Snapshot before, Snapshot after) {
        if (before == null || after == null) {
            return Double.NaN;
        }
        long total = after.totalTicks - before.totalTicks;
        if (total <= 0) {
            return Double.NaN;
        }
        long others = (after.busyTicks - before.busyTicks) - (after.ownTicks - before.ownTicks);
        double wallTicksPerCpu = (double) total / after.cpus;
        return Math.max(0, others) / wallTicksPerCpu;
    }

    /** The 1-minute load average, NaN where unavailable. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
