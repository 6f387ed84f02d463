package org.myelin.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarnessTest {

    @TempDir
    Path tmp;

    @Test
    void npyRoundTripKeepsShapeAndValues() throws Exception {
        NpyFloats.Array a = new NpyFloats.Array(new float[] {1f, -2.5f, 3e-7f, 4f, 5f, 6f}, new long[] {2, 3});
        NpyFloats.write(tmp.resolve("a.npy"), a);
        NpyFloats.Array b = NpyFloats.read(tmp.resolve("a.npy"));
        assertArrayEquals(a.shape(), b.shape());
        assertArrayEquals(a.data(), b.data());
        assertEquals(0, (Files.size(tmp.resolve("a.npy")) - 6 * 4) % 64, "header padded to 64 bytes");
        NpyFloats.write(tmp.resolve("v.npy"), new NpyFloats.Array(new float[] {7f}, new long[] {1}));
        assertArrayEquals(new long[] {1}, NpyFloats.read(tmp.resolve("v.npy")).shape());
    }

    @Test
    void npyRejectsAShapeThatDoesNotHoldTheData() {
        assertThrows(IllegalArgumentException.class, () -> new NpyFloats.Array(new float[3], new long[] {2, 2}));
    }

    @Test
    void referenceGradientsMatchCentralDifferences() {
        int[] sizes = {4, 5, 3};
        int batch = 3;
        Random r = new Random(3);
        double[][] w = {gaussian(r, 20), gaussian(r, 15)};
        double[][] b = {gaussian(r, 5), gaussian(r, 3)};
        double[] x = gaussian(r, 12);
        int[] labels = {0, 2, 1};
        double[][][] g = ReferenceMlp.gradients(sizes, w, b, x, labels, batch);
        double h = 1e-6;
        for (int l = 0; l < 2; l++) {
            for (double[][] p : List.of(w, b)) {
                double[][] grads = p == w ? g[0] : g[1];
                for (int i = 0; i < p[l].length; i++) {
                    double keep = p[l][i];
                    p[l][i] = keep + h;
                    double up = ReferenceMlp.loss(sizes, w, b, x, labels, batch);
                    p[l][i] = keep - h;
                    double down = ReferenceMlp.loss(sizes, w, b, x, labels, batch);
                    p[l][i] = keep;
                    assertEquals((up - down) / (2 * h), grads[l][i], 1e-6, "layer " + l + " element " + i);
                }
            }
        }
    }

    private static double[] gaussian(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    @Test
    void exchangeComparesAgainstItsOwnGradients() throws Exception {
        Exchange ex = new Exchange(tmp);
        ReferenceMlp.writeExchange(ex, new int[] {6, 4, 3}, 5, 1);
        assertEquals(2, ex.layers());
        List<List<float[]>> g = ReferenceMlp.readGradients(ex);
        assertEquals(0.0, ex.worstError(g.get(0), g.get(1)));
        g.get(0).get(1)[0] += 1f;
        assertTrue(ex.worstError(g.get(0), g.get(1)) > Exchange.TOLERANCE);
    }

    @Test
    void relativeErrorIsScaledByTheLargestReferenceMagnitude() {
        assertEquals(0.01, Exchange.relativeError(new float[] {0.01f, 1f}, new float[] {0f, 1f}), 1e-6);
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, Exchange.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    }

    @Test
    void mlpStepHasEightGemmsOf308Megaflops() {
        Workload w = Workload.byName("mlp-adam-128");
        assertEquals(8, w.gemms());
        assertEquals(308_150_272, w.gemmFlops(), 1);
        assertEquals(3, Workload.byName("infer-128").gemms());
        assertEquals(26, Workload.byName("deep-adam-256").gemms());
        assertThrows(IllegalArgumentException.class, () -> Workload.byName("mlp-adam-64"));
    }

    @Test
    void timingReportsTheRequestedWindowsAndTheirMedian() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Timing.Measurement m = Timing.measure(Timing.Settings.tiny(), calls::incrementAndGet);
        assertEquals(2, m.windows().size());
        assertEquals(3, calls.get(), "one warm-up call and one call per zero-length window");
        Timing.Measurement fixed = new Timing.Measurement(
                List.of(
                        new Timing.Window(1, 3, 0, 0, false),
                        new Timing.Window(2, 2, 0, 0, true),
                        new Timing.Window(1, 2, 0, 0, false)),
                1);
        assertEquals(2, fixed.medianSecondsPerCall());
        assertEquals(1, fixed.minSecondsPerCall());
        assertEquals(3, fixed.maxSecondsPerCall());
        assertEquals(1, fixed.busyWindows());
    }

    @Test
    void otherCoresSubtractsThisProcessFromTheMachinesBusyTime() {
        // 2 CPUs, 200 ticks in all = 100 ticks of wall time; 150 busy, 50 of them ours: others used one CPU.
        MachineLoad.Snapshot a = new MachineLoad.Snapshot(1000, 400, 10, 2);
        MachineLoad.Snapshot b = new MachineLoad.Snapshot(1200, 550, 60, 2);
        assertEquals(1.0, MachineLoad.otherCores(a, b), 1e-12);
        assertTrue(Double.isNaN(MachineLoad.otherCores(null, b)));
    }

    @Test
    void resultSurvivesItsCsvLine() {
        Result r = new Result(
                "mlp-adam-128",
                "dl4j",
                128,
                10.5,
                9.5,
                12,
                7,
                1,
                2,
                0.3,
                1.9,
                2e-7,
                1.4e-4,
                Double.NaN,
                "busy",
                "a, b");
        Result back = Result.parse(r.toCsv());
        assertEquals(r.workload(), back.workload());
        assertEquals(10.5, back.msMedian());
        assertEquals(12_190.476, back.samplesPerSecond(), 1e-3);
        assertTrue(Double.isNaN(back.extra()));
        assertEquals(1.4e-4, back.trajectoryError());
        assertEquals("a; b", back.note());
    }

    @Test
    void workerRefusesToTimeAnEngineWhoseGradientsDisagree() throws Exception {
        ReferenceMlp.writeExchange(new Exchange(tmp.resolve("ex")), new int[] {12, 8, 6, 3}, 5, 1);
        AtomicBoolean prepared = new AtomicBoolean();
        WorkerMain.Engine wrong = new WorkerMain.Engine() {
            @Override
            public double gradientError(Workload w, Exchange ex) {
                return 0.5;
            }

            @Override
            public Timing.Step prepare(Workload w, Exchange ex) {
                prepared.set(true);
                return () -> 1;
            }

            @Override
            public Map<String, String> environment() {
                return Map.of();
            }
        };
        Path result = tmp.resolve("r.csv");
        int status = WorkerMain.run(
                new String[] {
                    "--engine",
                    "wrong",
                    "--workload",
                    "tiny-adam",
                    "--mode",
                    "tiny",
                    "--exchange",
                    tmp.resolve("ex").toString(),
                    "--result",
                    result.toString()
                },
                wrong);
        assertEquals(3, status);
        assertFalse(prepared.get());
        Result r = Result.readAll(result).get(0);
        assertEquals("refused", r.status());
        assertFalse(r.hasFigures());
    }
}
