package org.myelin.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.benchmarks.harness.Result;

class ReportTest {

    @TempDir
    Path tmp;

    private static Result row(String workload, String engine, int batch, double ms) {
        return new Result(
                workload,
                engine,
                batch,
                ms,
                ms * 0.9,
                ms * 1.2,
                7,
                0,
                0,
                0.01,
                1.5,
                Double.NaN,
                Double.NaN,
                engine.equals("gemm") ? 70 : Double.NaN,
                "ok",
                "");
    }

    private static List<Result> rows() {
        List<Result> r = new ArrayList<>();
        r.add(row("mlp-adam-128", "myelin-native", 128, 8));
        r.add(row("mlp-adam-128", "myelin-nd4j", 128, 16));
        r.add(row("mlp-adam-128", "dl4j", 128, 40));
        r.add(row("mlp-adam-128", "pytorch", 128, 10));
        r.add(row("mlp-adam-128", "gemm", 128, 4));
        r.add(Result.without(
                org.myelin.benchmarks.harness.Workload.byName("infer-128"),
                "pytorch",
                0.3,
                "refused",
                "gradients disagree"));
        r.add(row("infer-128", "myelin-native", 128, 1));
        return r;
    }

    @Test
    void ratiosAndGemmShareComeFromTheSameRun() {
        Report rep = new Report(rows());
        assertEquals(5.0, rep.ratio(rows().get(2)), 1e-12, "DL4J 40 ms vs Myelin 8 ms");
        assertEquals(0.5, rep.gemmShare(rows().get(0)), 1e-12, "4 ms of gemms in an 8 ms step");
        assertTrue(Double.isNaN(rep.gemmShare(rows().get(2))), "no gemm share for peers");
        List<String> t = rep.targets();
        assertTrue(
                t.stream()
                        .anyMatch(s -> s.startsWith(
                                "mlp-adam-128 MISSED: Myelin 1.25x pytorch (target >= 2.0x) - short by 38%")),
                t.toString());
        assertTrue(
                t.stream()
                        .anyMatch(s ->
                                s.startsWith("mlp-adam-128 MISSED: Myelin 5.00x dl4j (target >= 6.0x) - short by 17%")),
                t.toString());
        assertTrue(t.stream().anyMatch(s -> s.contains("gemm share 50% (target >= 70%)")), t.toString());
        assertTrue(rep.anyTargetMissed());
    }

    @Test
    void spikingRowsAreJudgedAgainstRealTimeAndBrian2() throws Exception {
        List<Result> r = new ArrayList<>();
        // 1 ms steps: Myelin 0.05 ms per step (20x real time), Brian2 C++ 0.2 ms (5x); 0.1 ms steps: Myelin 0.05 ms
        // (2x real time) against Brian2's 0.08 ms.
        r.add(new Result(
                "spiking-10k",
                "myelin-native",
                1,
                0.05,
                0.05,
                0.05,
                7,
                0,
                0,
                0,
                1,
                Double.NaN,
                Double.NaN,
                20,
                "ok",
                ""));
        r.add(new Result(
                "spiking-10k", "brian2-cpp", 1, 0.2, 0.2, 0.2, 1, 0, 0, 0, 1, Double.NaN, Double.NaN, 5, "ok", ""));
        r.add(new Result(
                "spiking-10k-dt0.1",
                "myelin-native",
                1,
                0.05,
                0.05,
                0.05,
                7,
                0,
                0,
                0,
                1,
                Double.NaN,
                Double.NaN,
                2,
                "ok",
                ""));
        r.add(new Result(
                "spiking-10k-dt0.1",
                "brian2-cpp",
                1,
                0.08,
                0.08,
                0.08,
                1,
                0,
                0,
                0,
                1,
                Double.NaN,
                Double.NaN,
                1.25,
                "ok",
                ""));
        List<String> t = new Report(r).targets();
        assertTrue(t.contains("spiking-10k MET: Myelin 4.00x brian2-cpp (target >= 2.0x)"), t.toString());
        assertTrue(
                t.stream().anyMatch(s -> s.startsWith("spiking-10k-dt0.1 MISSED: Myelin 1.60x brian2-cpp")),
                t.toString());
        assertTrue(t.contains("spiking-10k MET: Myelin 20.0 simulated s per wall s (target >= 10)"), t.toString());
        assertTrue(
                t.contains("spiking-10k-dt0.1 MISSED: Myelin 2.00 simulated s per wall s (target >= 4)"), t.toString());
        new Report(r).writeChart(tmp.resolve("chart.png"), "spiking only"); // nothing to chart: no file, no error
        assertTrue(!Files.exists(tmp.resolve("chart.png")));
    }

    @ParameterizedTest(name = "myelin-{0} against gemm-{0}")
    @CsvSource({"openblas, 12, 6", "mkl, 10, 4"})
    void aRowOnAForcedBlasIsMeasuredAgainstThatBlassRoofline(String blas, double stepMs, double gemmMs) {
        List<Result> r = rows();
        Result forced = row("mlp-adam-128", "myelin-" + blas, 128, stepMs);
        r.add(forced);
        r.add(row("mlp-adam-128", "gemm-" + blas, 128, gemmMs));
        Report rep = new Report(r);
        assertEquals(gemmMs / stepMs, rep.gemmShare(forced), 1e-12);
        assertEquals(0.5, rep.gemmShare(r.get(0)), 1e-12, "myelin-native keeps the roofline of the chosen BLAS");
        assertTrue(rep.text().contains("gemm (" + blas + ")"), rep.text());
        assertEquals(blas, Report.forcedBlas("gemm-" + blas));
        assertEquals(null, Report.forcedBlas("myelin-native"));
    }

    @Test
    void aGemmShareAboveOneAndBusyRowsAreNotVerdicts() {
        List<Result> r = new ArrayList<>();
        r.add(row("mlp-adam-128", "myelin-native", 128, 8));
        r.add(new Result(
                "mlp-adam-128", "gemm", 128, 12, 11, 13, 7, 3, 7, 1.5, 8, Double.NaN, Double.NaN, 20, "busy", ""));
        List<String> t = new Report(r).targets();
        assertEquals(1, t.size());
        assertTrue(t.get(0).startsWith("mlp-adam-128 INVALID: gemm share 150%"), t.get(0));
        assertTrue(t.get(0).endsWith("[measured while the machine was busy: not a valid verdict]"), t.get(0));
    }

    @Test
    void tableCsvAndChartAreWritten() throws Exception {
        Report rep = new Report(rows());
        String text = rep.text();
        assertTrue(text.contains("16,000 [13,333-17,778]"), text);
        assertTrue(text.contains("refused"), text);
        assertTrue(rep.markdown().startsWith("| workload | engine |"));
        rep.writeCsv(tmp.resolve("r.csv"));
        List<String> csv = Files.readAllLines(tmp.resolve("r.csv"));
        assertEquals(8, csv.size());
        assertTrue(csv.get(1).endsWith(",16000.0,13333.3,17777.8,1.00000,0.500000"), csv.get(1));
        rep.writeChart(tmp.resolve("c.png"), "test");
        assertTrue(Files.size(tmp.resolve("c.png")) > 1000);
    }

    @Test
    void theLibraryApiRowIsJudgedAgainstMyelinNative() {
        List<Result> r = rows();
        r.add(row("mlp-adam-128", "myelin-api", 128, 8.4));
        r.add(row("infer-128", "myelin-api", 128, 1.2));
        Report rep = new Report(r);
        List<String> t = rep.targets();
        assertTrue(
                t.contains("mlp-adam-128 MET: the library API is 5% slower than myelin-native"
                        + " (target: at most 10% slower)"),
                t.toString());
        assertTrue(
                t.contains("infer-128 MISSED: the library API is 20% slower than myelin-native"
                        + " (target: at most 10% slower)"),
                t.toString());
        assertEquals(
                8.4 / 8, rep.ratio(r.get(r.size() - 2)), 1e-12, "the ratio column: native samples/s over the API's");
        assertTrue(rep.text().contains("myelin-api"), rep.text());
        r.set(r.size() - 1, row("infer-128", "myelin-api", 128, 0.9));
        assertTrue(
                new Report(r)
                        .targets()
                        .contains("infer-128 MET: the library API is 10% faster than myelin-native"
                                + " (target: at most 10% slower)"),
                new Report(r).targets().toString());
    }

    @Test
    void breakdownSubtractsThePhases() {
        List<Result> r = new ArrayList<>(rows());
        r.add(row("mlp-adam-128", "myelin-forward", 128, 3));
        r.add(row("mlp-adam-128", "myelin-backward", 128, 5.5));
        r.add(row("mlp-adam-128", "myelin-manual", 128, 7));
        r.add(row("mlp-adam-128", "myelin-loss", 128, 0.5));
        Breakdown b = Breakdown.of("mlp-adam-128", r);
        assertNotNull(b);
        assertEquals(4, b.phases().get("gemm (roofline)"), 1e-12);
        assertEquals(1, b.phases().get("bias/activation/autograd"), 1e-12);
        assertEquals(1.5, b.phases().get("optimiser"), 1e-12);
        assertEquals(1, b.phases().get("other (trainer)"), 1e-12);
        assertTrue(b.text("mlp-adam-128").contains("optimiser"));
    }

    @Test
    void runnerOptionsRejectUnknownEnginesAndWorkloads() {
        assertThrows(IllegalArgumentException.class, () -> Runner.Options.parse(new String[] {"--engines", "tf"}));
        assertThrows(IllegalArgumentException.class, () -> Runner.Options.parse(new String[] {"--workloads", "x"}));
        Runner.Options o = Runner.Options.parse(new String[] {"--quick", "--threads", "4", "--out", "o"});
        assertEquals("quick", o.mode());
        assertEquals(4, o.threads());
        assertEquals(11, o.workloads().size(), "10 workloads and the spiking network at dt = 0.1 ms");
    }
}
