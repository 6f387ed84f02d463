package org.myelin.benchmarks;

/** Conditions every benchmark here checks before measuring. */
final class BenchmarkEnvironment {

    private BenchmarkEnvironment() {}

    /**
     * Refuses to measure unless {@code OMP_WAIT_POLICY=PASSIVE}: with OpenMP's default policy ND4J's idle
     * threads spin and the figures are not comparable with the rest of docs/benchmarks.md. JMH's {@code @Fork}
     * cannot set environment variables; forks inherit the launcher's, so start the jar with
     * {@code OMP_WAIT_POLICY=PASSIVE java -jar benchmarks/target/benchmarks.jar ...}.
     */
    static void requirePassiveOpenMp() {
        // Every benchmark's @Setup starts here, before it creates ND4J arrays: the BLAS is chosen as the command
        // line chooses it (MKL on Intel CPUs, org.myelin.Blas); -Dmyelin.blas=openblas in jvmArgs to compare.
        org.myelin.Blas.select();
        String policy = System.getenv("OMP_WAIT_POLICY");
        if (!"PASSIVE".equalsIgnoreCase(policy) && !Boolean.getBoolean("myelin.bench.anyOmpPolicy")) {
            throw new IllegalStateException("OMP_WAIT_POLICY is " + policy + "; run with OMP_WAIT_POLICY=PASSIVE"
                    + " (or -Dmyelin.bench.anyOmpPolicy=true in the fork's jvmArgs to measure anyway)");
        }
    }
}
