package org.myelin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the BLAS library that ND4J's CPU backend calls for its gemms: OpenBLAS (bundled with ND4J) or Intel MKL
 * (the JavaCPP {@code org.bytedeco:mkl} redistributable, which the engine's {@code cpu} profile puts on the class
 * path).
 *
 * <p>Why it matters: on the Intel Xeon (AVX-512) machines this engine is developed on, OpenBLAS 0.3.19 ran the MNIST
 * MLP's gemms at 30-55 GFLOP/s and MKL at 190-260 GFLOP/s, a 3x shorter training step (docs/benchmarks.md). On AMD
 * CPUs MKL was no faster than OpenBLAS's AVX-512 kernels (Zen 4), and on a Zen 3 its faster products at small
 * batches did not make the training step faster (its threads share the second core with the engine's helper),
 * hence the choice by CPU vendor.
 *
 * <p>How: ND4J loads its BLAS through JavaCPP's OpenBLAS preset, which loads the library named by the system
 * property {@code org.bytedeco.openblas.load} instead of OpenBLAS when it is set ({@code mkl_rt}). The property is
 * read once, when ND4J first loads its natives, so {@link #select()} must run before anything touches ND4J: the
 * command line, the benchmarks and the test run call it first thing. A library user either calls it first or sets
 * {@code -Dorg.bytedeco.openblas.load=mkl_rt} on the command line.
 *
 * <p>Setting: {@code -Dmyelin.blas=auto|mkl|openblas} (default {@code auto}: MKL when its natives are on the class
 * path and the CPU is an Intel one). An explicit {@code org.bytedeco.openblas.load} always wins.
 *
 * <p>Threads: MKL runs on Intel's OpenMP runtime, which honours {@code OMP_WAIT_POLICY=PASSIVE} (needed for ND4J's
 * own pool) by putting its threads to sleep after every gemm; {@code KMP_BLOCKTIME=200} (ms) keeps MKL's threads
 * awake between the gemms of a step. Both are environment variables read when the libraries load, so the
 * launchers set them; {@link Runtime#info()} warns when they are missing.
 */
public final class Blas {
    private static final Logger log = LoggerFactory.getLogger(Blas.class);

    /** System property selecting the BLAS: {@code auto} (default), {@code mkl} or {@code openblas}. */
    public static final String PROPERTY = "myelin.blas";
    /** JavaCPP's property naming the library its OpenBLAS preset loads in place of OpenBLAS. */
    static final String JAVACPP_LOAD = "org.bytedeco.openblas.load";
    /** A resource present exactly when the MKL redistributable for this platform is on the class path. */
    static final String MKL_RESOURCE = "org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2";

    private Blas() {}

    /** The library ND4J will load. */
    public enum Choice {
        OPENBLAS,
        MKL
    }

    /**
     * Applies {@code -Dmyelin.blas} before ND4J loads (idempotent; later calls change nothing once ND4J is loaded).
     *
     * @return the library chosen
     * @throws IllegalArgumentException when {@code myelin.blas} has another value, or is {@code mkl} and MKL is not
     *                                  on the class path
     */
    public static Choice select() {
        String explicit = System.getProperty(JAVACPP_LOAD);
        if (explicit != null && !explicit.isBlank()) {
            return explicit.toLowerCase(Locale.ROOT).contains("mkl") ? Choice.MKL : Choice.OPENBLAS;
        }
        Choice c = decide(System.getProperty(PROPERTY, "auto"), mklAvailable(), cpuVendor());
        if (c == Choice.MKL) {
            System.setProperty(JAVACPP_LOAD, "mkl_rt");
        }
        log.debug(
                "BLAS: {} (myelin.blas={}, MKL on the class path: {}, CPU vendor: {})",
                c,
                System.getProperty(PROPERTY, "auto"),
                mklAvailable(),
                cpuVendor());
        return c;
    }

    /** The decision of {@link #select()}, separated from the machine for testing. */
    static Choice decide(String setting, boolean mklAvailable, String cpuVendor) {
        switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "openblas":
                return Choice.OPENBLAS;
            case "mkl":
                if (!mklAvailable) {
                    throw new IllegalArgumentException(
                            "-D" + PROPERTY + "=mkl, but the MKL natives (" + MKL_RESOURCE
                                    + ", artifact org.bytedeco:mkl:2022.0-1.5.7:linux-x86_64-redist) are not on the class path");
                }
                return Choice.MKL;
            case "auto":
                return mklAvailable && "GenuineIntel".equals(cpuVendor) ? Choice.MKL : Choice.OPENBLAS;
            default:
                // -D in front, as the messages of -Dmyelin.kernels and -Dmyelin.gemmSplit have it.
                throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, mkl or openblas, was '"
                        + org.myelin.io.Text.shorten(setting, 40) + "'");
        }
    }

    /** Whether the MKL redistributable for this platform is on the class path ({@code -Dmyelin.blas=mkl} needs it). */
    public static boolean mklAvailable() {
        return Blas.class.getClassLoader().getResource(MKL_RESOURCE) != null;
    }

    /** The {@code vendor_id} of the first CPU in {@code /proc/cpuinfo}, or "" where there is none (not Linux). */
    static String cpuVendor() {
        return Cpu.VENDOR;
    }

    /** Whether the CPU has the AVX-512 subsets of OpenBLAS's SkylakeX kernels (F, BW, DQ, VL). */
    static boolean cpuHasAvx512() {
        return Cpu.AVX512;
    }

    /** Read once: {@link #select()} may be called at the start of every distributed task. */
    private static final class Cpu {
        static final String VENDOR = field("vendor_id");
        static final boolean AVX512 = java.util.Arrays.asList(field("flags").split("\\s+"))
                .containsAll(java.util.List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"));

        private static String field(String name) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith(name)) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException | SecurityException e) {
                log.debug("cannot read /proc/cpuinfo: {}", e.toString());
            }
            return "";
        }
    }
}
