package org.myelin.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.myelin.benchmarks.harness.ConvNet;
import org.myelin.benchmarks.harness.Exchange;
import org.myelin.benchmarks.harness.NpyFloats;
import org.myelin.benchmarks.harness.Timing;
import org.myelin.benchmarks.harness.Trajectory;
import org.myelin.benchmarks.harness.WorkerMain;
import org.myelin.benchmarks.harness.Workload;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The DL4J peer: a {@code MultiLayerNetwork} of the workload's sizes (DenseLayer + ReLU, OutputLayer softmax +
 * MCXENT), {@code WeightInit.RELU} (He normal, N(0, 2 / fan-in), as Myelin's), Adam or SGD with the same
 * hyper-parameters, float32, workspaces enabled (DL4J's default and best setting). Its weights are loaded from
 * the exchange, so every engine starts from the same point.
 *
 * <p>DL4J's {@code gradient()} is the sum over the batch (its updater divides by the mini-batch size before
 * applying), Myelin's the mean: the check divides DL4J's by B.
 */
public final class Dl4jWorker implements WorkerMain.Engine {

    public static void main(String[] args) {
        org.myelin.Blas.select(); // the BLAS is fixed when ND4J loads: MKL on Intel CPUs unless -Dmyelin.blas says
        System.exit(run(args));
    }

    static int run(String[] args) {
        return WorkerMain.run(args, new Dl4jWorker());
    }

    private String note;

    @Override
    public String note(Workload w) {
        return note;
    }

    /**
     * Which implementation DL4J's first convolution layer runs: its helper's class (OneDNN's {@code MKLDNNConvHelper}
     * where DL4J found it usable) or, without one, DL4J's own im2col + gemm in {@code ConvolutionLayer}.
     */
    static String convHelper(MultiLayerNetwork net) {
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer c) {
                Object helper = c.getHelper();
                return helper == null
                        ? "none (DL4J im2col + gemm)"
                        : helper.getClass().getSimpleName();
            }
        }
        return "none";
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> m = new LinkedHashMap<>(Nd4jEnv.environment());
        m.put("deeplearning4j", Nd4jEnv.mavenVersion("org.deeplearning4j", "deeplearning4j-nn"));
        return m;
    }

    static MultiLayerNetwork network(Workload w) {
        IUpdater updater = "sgd".equals(w.optimizer()) ? new Sgd(w.learningRate()) : new Adam(w.learningRate());
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();
        if (w.isConv()) {
            return convNetwork(w.net(), b);
        }
        int[] s = w.sizes();
        for (int i = 0; i < s.length - 2; i++) {
            b.layer(new DenseLayer.Builder()
                    .nIn(s[i])
                    .nOut(s[i + 1])
                    .activation(Activation.RELU)
                    .build());
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(s[s.length - 2])
                .nOut(s[s.length - 1])
                .activation(Activation.SOFTMAX)
                .build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /**
     * The CNN: {@code ConvolutionLayer} (ReLU; {@code ConvolutionMode.Same} or {@code Truncate}, stride 1),
     * {@code SubsamplingLayer} (MAX), {@code DenseLayer} (ReLU) and the softmax {@code OutputLayer}, one DL4J layer per
     * {@link ConvNet} layer; input type {@code convolutional(H, W, C)} (NCHW), so DL4J flattens before the first
     * dense layer in c-order as Myelin and PyTorch do.
     */
    private static MultiLayerNetwork convNetwork(ConvNet net, NeuralNetConfiguration.ListBuilder b) {
        List<ConvNet.Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            ConvNet.Layer l = layers.get(i);
            if (l instanceof ConvNet.Conv c) {
                b.layer(new ConvolutionLayer.Builder(c.kernel(), c.kernel())
                        .nOut(c.out())
                        .stride(1, 1)
                        .convolutionMode(c.same() ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                        .activation(Activation.RELU)
                        .build());
            } else if (l instanceof ConvNet.MaxPool p) {
                b.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(p.size(), p.size())
                        .stride(p.size(), p.size())
                        .build());
            } else if (l instanceof ConvNet.Dense d && i < layers.size() - 1) {
                b.layer(new DenseLayer.Builder()
                        .nOut(d.out())
                        .activation(Activation.RELU)
                        .build());
            } else if (l instanceof ConvNet.Dense d) {
                b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(d.out())
                        .activation(Activation.SOFTMAX)
                        .build());
            }
        }
        b.setInputType(InputType.convolutional(net.height(), net.width(), net.channels()));
        MultiLayerNetwork m = new MultiLayerNetwork(b.build());
        m.init();
        return m;
    }

    /** DL4J's indices of the layers with parameters (every MLP layer; a CNN's convolutions and dense layers). */
    static List<Integer> parameterLayers(Workload w) {
        List<Integer> out = new ArrayList<>();
        int n = w.isConv() ? w.net().layers().size() : w.layers();
        for (int i = 0; i < n; i++) {
            if (!w.isConv() || !(w.net().layers().get(i) instanceof ConvNet.MaxPool)) {
                out.add(i);
            }
        }
        return out;
    }

    static void loadWeights(MultiLayerNetwork net, Workload wl, Exchange ex) throws java.io.IOException {
        List<NpyFloats.Array> w = ex.weights();
        List<NpyFloats.Array> bias = ex.biases();
        List<Integer> layers = parameterLayers(wl);
        if (w.size() != layers.size()) {
            throw new IllegalArgumentException(
                    "exchange " + ex.dir() + " has " + w.size() + " layers, the DL4J network " + layers.size());
        }
        for (int i = 0; i < w.size(); i++) {
            int l = layers.get(i);
            // Conv weights are [out, in, kh, kw] in both; DL4J keeps biases as [1, out].
            net.setParam(
                    l + "_W",
                    Nd4jEnv.toNd4j(w.get(i)).reshape(net.getParam(l + "_W").shape()));
            net.setParam(
                    l + "_b",
                    Nd4jEnv.toNd4j(bias.get(i)).reshape(net.getParam(l + "_b").shape()));
        }
    }

    @Override
    public double gradientError(Workload w, Exchange ex) throws Exception {
        MultiLayerNetwork net = network(w);
        loadWeights(net, w, ex);
        INDArray x = Nd4jEnv.toNd4j(NpyFloats.read(ex.features()));
        int[] labels = ex.labelIndices();
        net.setInput(x);
        net.setLabels(Nd4jEnv.oneHot(labels, w.classes()));
        net.computeGradientAndScore();
        Gradient g = net.gradient();
        List<float[]> gw = new ArrayList<>();
        List<float[]> gb = new ArrayList<>();
        double perSample = 1.0 / labels.length;
        for (int i : parameterLayers(w)) {
            gw.add(Nd4jEnv.fromNd4j(g.getGradientFor(i + "_W").mul(perSample)).data());
            gb.add(Nd4jEnv.fromNd4j(g.getGradientFor(i + "_b").mul(perSample)).data());
        }
        return ex.worstError(gw, gb);
    }

    /** DL4J's Adam adds eps to sqrt(v) before the bias correction (the paper's epsilon-hat form). */
    @Override
    public Trajectory.AdamForm adamForm() {
        return Trajectory.AdamForm.EPS_HAT;
    }

    /** None for the CNN workloads (see {@code MyelinWorker#trainedParameters}). */
    @Override
    public List<float[]> trainedParameters(Workload w, Exchange ex, NpyFloats.Array x, int[] labels, int steps)
            throws Exception {
        if (w.isConv()) {
            return null;
        }
        MultiLayerNetwork net = network(w);
        loadWeights(net, w, ex);
        DataSet batch = new DataSet(Nd4jEnv.toNd4j(x), Nd4jEnv.oneHot(labels, w.classes()));
        for (int t = 0; t < steps; t++) {
            net.fit(batch);
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < w.layers(); i++) {
            out.add(Nd4jEnv.fromNd4j(net.getParam(i + "_W")).data());
            out.add(Nd4jEnv.fromNd4j(net.getParam(i + "_b")).data());
        }
        return out;
    }

    @Override
    public Timing.Step prepare(Workload w, Exchange ex) throws Exception {
        MultiLayerNetwork net = network(w);
        if (ex != null) {
            loadWeights(net, w, ex);
        }
        int n = 4;
        DataSet[] pool = new DataSet[n];
        INDArray t = Nd4jEnv.oneHot(Nd4jEnv.cyclicLabels(w.batch(), w.classes()), w.classes());
        for (int i = 0; i < n; i++) {
            pool[i] = new DataSet(MyelinWorker.input(w, Nd4jEnv.features(w.batch(), w.sizes()[0], 100 + i)), t);
        }
        if (w.isConv()) {
            note = "conv helper: " + convHelper(net);
        }
        int[] next = {0};
        if (w.kind() == Workload.Kind.INFER) {
            return () -> net.output(pool[next[0]++ % n].getFeatures(), false).getFloat(0);
        }
        return () -> {
            net.fit(pool[next[0]++ % n]);
            return net;
        };
    }
}
