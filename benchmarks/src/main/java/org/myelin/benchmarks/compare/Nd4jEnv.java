package org.myelin.benchmarks.compare;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.myelin.benchmarks.harness.MachineLoad;
import org.myelin.benchmarks.harness.NpyFloats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/** Helpers shared by the ND4J-based workers (Myelin, DL4J, gemm roofline): versions, array exchange, batches. */
final class Nd4jEnv {

    private Nd4jEnv() {}

    /** ND4J's version, BLAS vendor and thread settings. */
    static Map<String, String> environment() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("nd4j", mavenVersion("org.nd4j", "nd4j-api"));
        m.put("nd4j.backend", Nd4j.getBackend().getClass().getSimpleName());
        m.put("nd4j.blasVendor", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        m.put("nd4j.maxThreads", String.valueOf(Nd4j.getEnvironment().maxThreads()));
        m.put("nd4j.maxMasterThreads", String.valueOf(Nd4j.getEnvironment().maxMasterThreads()));
        m.put("loadavg.at.start", String.valueOf(MachineLoad.loadAverage()));
        return m;
    }

    /** The version in a jar's Maven metadata, or "unknown". */
    static String mavenVersion(String group, String artifact) {
        String res = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = Nd4jEnv.class.getResourceAsStream(res)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static INDArray toNd4j(NpyFloats.Array a) {
        return Nd4j.create(a.data(), a.shape(), 'c');
    }

    static NpyFloats.Array fromNd4j(INDArray a) {
        return new NpyFloats.Array(a.dup('c').data().asFloat(), a.shape());
    }

    /** Uniform [0, 1) features of {@code rows} samples, seeded. */
    static INDArray features(int rows, int cols, long seed) {
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, rows, cols);
        Nd4j.getExecutioner()
                .exec(new UniformDistribution(x, 0, 1), Nd4j.getRandomFactory().getNewRandomInstance(seed));
        return x;
    }

    /** One-hot float32 targets of labels {@code i % classes}, rows {@code [from, from + rows)}. */
    static INDArray oneHot(int[] labels, int classes) {
        INDArray t = Nd4j.zeros(DataType.FLOAT, labels.length, classes);
        for (int i = 0; i < labels.length; i++) {
            t.putScalar(i, labels[i], 1f);
        }
        return t;
    }

    static int[] cyclicLabels(int rows, int classes) {
        int[] l = new int[rows];
        for (int i = 0; i < rows; i++) {
            l[i] = i % classes;
        }
        return l;
    }
}
