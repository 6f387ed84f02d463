package org.myelin.benchmarks.pytorch;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.myelin.benchmarks.harness.ConvNet;
import org.myelin.benchmarks.harness.Exchange;
import org.myelin.benchmarks.harness.NpyFloats;
import org.myelin.benchmarks.harness.Timing;
import org.myelin.benchmarks.harness.Trajectory;
import org.myelin.benchmarks.harness.WorkerMain;
import org.myelin.benchmarks.harness.Workload;

/**
 * The PyTorch peer: libtorch 2.7.1 (CPU) through DJL 0.35.0, the workload's MLP as a {@code SequentialBlock} of
 * {@code Linear} + ReLU blocks (logits out) or its CNN ({@link #convBlock}), {@code Loss.softmaxCrossEntropyLoss()} (log-softmax + NLL, batch mean,
 * sparse labels), Adam or SGD with the same hyper-parameters, float32, training through DJL's {@code Trainer}
 * ({@code GradientCollector}, {@code step()}), every step's temporaries freed by an {@code NDScope}. Weights are
 * loaded from the exchange (PyTorch stores {@code Linear} weights as {@code [out, in]}: transposed on the way in
 * and out).
 *
 * <p>Launch with {@code -Dai.djl.offline=true} (DJL otherwise contacts its servers), {@code ENGINE_CACHE_DIR}
 * (where libtorch is unpacked from the native jar) and {@code -Dai.djl.pytorch.num_threads=N
 * -Dai.djl.pytorch.num_interop_threads=N}.
 */
public final class PytorchWorker implements WorkerMain.Engine {

    /**
     * Held for the whole measurement: DJL closes a model's manager (and every array on it) when the model or its
     * trainer is garbage-collected, so a step that captured only the block and the batches would find them closed.
     */
    private Trainer trainer;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        return WorkerMain.run(args, new PytorchWorker());
    }

    @Override
    public Map<String, String> environment() {
        Engine e = Engine.getEngine("PyTorch");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("djl", Engine.getDjlVersion());
        m.put("libtorch", e.getVersion());
        m.put("ai.djl.offline", System.getProperty("ai.djl.offline"));
        m.put("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads"));
        m.put("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads"));
        m.put("ENGINE_CACHE_DIR", System.getProperty("ENGINE_CACHE_DIR", System.getenv("ENGINE_CACHE_DIR")));
        return m;
    }

    private static SequentialBlock block(Workload w) {
        if (w.isConv()) {
            return convBlock(w.net());
        }
        SequentialBlock b = new SequentialBlock();
        int[] s = w.sizes();
        for (int i = 1; i < s.length; i++) {
            b.add(Linear.builder().setUnits(s[i]).build());
            if (i < s.length - 1) {
                b.add(Activation.reluBlock());
            }
        }
        return b;
    }

    /**
     * The CNN: {@code Conv2d} (stride 1; "same" as symmetric padding k / 2, odd kernels) + ReLU, {@code maxPool2d},
     * {@code batchFlatten} before the first {@code Linear} (c-order, as Myelin and DL4J flatten NCHW), {@code Linear}
     * + ReLU and the logits layer.
     */
    private static SequentialBlock convBlock(ConvNet net) {
        SequentialBlock b = new SequentialBlock();
        List<ConvNet.Layer> layers = net.layers();
        boolean flat = false;
        for (int i = 0; i < layers.size(); i++) {
            ConvNet.Layer l = layers.get(i);
            if (l instanceof ConvNet.Conv c) {
                int pad = c.same() ? c.kernel() / 2 : 0;
                b.add(Conv2d.builder()
                        .setKernelShape(new Shape(c.kernel(), c.kernel()))
                        .setFilters(c.out())
                        .optPadding(new Shape(pad, pad))
                        .build());
                b.add(Activation.reluBlock());
            } else if (l instanceof ConvNet.MaxPool p) {
                b.add(Pool.maxPool2dBlock(new Shape(p.size(), p.size()), new Shape(p.size(), p.size())));
            } else if (l instanceof ConvNet.Dense d) {
                if (!flat) {
                    b.add(Blocks.batchFlattenBlock());
                    flat = true;
                }
                b.add(Linear.builder().setUnits(d.out()).build());
                if (i < layers.size() - 1) {
                    b.add(Activation.reluBlock());
                }
            }
        }
        return b;
    }

    /** The input shape of one batch: {@code [B, in]} or {@code [B, C, H, W]}. */
    private static Shape inputShape(Workload w, long batch) {
        return w.isConv()
                ? new Shape(batch, w.net().channels(), w.net().height(), w.net().width())
                : new Shape(batch, w.sizes()[0]);
    }

    /**
     * A parameter in the exchange's layout: a {@code Linear} weight {@code [out, in]} transposed to {@code [in, out]},
     * a {@code Conv2d} weight {@code [out, in, kh, kw]} and biases as they are.
     */
    private static float[] toExchange(Parameter p, float[] values) {
        Shape s = p.getArray().getShape();
        return s.dimension() == 2 ? Exchange.transpose(values, (int) s.get(0), (int) s.get(1)) : values;
    }

    /** The layers' (weight, bias) parameters in order (Linear and Conv2d). */
    private static List<Parameter[]> layerParameters(SequentialBlock b) {
        List<Parameter[]> out = new ArrayList<>();
        Parameter weight = null;
        for (Pair<String, Parameter> p : b.getParameters()) {
            if (p.getKey().endsWith("weight")) {
                weight = p.getValue();
            } else if (p.getKey().endsWith("bias")) {
                out.add(new Parameter[] {weight, p.getValue()});
            }
        }
        return out;
    }

    private static void loadWeights(SequentialBlock b, Workload w, Exchange ex) throws java.io.IOException {
        List<Parameter[]> params = layerParameters(b);
        List<NpyFloats.Array> ws = ex.weights();
        List<NpyFloats.Array> bs = ex.biases();
        if (ws.size() != params.size()) {
            throw new IllegalArgumentException(
                    "exchange " + ex.dir() + " has " + ws.size() + " layers, the block " + params.size());
        }
        for (int i = 0; i < params.size(); i++) {
            NpyFloats.Array wi = ws.get(i);
            // [in, out] -> Linear's [out, in]; conv weights are [out, in, kh, kw] on both sides.
            float[] v = wi.shape().length == 2
                    ? Exchange.transpose(wi.data(), (int) wi.shape()[0], (int) wi.shape()[1])
                    : wi.data();
            params.get(i)[0].getArray().set(FloatBuffer.wrap(v));
            params.get(i)[1].getArray().set(FloatBuffer.wrap(bs.get(i).data()));
        }
    }

    private Trainer trainer(Workload w, Exchange ex, int batch) throws java.io.IOException {
        Model model = Model.newInstance("mlp", Device.cpu(), "PyTorch");
        SequentialBlock b = block(w);
        model.setBlock(b);
        Optimizer opt = "sgd".equals(w.optimizer())
                ? Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed((float) w.learningRate()))
                        .build()
                : Optimizer.adam()
                        .optLearningRateTracker(Tracker.fixed((float) w.learningRate()))
                        .build();
        Trainer t = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(opt)
                .optDevices(new Device[] {Device.cpu()}));
        t.initialize(inputShape(w, batch));
        if (ex != null && ex.layers() > 0) {
            loadWeights(b, w, ex);
        }
        return t;
    }

    @Override
    public double gradientError(Workload w, Exchange ex) throws Exception {
        NpyFloats.Array xa = NpyFloats.read(ex.features());
        int batch = (int) xa.shape()[0];
        try (Trainer t = trainer(w, ex, batch)) {
            NDManager m = t.getManager();
            NDArray x = m.create(xa.data(), new Shape(xa.shape()));
            NDArray y = m.create(NpyFloats.read(ex.labels()).data(), new Shape(batch));
            try (GradientCollector gc = t.newGradientCollector()) {
                NDArray loss = t.getLoss().evaluate(new NDList(y), t.forward(new NDList(x)));
                gc.backward(loss);
            }
            List<float[]> gw = new ArrayList<>();
            List<float[]> gb = new ArrayList<>();
            List<Parameter[]> params =
                    layerParameters((SequentialBlock) t.getModel().getBlock());
            for (Parameter[] p : params) {
                gw.add(toExchange(p[0], p[0].getArray().getGradient().toFloatArray()));
                gb.add(p[1].getArray().getGradient().toFloatArray());
            }
            return ex.worstError(gw, gb);
        }
    }

    /**
     * DJL's Adam (the optimiser timed here; not {@code torch.optim.Adam}) scales the learning rate by
     * {@code sqrt(1 - b2^t) / (1 - b1^t)} and adds eps to sqrt(v): the paper's epsilon-hat form.
     */
    @Override
    public Trajectory.AdamForm adamForm() {
        return Trajectory.AdamForm.EPS_HAT;
    }

    /** None for the CNN workloads (their optimiser is the one the MLP workloads check). */
    @Override
    public List<float[]> trainedParameters(Workload w, Exchange ex, NpyFloats.Array x, int[] labels, int steps)
            throws Exception {
        if (w.isConv()) {
            return null;
        }
        int rows = labels.length;
        try (Trainer t = trainer(w, ex, rows)) {
            NDManager m = t.getManager();
            NDArray xa = m.create(x.data(), new Shape(x.shape()));
            float[] lf = new float[rows];
            for (int i = 0; i < rows; i++) {
                lf[i] = labels[i];
            }
            NDArray y = m.create(lf, new Shape(rows));
            // The first step outside a scope, so the optimiser's state (Adam's moments) outlives it.
            trainStep(t, xa, y);
            for (int s = 1; s < steps; s++) {
                try (NDScope scope = new NDScope()) {
                    trainStep(t, xa, y);
                }
            }
            List<float[]> out = new ArrayList<>();
            int[] sz = w.sizes();
            List<Parameter[]> params =
                    layerParameters((SequentialBlock) t.getModel().getBlock());
            for (int i = 0; i < params.size(); i++) {
                out.add(Exchange.transpose(params.get(i)[0].getArray().toFloatArray(), sz[i + 1], sz[i]));
                out.add(params.get(i)[1].getArray().toFloatArray());
            }
            return out;
        }
    }

    @Override
    public Timing.Step prepare(Workload w, Exchange ex) throws Exception {
        Trainer t = trainer(w, ex, w.batch());
        trainer = t;
        NDManager m = t.getManager();
        Random r = new Random(100);
        int n = 4;
        NDArray[] pool = new NDArray[n];
        for (int i = 0; i < n; i++) {
            float[] x = new float[w.batch() * w.sizes()[0]];
            for (int j = 0; j < x.length; j++) {
                x[j] = r.nextFloat();
            }
            pool[i] = m.create(x, inputShape(w, w.batch()));
        }
        float[] labels = new float[w.batch()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % w.classes();
        }
        NDArray y = m.create(labels, new Shape(w.batch()));
        int[] next = {0};
        if (w.kind() == Workload.Kind.INFER) {
            ParameterStore ps = new ParameterStore(m, false);
            SequentialBlock b = (SequentialBlock) t.getModel().getBlock();
            return () -> {
                try (NDScope scope = new NDScope()) {
                    NDList out = b.forward(ps, new NDList(pool[next[0]++ % n]), false);
                    return out.singletonOrThrow().getFloat(0, 0);
                }
            };
        }
        // The first step outside a scope, so the optimiser's state (Adam's moments) outlives it.
        trainStep(t, pool[0], y);
        return () -> {
            try (NDScope scope = new NDScope()) {
                return trainStep(t, pool[next[0]++ % n], y);
            }
        };
    }

    private static Trainer trainStep(Trainer t, NDArray x, NDArray y) {
        try (GradientCollector gc = t.newGradientCollector()) {
            NDArray loss = t.getLoss().evaluate(new NDList(y), t.forward(new NDList(x)));
            gc.backward(loss);
        }
        t.step();
        return t;
    }
}
