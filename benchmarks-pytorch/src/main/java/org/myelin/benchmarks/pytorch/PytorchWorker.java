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
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
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
import org.myelin.benchmarks.harness.Exchange;
import org.myelin.benchmarks.harness.NpyFloats;
import org.myelin.benchmarks.harness.Timing;
import org.myelin.benchmarks.harness.Trajectory;
import org.myelin.benchmarks.harness.WorkerMain;
import org.myelin.benchmarks.harness.Workload;

/**
 * The PyTorch peer: libtorch 2.7.1 (CPU) through DJL 0.35.0, the workload's MLP as a {@code SequentialBlock} of
 * {@code Linear} + ReLU blocks (logits out), {@code Loss.softmaxCrossEntropyLoss()} (log-softmax + NLL, batch mean,
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

    /** The Linear layers' (weight, bias) parameters in order. */
    private static List<Parameter[]> linearParameters(SequentialBlock b) {
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
        List<Parameter[]> params = linearParameters(b);
        List<NpyFloats.Array> ws = ex.weights();
        List<NpyFloats.Array> bs = ex.biases();
        int[] s = w.sizes();
        for (int i = 0; i < params.size(); i++) {
            params.get(i)[0].getArray().set(FloatBuffer.wrap(Exchange.transpose(ws.get(i).data(), s[i], s[i + 1])));
            params.get(i)[1].getArray().set(FloatBuffer.wrap(bs.get(i).data()));
        }
    }

    private Trainer trainer(Workload w, Exchange ex, int batch) throws java.io.IOException {
        Model model = Model.newInstance("mlp", Device.cpu(), "PyTorch");
        SequentialBlock b = block(w);
        model.setBlock(b);
        Optimizer opt = "sgd".equals(w.optimizer())
                ? Optimizer.sgd().setLearningRateTracker(Tracker.fixed((float) w.learningRate())).build()
                : Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) w.learningRate())).build();
        Trainer t = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(opt)
                .optDevices(new Device[] {Device.cpu()}));
        t.initialize(new Shape(batch, w.sizes()[0]));
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
            int[] s = w.sizes();
            List<Parameter[]> params = linearParameters((SequentialBlock) t.getModel().getBlock());
            for (int i = 0; i < params.size(); i++) {
                gw.add(Exchange.transpose(params.get(i)[0].getArray().getGradient().toFloatArray(), s[i + 1], s[i]));
                gb.add(params.get(i)[1].getArray().getGradient().toFloatArray());
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

    @Override
    public List<float[]> trainedParameters(Workload w, Exchange ex, NpyFloats.Array x, int[] labels, int steps)
            throws Exception {
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
            List<Parameter[]> params = linearParameters((SequentialBlock) t.getModel().getBlock());
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
            pool[i] = m.create(x, new Shape(w.batch(), w.sizes()[0]));
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
