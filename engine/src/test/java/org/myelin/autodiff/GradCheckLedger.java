package org.myelin.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs gradient checks for the tests and keeps the worst error seen, so the run can quote one number.
 *
 * <p>Register it on a test class with {@code @ExtendWith(GradCheckLedger.class)}: after each class it logs the
 * worst error so far, and when the whole test run ends it logs the worst error of the run and where it
 * occurred.
 */
public final class GradCheckLedger implements BeforeAllCallback, AfterAllCallback {

    /** The largest gradient-check error a passing check may have. */
    public static final double TOLERANCE = 1e-6;
    /** A gradient whose largest entry is below this counts as trivially zero. */
    public static final double NON_TRIVIAL = 1e-3;

    private static final Logger log = LoggerFactory.getLogger(GradCheckLedger.class);
    private static double worstError = -1;
    private static String worstWhere = "none";
    private static long checks;
    private static long elements;

    /** Records a result; returns it for chaining. */
    public static synchronized GradCheck.Result record(String what, GradCheck.Result result) {
        checks++;
        elements += result.checked();
        if (result.worstError() > worstError) {
            worstError = result.worstError();
            worstWhere = what + ": " + result;
        }
        return result;
    }

    /** The worst error recorded so far in this JVM. */
    public static synchronized double worstError() {
        return worstError;
    }

    /**
     * Gradient-checks {@code f} at {@code inputs}, records the result and asserts that it passes
     * {@link #TOLERANCE}, that every element was checked, and that the gradients compared are not trivially
     * zero: for each input, backward (seeded with a random upstream gradient) gives an entry of magnitude at
     * least {@link #NON_TRIVIAL}.
     */
    public static GradCheck.Result assertGradientsMatch(String what, Function<Tensor[], Tensor> f, INDArray... inputs) {
        GradCheck.Result r = record(what, GradCheck.check(f, inputs));
        long total = 0;
        for (INDArray in : inputs) {
            total += in.length();
        }
        assertEquals(total, r.checked(), what + ": every input element is checked");
        assertTrue(r.passed(TOLERANCE), what + ": " + r);
        INDArray[] grads = analyticGradients(f, inputs);
        for (int i = 0; i < grads.length; i++) {
            double largest = grads[i] == null
                    ? 0
                    : Transforms.abs(grads[i], true).maxNumber().doubleValue();
            assertTrue(
                    largest >= NON_TRIVIAL,
                    what + ": gradient of input " + i + " is trivially small (largest entry " + largest
                            + "), so the check compares nothing");
        }
        return r;
    }

    /** Backward's gradient of each input of {@code f}, seeded with a fixed random upstream gradient. */
    public static INDArray[] analyticGradients(Function<Tensor[], Tensor> f, INDArray... inputs) {
        Tensor[] params = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Tensor.parameter(inputs[i].dup());
        }
        Tensor out = f.apply(params);
        INDArray seed = Nd4j.getRandomFactory()
                .getNewRandomInstance(7)
                .nextGaussian(out.shape())
                .castTo(out.dataType())
                .reshape(out.shape());
        out.backward(seed);
        INDArray[] grads = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            grads[i] = params[i].grad();
        }
        return grads;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(GradCheckLedger.class.getName() + ".summary", k -> new Summary(), Summary.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (GradCheckLedger.class) {
            log.info(
                    "gradient checks so far: {} checks, {} elements, worst error {} ({})",
                    checks,
                    elements,
                    String.format("%.3e", worstError),
                    context.getDisplayName());
        }
    }

    /** Logs the run's worst error when JUnit closes the root context, i.e. after the last test class. */
    private static final class Summary implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            synchronized (GradCheckLedger.class) {
                log.info(
                        "WORST GRADIENT-CHECK ERROR of the run: {} over {} checks ({} elements); at {}",
                        String.format("%.3e", worstError),
                        checks,
                        elements,
                        worstWhere);
            }
        }
    }
}
