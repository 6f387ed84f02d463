package org.myelin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What Myelin runs on: backend, BLAS, threads, kernel path; and the environment checks that matter for speed. */
public final class EngineInfo {
    private static final Logger log = LoggerFactory.getLogger(EngineInfo.class);
    private static volatile boolean logged;

    private EngineInfo() {}

    /** A snapshot of the runtime facts, in display order, and the warnings that apply. */
    public record Info(Map<String, String> facts, List<String> warnings) {
        public String render() {
            StringBuilder sb = new StringBuilder();
            facts.forEach((k, v) -> sb.append(String.format("%-18s %s%n", k + ":", v)));
            return sb.toString().stripTrailing();
        }
    }

    public static Info info() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("myelin", version());
        f.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        f.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        f.put("device", Nd4j.getEnvironment().isCPU() ? "cpu" : "gpu");
        f.put("data type", Nd4j.dataType().toString().toLowerCase() + " (ND4J default; Myelin uses the inputs' type)");
        f.put("blas", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        String gemm = org.myelin.kernel.Gemm.describe(); // first: it may set the BLAS's threads (GemmSplit)
        f.put("blas threads", String.valueOf(Nd4j.factory().blas().getMaxThreads()));
        f.put("gemm calls", gemm);
        f.put("nd4j threads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        f.put("cpus", String.valueOf(java.lang.Runtime.getRuntime().availableProcessors()));
        String wait = System.getenv("OMP_WAIT_POLICY");
        f.put("OMP_WAIT_POLICY", wait == null ? "(unset)" : wait);
        String blockTime = System.getenv("KMP_BLOCKTIME");
        boolean mkl = f.get("blas").toUpperCase(java.util.Locale.ROOT).contains("MKL");
        if (mkl) {
            f.put("KMP_BLOCKTIME", blockTime == null ? "(unset)" : blockTime);
        }
        f.put("native kernels", org.myelin.kernel.Kernels.describe());
        List<String> warnings = new ArrayList<>();
        if (mkl && blockTime == null && wait != null && wait.equalsIgnoreCase("PASSIVE")) {
            warnings.add("MKL's threads sleep after every gemm under OMP_WAIT_POLICY=PASSIVE unless KMP_BLOCKTIME is"
                    + " set; set KMP_BLOCKTIME=200 before starting the JVM (scripts/myelin does)");
        }
        if (!mkl && System.getenv("OPENBLAS_CORETYPE") == null && Blas.cpuHasAvx512()) {
            warnings.add("OpenBLAS 0.3.19 may not know this AVX-512 CPU and fall back to its slow SSE3 kernels (5-6x"
                    + " slower gemms on Intel family 6 model 207); set OPENBLAS_CORETYPE=SkylakeX before starting the"
                    + " JVM (scripts/myelin does)");
        }
        if (!mkl
                && Blas.mklAvailable()
                && "GenuineIntel".equals(Blas.cpuVendor())
                && !"openblas"
                        .equalsIgnoreCase(
                                System.getProperty(Blas.PROPERTY, "auto").trim())) {
            warnings.add("ND4J runs on OpenBLAS although MKL is on the class path of this Intel CPU, where MKL's gemms"
                    + " were ~3x faster; call org.myelin.Blas.select() before ND4J loads, or start the JVM with"
                    + " -Dorg.bytedeco.openblas.load=mkl_rt (-D" + Blas.PROPERTY + "=openblas silences this)");
        }
        if (wait == null || !wait.equalsIgnoreCase("PASSIVE")) {
            warnings.add("OMP_WAIT_POLICY is " + (wait == null ? "unset" : wait) + ": ND4J's OpenMP threads spin and"
                    + " starve OpenBLAS (gemms ~2.8x slower on 2 cores); set OMP_WAIT_POLICY=PASSIVE before starting"
                    + " the JVM (scripts/myelin does)");
        }
        return new Info(f, warnings);
    }

    /** Logs the backend, data type and kernel path once per process (the engine calls this when training starts). */
    public static void logOnce() {
        if (logged) {
            return;
        }
        logged = true;
        Info i = info();
        log.info(
                "backend {} ({}), blas {} x{} ({}), {}",
                i.facts().get("backend"),
                i.facts().get("device"),
                i.facts().get("blas"),
                i.facts().get("blas threads"),
                i.facts().get("gemm calls"),
                i.facts().get("native kernels"));
        i.warnings().forEach(log::warn);
    }

    public static String version() {
        String v = EngineInfo.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
