package org.myelin.benchmarks.compare;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.benchmarks.harness.Exchange;
import org.myelin.benchmarks.harness.NpyFloats;
import org.myelin.benchmarks.harness.Timing;
import org.myelin.benchmarks.harness.WorkerMain;
import org.myelin.benchmarks.harness.Workload;
import org.myelin.data.Dataset;
import org.myelin.kernel.Kernels;
import org.myelin.neuro.Lif;
import org.myelin.neuro.LifPopulation;
import org.myelin.neuro.Network;
import org.myelin.neuro.PoissonPopulation;
import org.myelin.neuro.SpikeProbe;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.train.Callback;
import org.myelin.train.EpochRecord;
import org.myelin.train.LossFunction;
import org.myelin.train.StepWorkspace;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Myelin's worker. Engines (the {@code --engine} name picks what is timed):
 * <ul>
 *   <li>{@code myelin-native}, {@code myelin-nd4j}: training through the engine's {@link Trainer} (an epoch of
 *   2 to {@link #MAX_STEPS} steps per call, about 2 GFLOP of gemms, timed per step), inference as the evaluator
 *   runs it (no recording, a reused workspace). The launcher picks the kernel path
 *   ({@code -Dmyelin.kernels=nd4j} for the second). The spiking workloads: one step of the network of {@code SpikingNetworkBenchmark} at the workload's dt; its
 *   mean output rate (over 2 simulated seconds after 0.2 s of warm-up, in a twin network with a spike probe, so the
 *   timed one records nothing) goes into the result's note, where the runner reads it for the Brian2 rows.</li>
 *   <li>{@code myelin-api}: the same workloads through the public API only, written as the README's "Using Myelin
 *   as a library" example writes it (typed optimiser builder, a {@code Trainer} with default options per one-epoch
 *   {@code fit}; inference as {@code model.forward} in a no-grad scope, no workspace of the worker's), so the report
 *   shows whether a library user gets the worker's speed.</li>
 *   <li>phases of the same training step through the public API, in a workspace as the trainer uses, for the
 *   breakdown by subtraction: {@code myelin-forward} (forward + loss, recording), {@code myelin-backward}
 *   (+ backward), {@code myelin-manual} (+ optimiser step), {@code myelin-loss} (the loss alone on fixed logits,
 *   forward and backward).</li>
 * </ul>
 * Gradients: with an empty exchange directory this worker writes it (the reference every peer checks against);
 * otherwise it checks its own gradients against it (so the ND4J path is checked against the native one).
 */
public final class MyelinWorker implements WorkerMain.Engine {
    /** The engine that drives the model only through the public API, as a library user does. */
    static final String API = Report.MYELIN_API;
    /** Most training steps per timed call (one epoch of the trainer). */
    static final int MAX_STEPS = 16;
    /** Rows of the batch in the exchange. */
    static final int EXCHANGE_ROWS = 32;

    private final String engine;
    private final boolean tiny;
    private int stepsPerCall = 1;
    private String note;
    /** Simulated seconds over which the spiking workload's mean output rate is measured. */
    static final double RATE_SECONDS = 2.0;

    MyelinWorker(String engine, boolean tiny) {
        this.engine = engine;
        this.tiny = tiny;
    }

    public static void main(String[] args) {
        org.myelin.Blas.select(); // the BLAS is fixed when ND4J loads: MKL on Intel CPUs unless -Dmyelin.blas says
        System.exit(run(args));
    }

    /** The worker without exiting (for the smoke tests). */
    static int run(String[] args) {
        WorkerMain.Args a = WorkerMain.Args.parse(args);
        return WorkerMain.run(args, new MyelinWorker(a.engine(), "tiny".equals(a.mode())));
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> m = new LinkedHashMap<>(Nd4jEnv.environment());
        m.put("myelin.kernels", Kernels.describe());
        return m;
    }

    @Override
    public int stepsPerCall() {
        return stepsPerCall;
    }

    @Override
    public double extra(Workload w, double secondsPerStep) {
        return w.kind() == Workload.Kind.SPIKING ? w.dt() / secondsPerStep : Double.NaN; // simulated s per wall s
    }

    @Override
    public String note(Workload w) {
        return note;
    }

    static Sequential model(Workload w) {
        if (w.isConv()) {
            return ConvModels.build(w.net(), 1);
        }
        return Models.mlpBuilder(w.sizes())
                .optSeed(1)
                .optWeightInit(Inits.heNormal())
                .build();
    }

    /** The (weight, bias) pair of every layer with parameters, in order: Dense [in, out], Conv2d [out, in, kh, kw]. */
    static List<Tensor[]> parameterLayers(Sequential model) {
        List<Tensor[]> d = new ArrayList<>();
        for (Module m : model.layers()) {
            if (m instanceof Dense || m instanceof Conv2d) {
                d.add(new Tensor[] {
                    m.namedParameters().get("weight"), m.namedParameters().get("bias")
                });
            }
        }
        return d;
    }

    static void loadWeights(Sequential model, Exchange ex) throws java.io.IOException {
        List<Tensor[]> layers = parameterLayers(model);
        List<NpyFloats.Array> w = ex.weights();
        List<NpyFloats.Array> b = ex.biases();
        if (w.size() != layers.size()) {
            throw new IllegalArgumentException(
                    "exchange " + ex.dir() + " has " + w.size() + " layers, the model " + layers.size());
        }
        for (int i = 0; i < layers.size(); i++) {
            INDArray weight = layers.get(i)[0].value();
            weight.assign(Nd4jEnv.toNd4j(w.get(i)).reshape(weight.shape()));
            layers.get(i)[1].value().assign(Nd4jEnv.toNd4j(b.get(i)));
        }
    }

    /** Features {@code [rows, C H W]} as the workload's input: unchanged for an MLP, {@code [rows, C, H, W]} for a CNN. */
    static INDArray input(Workload w, INDArray x) {
        return w.isConv()
                ? x.reshape(
                        'c',
                        x.size(0),
                        w.net().channels(),
                        w.net().height(),
                        w.net().width())
                : x;
    }

    @Override
    public double gradientError(Workload w, Exchange ex) throws Exception {
        if (w.kind() == Workload.Kind.SPIKING) {
            return Double.NaN;
        }
        Sequential model = model(w);
        boolean write = ex.layers() == 0;
        INDArray x;
        int[] labels;
        if (write) {
            Files.createDirectories(ex.dir());
            int rows = tiny ? Math.min(w.batch(), 8) : EXCHANGE_ROWS;
            x = input(w, Nd4jEnv.features(rows, w.sizes()[0], 7));
            labels = Nd4jEnv.cyclicLabels(rows, w.classes());
        } else {
            loadWeights(model, ex);
            x = Nd4jEnv.toNd4j(NpyFloats.read(ex.features()));
            labels = ex.labelIndices();
        }
        Tensor out = model.forward(Tensor.constant(x));
        Tensor loss =
                LossFunction.SOFTMAX_CROSS_ENTROPY.apply(out, Tensor.constant(Nd4jEnv.oneHot(labels, w.classes())));
        loss.backward();
        List<Tensor[]> layers = parameterLayers(model);
        List<float[]> gw = new ArrayList<>();
        List<float[]> gb = new ArrayList<>();
        for (Tensor[] d : layers) {
            gw.add(Nd4jEnv.fromNd4j(d[0].grad()).data());
            gb.add(Nd4jEnv.fromNd4j(d[1].grad()).data());
        }
        if (!write) {
            return ex.worstError(gw, gb);
        }
        for (int i = 0; i < layers.size(); i++) {
            Tensor[] d = layers.get(i);
            NpyFloats.write(ex.weight(i), Nd4jEnv.fromNd4j(d[0].value()));
            NpyFloats.write(ex.bias(i), Nd4jEnv.fromNd4j(d[1].value()));
            NpyFloats.write(ex.weightGrad(i), Nd4jEnv.fromNd4j(d[0].grad()));
            NpyFloats.write(ex.biasGrad(i), Nd4jEnv.fromNd4j(d[1].grad()));
        }
        float[] lf = new float[labels.length];
        for (int i = 0; i < lf.length; i++) {
            lf[i] = labels[i];
        }
        NpyFloats.write(ex.features(), Nd4jEnv.fromNd4j(x));
        NpyFloats.write(ex.labels(), new NpyFloats.Array(lf, new long[] {lf.length}));
        return Double.NaN;
    }

    /**
     * The trajectory check: the workload's optimiser through the public API on the active kernel path. None for the
     * CNN workloads (the float64 run is an MLP; their optimiser is the one the MLP workloads check).
     */
    @Override
    public List<float[]> trainedParameters(Workload w, Exchange ex, NpyFloats.Array x, int[] labels, int steps)
            throws Exception {
        if (w.isConv()) {
            return null;
        }
        Sequential model = model(w);
        loadWeights(model, ex);
        Optimizer opt = optimizer(w, model);
        Tensor in = Tensor.constant(Nd4jEnv.toNd4j(x));
        Tensor target = Tensor.constant(Nd4jEnv.oneHot(labels, w.classes()));
        for (int t = 0; t < steps; t++) {
            opt.zeroGrad();
            LossFunction.SOFTMAX_CROSS_ENTROPY.apply(model.forward(in), target).backward();
            opt.step();
        }
        List<float[]> out = new ArrayList<>();
        for (Tensor[] d : parameterLayers(model)) {
            out.add(Nd4jEnv.fromNd4j(d[0].value()).data());
            out.add(Nd4jEnv.fromNd4j(d[1].value()).data());
        }
        return out;
    }

    @Override
    public Timing.Step prepare(Workload w, Exchange ex) throws Exception {
        if (w.kind() == Workload.Kind.SPIKING) {
            int neurons = tiny ? 100 : 10_000;
            Network probed = spikingNetwork(neurons, tiny ? 50 : 1000, w.dt());
            SpikeProbe probe = probed.probeSpikes(probed.populations().get(1));
            double seconds = tiny ? 0.2 : RATE_SECONDS;
            probed.run(seconds);
            note = String.format(java.util.Locale.ROOT, "mean rate %.2f Hz", probe.count() / (neurons * seconds));
            Network net = spikingNetwork(neurons, tiny ? 50 : 1000, w.dt());
            return () -> {
                net.step();
                return net;
            };
        }
        Sequential model = model(w);
        if (ex != null && ex.layers() > 0) {
            loadWeights(model, ex);
        }
        if (w.kind() == Workload.Kind.INFER) {
            return engine.equals(API) ? libraryInference(model, w) : inference(model, w);
        }
        return switch (engine) {
            case "myelin-forward", "myelin-backward", "myelin-manual", "myelin-loss" -> phase(model, w, engine);
            case API -> libraryTrainer(model, w);
            default -> trainer(model, w);
        };
    }

    private static Optimizer optimizer(Workload w, Module model) {
        return Optimizers.create(w.optimizer(), Map.of("learning_rate", w.learningRate()), model.namedParameters());
    }

    private Timing.Step trainer(Sequential model, Workload w) {
        int steps = tiny ? 2 : trainerSteps(w);
        stepsPerCall = steps;
        Dataset data = trainingData(w, steps);
        Trainer trainer = newTrainer(model, w);
        return () -> trainer.fit(data, null);
    }

    /** Steps per timed {@code fit()} call: epochs of ~2 GFLOP keep a call well under a window on small steps. */
    static int trainerSteps(Workload w) {
        return (int) Math.max(2, Math.min(MAX_STEPS, Math.round(2e9 / w.gemmFlops())));
    }

    /** One epoch of {@code steps} batches of the workload's inputs. */
    static Dataset trainingData(Workload w, int steps) {
        int n = steps * w.batch();
        return Dataset.classification(
                input(w, Nd4jEnv.features(n, w.sizes()[0], 11)), Nd4jEnv.cyclicLabels(n, w.classes()), w.classes());
    }

    /** The trainer the timed engine runs: each {@code fit()} trains one epoch and returns. */
    static Trainer newTrainer(Sequential model, Workload w) {
        return new Trainer(
                model,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                optimizer(w, model),
                TrainingOptions.of(Integer.MAX_VALUE, w.batch(), 1),
                List.of(new StopAfterEpoch()));
    }

    /**
     * {@value #API}: training as the README's library example writes it, the optimiser from its typed builder, a
     * fresh {@code Trainer} with default options for each one-epoch {@code fit}; nothing the engine's own loop adds.
     */
    private Timing.Step libraryTrainer(Module model, Workload w) {
        int steps = tiny ? 2 : trainerSteps(w);
        stepsPerCall = steps;
        return libraryFit(model, w, trainingData(w, steps));
    }

    /** One {@value #API} call: a fresh {@code Trainer} with default options fits one epoch of {@code data}. */
    static Timing.Step libraryFit(Module model, Workload w, Dataset data) {
        Optimizer opt = "sgd".equals(w.optimizer())
                ? Optimizers.sgd().learningRate(w.learningRate()).build(model.namedParameters())
                : Optimizers.adam().learningRate(w.learningRate()).build(model.namedParameters());
        return () -> new Trainer(
                        model, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, TrainingOptions.of(1, w.batch(), 1), List.of())
                .fit(data, null);
    }

    /** {@value #API}: predictions as a user writes them, a forward pass without recording; no workspace of ours. */
    static Timing.Step libraryInference(Module model, Workload w) {
        model.eval();
        INDArray[] pool = pool(w, 4);
        int[] next = {0};
        return () -> {
            INDArray x = pool[next[0]++ % pool.length];
            try (var scope = Autograd.noGrad()) {
                return model.forward(Tensor.constant(x)).value().getFloat(0);
            }
        };
    }

    static Timing.Step inference(Sequential model, Workload w) {
        model.eval();
        INDArray[] pool = pool(w, 4);
        int[] next = {0};
        return () -> {
            INDArray x = pool[next[0]++ % pool.length];
            try (var scope = Autograd.noGrad();
                    MemoryWorkspace ws = workspace("myelin-bench-infer")) {
                return model.forward(Tensor.constant(x)).value().getFloat(0);
            }
        };
    }

    private static Timing.Step phase(Sequential model, Workload w, String which) {
        model.train();
        INDArray[] pool = pool(w, 4);
        INDArray t = Nd4jEnv.oneHot(Nd4jEnv.cyclicLabels(w.batch(), w.classes()), w.classes());
        Optimizer opt = optimizer(w, model);
        int[] next = {0};
        if (which.equals("myelin-loss")) {
            INDArray logits = Nd4j.randn(DataType.FLOAT, w.batch(), w.classes());
            return () -> {
                try (MemoryWorkspace ws = workspace("myelin-bench-phase")) {
                    Tensor z = Tensor.parameter(logits);
                    Tensor l = LossFunction.SOFTMAX_CROSS_ENTROPY.apply(z, Tensor.constant(t));
                    double v = l.item();
                    l.backward();
                    z.zeroGrad();
                    return v;
                }
            };
        }
        return () -> {
            INDArray x = pool[next[0]++ % pool.length];
            try (MemoryWorkspace ws = workspace("myelin-bench-phase")) {
                Tensor out = model.forward(Tensor.constant(x));
                Tensor l = LossFunction.SOFTMAX_CROSS_ENTROPY.apply(out, Tensor.constant(t));
                double v = l.item();
                if (!which.equals("myelin-forward")) {
                    l.backward();
                    if (which.equals("myelin-manual")) {
                        opt.step();
                    }
                }
                return v;
            } finally {
                model.zeroGrad();
            }
        };
    }

    private static INDArray[] pool(Workload w, int n) {
        INDArray[] pool = new INDArray[n];
        for (int i = 0; i < n; i++) {
            pool[i] = input(w, Nd4jEnv.features(w.batch(), w.sizes()[0], 100 + i));
        }
        return pool;
    }

    private static MemoryWorkspace workspace(String id) {
        return StepWorkspace.open(id);
    }

    /** The network of {@code SpikingNetworkBenchmark} at step dt, after 0.2 s of warm-up. */
    static Network spikingNetwork(int neurons, int inputs, double dt) {
        double rate = 10.0;
        Network net = new Network(dt);
        PoissonPopulation in = net.add(new PoissonPopulation("inputs", inputs, rate, 42));
        LifPopulation out = net.add(new LifPopulation("lif", neurons, Lif.CORTICAL, 0.01, DataType.FLOAT));
        INDArray w = Nd4j.createUninitialized(DataType.FLOAT, inputs, neurons);
        double mean = 1.5 / (inputs * rate);
        Nd4j.getExecutioner()
                .exec(
                        new UniformDistribution(w, 0.5 * mean, 1.5 * mean),
                        Nd4j.getRandomFactory().getNewRandomInstance(42));
        net.connect(in, out, w);
        net.run(0.2);
        return net;
    }

    /** Ends each fit() after one epoch, so the next call continues with the next epoch. */
    static final class StopAfterEpoch implements Callback {
        @Override
        public boolean onEpochEnd(Trainer trainer, EpochRecord record) {
            return true;
        }
    }
}
