package org.myelin.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.myelin.io.Json;
import org.myelin.nn.Dropout;
import org.myelin.nn.Module;
import org.myelin.nn.Modules;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The executor side's models and optimisers, rebuilt from their configs once and reused by later tasks of the
 * same run in this JVM (one per concurrently running task). A task overwrites everything it uses (parameters,
 * buffers, optimiser state and step count) from the round's broadcast, so what a previous task left behind never
 * matters.
 */
final class Workers {
    private static final Map<String, Queue<Worker>> POOL = new ConcurrentHashMap<>();

    private Workers() {}

    /** A model with its optimiser and the arrays a round reads and writes, in their wire order. */
    static final class Worker {
        final String key;
        final Module model;
        final Optimizer optimizer;
        final List<INDArray> parameters = new ArrayList<>();
        final List<INDArray> buffers;
        final List<INDArray> state = new ArrayList<>();
        final List<Dropout> dropouts = new ArrayList<>();

        Worker(String key, Module model, Optimizer optimizer) {
            this.key = key;
            this.model = model;
            this.optimizer = optimizer;
            model.namedParameters().values().forEach(t -> parameters.add(t.value()));
            buffers = new ArrayList<>(model.namedBuffers().values());
            optimizer.state().values().forEach(slots -> state.addAll(slots.values()));
            collectDropouts(model, dropouts);
        }
    }

    static Worker borrow(Job job) {
        String key = job.modelJson() + "\n" + job.optimizerJson();
        Worker w = POOL.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (w != null) {
            return w;
        }
        Module model = Modules.fromConfig(Json.readObject("model config", job.modelJson()));
        Optimizer optimizer = Optimizers.fromConfig(
                Json.readObject("optimizer config", job.optimizerJson()), model.namedParameters());
        return new Worker(key, model, optimizer);
    }

    static void release(Worker w) {
        w.model.zeroGrad();
        POOL.get(w.key).add(w);
    }

    /** The arrays of the optimiser's state in wire order: parameters in order, then each one's slots in order. */
    static List<INDArray> stateArrays(Optimizer o) {
        List<INDArray> out = new ArrayList<>();
        o.state().values().forEach(slots -> out.addAll(slots.values()));
        return out;
    }

    static void collectDropouts(Module m, List<Dropout> out) {
        if (m instanceof Dropout d) {
            out.add(d);
        }
        m.children().values().forEach(c -> collectDropouts(c, out));
    }
}
