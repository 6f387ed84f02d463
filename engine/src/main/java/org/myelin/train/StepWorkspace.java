package org.myelin.train;

import org.myelin.autodiff.ScratchWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

/**
 * An ND4J workspace for the arrays that live only within one training step or one evaluation batch
 * (activations, gradients, temporaries), with {@link ScratchWorkspace}'s policy: repeated steps reuse one block of
 * memory instead of allocating and freeing dozens of off-heap arrays per step.
 *
 * <p>Contract: nothing created inside the scope may be used after it closes. The trainer clears parameter
 * gradients before the scope ends; parameters, optimiser state and module buffers are created outside and only
 * updated in place inside.
 */
public final class StepWorkspace {
    private StepWorkspace() {}

    /** Opens the workspace {@code id} on this thread; close it (try-with-resources) at the end of the step. */
    public static MemoryWorkspace open(String id) {
        return ScratchWorkspace.open(id);
    }
}
