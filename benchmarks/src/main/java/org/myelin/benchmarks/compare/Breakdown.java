package org.myelin.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.myelin.benchmarks.harness.Result;

/**
 * Where Myelin's training step goes, by subtraction of separately timed runs of the same workload:
 * <pre>
 *   gemm                 = the gemm roofline (the step's gemms alone)
 *   loss                 = softmax cross-entropy forward + backward alone
 *   bias/activation/etc. = (forward + loss + backward) - gemm - loss   (bias adds and sums, ReLU and its
 *                          derivative, autograd bookkeeping)
 *   optimiser            = (the public-API step incl. optimiser) - (forward + loss + backward)
 *   other                = the trainer's step - the public-API step (batch gathering, accuracy, gradient norms)
 * </pre>
 * Each phase is a median of its own windows, so small phases can come out slightly negative on a noisy machine.
 */
public final class Breakdown {
    /** The engine names of the phase runs, see {@link MyelinWorker}. */
    public static final List<String> PHASES =
            List.of("myelin-forward", "myelin-backward", "myelin-manual", "myelin-loss");

    private final Map<String, Double> ms = new LinkedHashMap<>();
    private final double step;

    private Breakdown(double step) {
        this.step = step;
    }

    /** The breakdown of {@code workload} from its result rows; null when a needed row is missing. */
    public static Breakdown of(String workload, List<Result> rows) {
        Map<String, Double> t = new LinkedHashMap<>();
        for (Result r : rows) {
            if (r.workload().equals(workload) && r.hasFigures()) {
                t.put(r.engine(), r.msMedian());
            }
        }
        for (String need : List.of(Report.MYELIN, Report.ROOFLINE, "myelin-backward", "myelin-manual", "myelin-loss")) {
            if (!t.containsKey(need)) {
                return null;
            }
        }
        Breakdown b = new Breakdown(t.get(Report.MYELIN));
        b.ms.put("gemm (roofline)", t.get(Report.ROOFLINE));
        b.ms.put("loss", t.get("myelin-loss"));
        b.ms.put("bias/activation/autograd", t.get("myelin-backward") - t.get(Report.ROOFLINE) - t.get("myelin-loss"));
        b.ms.put("optimiser", t.get("myelin-manual") - t.get("myelin-backward"));
        b.ms.put("other (trainer)", t.get(Report.MYELIN) - t.get("myelin-manual"));
        if (t.containsKey("myelin-forward")) {
            b.ms.put("(of which forward + loss)", t.get("myelin-forward"));
        }
        return b;
    }

    public Map<String, Double> phases() {
        return ms;
    }

    public double stepMs() {
        return step;
    }

    public String text(String workload) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT, "Breakdown of Myelin's step, %s: %.3g ms (medians, by subtraction)", workload, step));
        ms.forEach((k, v) -> lines.add(String.format(Locale.ROOT, "  %-28s %8.3f ms  %5.1f%%", k, v, 100 * v / step)));
        return String.join("\n", lines) + "\n";
    }
}
