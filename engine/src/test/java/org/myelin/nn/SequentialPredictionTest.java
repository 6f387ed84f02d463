package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.ScratchWorkspace;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Sequential#forward} under no-grad outside any workspace (a library user's prediction) runs in its own
 * reused workspace: the same outputs as a recording pass, and an output that is no workspace's memory, so later
 * calls, which reuse that workspace, cannot overwrite it.
 */
class SequentialPredictionTest {

    private static Sequential model() {
        return Models.mlpBuilder(12, 16, 8, 3)
                .optSeed(5)
                .optWeightInit(Inits.heNormal())
                .build();
    }

    private static INDArray batch(long seed) {
        return Nd4j.rand(DataType.FLOAT, 6, 12).muli(2).subi(1).addi(seed * 0.01);
    }

    @Test
    void aPredictionEqualsTheRecordingForwardPass() {
        Sequential m = model();
        m.eval();
        INDArray x = batch(1);
        INDArray recorded = m.forward(Tensor.constant(x)).value().dup();
        INDArray predicted;
        try (var scope = Autograd.noGrad()) {
            predicted = m.forward(Tensor.constant(x)).value();
        }
        assertEquals(recorded, predicted);
    }

    @Test
    void aPredictionStaysValidAfterLaterPredictionsReuseTheWorkspace() {
        Sequential m = model();
        m.eval();
        INDArray first;
        INDArray firstCopy;
        try (var scope = Autograd.noGrad()) {
            first = m.forward(Tensor.constant(batch(1))).value();
            firstCopy = first.dup();
            for (int i = 2; i < 6; i++) {
                m.forward(Tensor.constant(batch(i))); // learns, then reuses the workspace block
            }
        }
        assertFalse(first.isAttached(), "the output must not live in the prediction workspace");
        assertEquals(firstCopy, first);
        assertTrue(
                Nd4j.getWorkspaceManager().checkIfWorkspaceExists(Sequential.PREDICTION_WORKSPACE),
                "the layers ran in the prediction workspace");
        assertFalse(ScratchWorkspace.anyActive(), "the workspace is closed after the call");
    }

    @Test
    void aPredictionInsideTheCallersWorkspaceStaysInIt() {
        Sequential m = model();
        m.eval();
        try (var scope = Autograd.noGrad();
                MemoryWorkspace ws = ScratchWorkspace.open("caller-workspace")) {
            INDArray out = m.forward(Tensor.constant(batch(1))).value();
            assertTrue(out.isAttached(), "inside a caller's workspace the output is the caller's to manage");
            assertNotNull(out.data().getParentWorkspace());
            assertEquals("caller-workspace", out.data().getParentWorkspace().getId());
        }
    }

    @Test
    void aRecordingPassStillGivesGradients() {
        Sequential m = model();
        Ops.mean(m.forward(Tensor.constant(batch(1)))).backward();
        for (Tensor p : m.parameters()) {
            assertNotNull(p.grad(), "every parameter gets a gradient");
        }
    }

    /**
     * The layers' result arrays are kept between predictions of one batch size (none created after the first), the
     * outputs are new arrays each call, and they hold the same values as without kept arrays.
     */
    @Test
    void predictionsKeepTheirLayersArraysAndReturnNewOutputs() {
        Sequential m = model();
        m.eval();
        List<INDArray> inputs = new ArrayList<>();
        for (int i = 1; i < 6; i++) {
            inputs.add(batch(i));
        }
        List<INDArray> outputs = new ArrayList<>();
        try (var scope = Autograd.noGrad()) {
            outputs.add(m.forward(Tensor.constant(inputs.get(0))).value());
            long created = m.predictionArraysCreated();
            assertTrue(created > 0, "the prediction kept no arrays");
            for (int i = 1; i < inputs.size(); i++) {
                outputs.add(m.forward(Tensor.constant(inputs.get(i))).value());
            }
            assertEquals(created, m.predictionArraysCreated(), "later predictions created their arrays again");
        }
        for (int i = 0; i < outputs.size(); i++) {
            for (int j = 0; j < i; j++) {
                assertNotSame(outputs.get(j), outputs.get(i), "two predictions returned the same array");
            }
            assertEquals(m.forward(Tensor.constant(inputs.get(i))).value(), outputs.get(i), "prediction " + i);
        }
    }

    /** Threads predicting with one model at once get each their own results (one uses the kept arrays). */
    @Test
    void concurrentPredictionsOfOneModelDoNotShareArrays() throws Exception {
        Sequential m = model();
        m.eval();
        int threads = 4;
        INDArray[] inputs = new INDArray[threads];
        INDArray[] expected = new INDArray[threads];
        for (int t = 0; t < threads; t++) {
            inputs[t] = batch(t);
            expected[t] = m.forward(Tensor.constant(inputs[t])).value().dup();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    INDArray x = inputs[id];
                    for (int k = 0; k < 200; k++) {
                        try (var scope = Autograd.noGrad()) {
                            if (!m.forward(Tensor.constant(x)).value().equalsWithEps(expected[id], 1e-6)) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (int t = 0; t < threads; t++) {
                assertTrue(results.get(t).get(), "thread " + t + " got another thread's prediction");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
