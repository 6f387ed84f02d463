package org.myelin.neuro;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;

/**
 * All-to-all connections from a pre-synaptic population to a LIF population through a weight matrix, delivered
 * spike by spike: when the pre-synaptic neurons J spiked in a step, the post-synaptic currents get
 * {@code s += (sum over j in J of W[j, :]) / tau_s} (CS 479 §1.7; see docs/notes.md). Only the rows of the neurons that
 * spiked are gathered and summed, so a step costs O(|J| * post) rather than the O(pre * post) of a dense product. When
 * both populations step with the native kernels and W is dense row-major, one native pass adds the rows in place.
 *
 * <p>Shapes: W is {@code [pre, post]} (row-major engine convention: row j holds neuron j's outgoing weights),
 * which is the transpose of the notes' M x N matrix {@code w_ij} from pre j to post i. Its data type must be the
 * post population's.
 */
public final class Projection {
    private final Population pre;
    private final LifPopulation post;
    private final INDArray weights;
    /** Whether deliveries go through the native row sum (the post population is native, W dense row-major). */
    private final boolean nativeRows;

    /**
     * Connects {@code pre} to {@code post} through {@code weights} (not copied: the caller may change it; NaN and
     * infinities are refused here and at each {@link Network#run}).
     */
    public Projection(Population pre, LifPopulation post, INDArray weights) {
        if (pre == null || post == null || weights == null) {
            throw new IllegalArgumentException("Projection: pre, post and weights must not be null");
        }
        String label = "Projection[" + pre.name() + " -> " + post.name() + "]";
        if (weights.rank() != 2 || weights.rows() != pre.size() || weights.columns() != post.size()) {
            throw new IllegalArgumentException(label + ": weights have shape " + Arrays.toString(weights.shape())
                    + ", expected [" + pre.size() + ", " + post.size() + "]");
        }
        if (weights.dataType() != post.dataType()) {
            throw new IllegalArgumentException(label + ": weights are " + weights.dataType() + ", expected "
                    + post.dataType() + " like the post-synaptic population");
        }
        // A NaN or infinite weight would turn every current it reaches into NaN on the first spike and every
        // later potential with it, silently; refuse it naming where it is before the network steps.
        requireFiniteWeights(label, weights);
        this.pre = pre;
        this.post = post;
        this.weights = weights;
        this.nativeRows = post.nativeSpikes() != null && NativeSpikes.dense(weights);
    }

    public Population pre() {
        return pre;
    }

    public LifPopulation post() {
        return post;
    }

    /** The weight matrix itself (not a copy). Shapes: {@code [pre, post]}. */
    public INDArray weights() {
        return weights;
    }

    /** Whether deliveries go through the native row sum rather than ND4J's gather and sum. */
    boolean nativeRows() {
        return nativeRows;
    }

    /**
     * Refuses weights holding NaN or an infinity, naming the projection and the entry's row and column. The
     * constructor checks them and {@link Network#run} again before it steps, since the matrix is not copied and
     * the caller may have changed it since (one native scan, less than one step's worst-case delivery).
     */
    void requireFiniteWeights() {
        requireFiniteWeights("Projection[" + pre.name() + " -> " + post.name() + "]", weights);
    }

    private static void requireFiniteWeights(String label, INDArray weights) {
        SimulationLimits.requireFiniteEntries(label + ": weights must be finite", weights);
    }

    /** Delivers the spikes of the pre-synaptic population's last step to the post-synaptic currents. */
    public void deliver() {
        NativeSpikes fast = nativeRows ? nativeSpikesOf(pre) : null;
        if (fast != null) {
            post.receiveRows(weights, fast.address(), fast.count());
            return;
        }
        INDArray idx = pre.spikeIndices();
        if (idx.length() == 0) {
            return;
        }
        if (nativeRows) {
            // Another kind of population: its indices are checked before the native pass reads rows with them.
            long min = idx.minNumber().longValue();
            long max = idx.maxNumber().longValue();
            if (min < 0 || max >= pre.size()) {
                throw new IllegalStateException("Projection[" + pre.name() + " -> " + post.name() + "]: population '"
                        + pre.name() + "' reported spike indices in [" + min + ", " + max + "], expected [0, "
                        + pre.size() + ")");
            }
            INDArray rows = idx.dataType() == DataType.LONG && NativeSpikes.dense(idx)
                    ? idx
                    : idx.reshape(idx.length()).castTo(DataType.LONG).dup();
            post.receiveRows(weights, NativeSpikes.address(rows), rows.length());
            return;
        }
        INDArray rows = Nd4j.exec(new Gather(weights, idx, 0))[0];
        post.addWeightSum(rows.sum(0));
    }

    private static NativeSpikes nativeSpikesOf(Population p) {
        if (p instanceof PoissonPopulation poisson) {
            return poisson.nativeSpikes();
        }
        if (p instanceof LifPopulation lif) {
            return lif.nativeSpikes();
        }
        return null;
    }
}
