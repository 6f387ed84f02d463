package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Dense;
import org.myelin.nn.LayerNorm;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Wrong shapes and bad values in memory: every layer and loss names itself, the expected and the actual shape;
 * NaN/Inf, out-of-range labels and rows that are not one-hot are refused when the data set is built, with the row.
 */
@Tag("reliability")
class BadInputTest {

    private static Tensor x(long... shape) {
        return Tensor.constant(Nd4j.rand(DataType.FLOAT, shape));
    }

    static void assertRejected(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("Dense", new Dense(784, 32, DataType.FLOAT, 1), new long[] {8, 783}, "783", "784"),
                Arguments.of("BatchNorm", new BatchNorm(32, DataType.FLOAT), new long[] {8, 31}, "31", "32"),
                Arguments.of("LayerNorm", new LayerNorm(32, DataType.FLOAT), new long[] {8, 33}, "33", "32"),
                Arguments.of(
                        "Dense",
                        Models.mlpBuilder(4, 8, 3).optDataType(DataType.FLOAT).build(),
                        new long[] {8, 5},
                        "5",
                        "4"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("layers")
    void aLayerGivenAWrongShapeNamesItselfAndBothShapes(
            String name, Module layer, long[] shape, String actual, String expected) {
        assertRejected(() -> layer.forward(x(shape)), name, actual, expected);
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void aLossGivenTargetsOfTheWrongShapeNamesBothShapes(LossFunction loss) {
        assertRejected(() -> loss.apply(x(8, 3), x(8, 4)), "[8, 3]", "[8, 4]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badData")
    void badValuesAreRefusedWhenTheDataSetIsBuilt(String what, Executable build, String message) {
        assertRejected(build, message);
    }

    static Stream<Arguments> badData() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 3);
        INDArray nan = x.dup();
        nan.putScalar(new long[] {4, 2}, Float.NaN);
        INDArray inf = Nd4j.zeros(DataType.FLOAT, 6, 1);
        inf.putScalar(new long[] {2, 0}, Float.POSITIVE_INFINITY);
        INDArray notOneHot = Nd4j.zeros(DataType.FLOAT, 6, 3);
        for (int i = 0; i < 6; i++) {
            notOneHot.putScalar(new long[] {i, i % 3}, 1f);
        }
        notOneHot.putScalar(new long[] {3, 1}, 1f);
        return Stream.of(
                Arguments.of(
                        "NaN feature",
                        (Executable) () -> Dataset.classification(nan, new int[6], 2),
                        "features: row 4 column 2 is NaN"),
                Arguments.of("infinite target", (Executable) () -> Dataset.of(x, inf), "row 2 column 0 is +Infinity"),
                Arguments.of(
                        "label out of range",
                        (Executable) () -> Dataset.classification(x, new int[] {0, 1, 2, 9, 1, 0}, 3),
                        "row 3 is 9, expected 0..2"),
                Arguments.of(
                        "negative label",
                        (Executable) () -> Dataset.classification(x, new int[] {0, -1, 2, 1, 1, 0}, 3),
                        "row 1 is -1"),
                Arguments.of(
                        "row not one-hot", (Executable) () -> Dataset.oneHot(x, notOneHot), "row 3 is not one-hot"),
                Arguments.of(
                        "rows and labels differ", (Executable) () -> Dataset.classification(x, new int[5], 3), "5"),
                Arguments.of(
                        "huge one-hot", (Executable) () -> Dataset.classification(x, new int[6], 1 << 30), "exceed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatchedData")
    void dataThatDoesNotFitTheModelIsRefusedBeforeTheFirstStepNamingTheLayer(
            String what, Dataset data, String message) {
        Module m = Models.mlpBuilder(4, 8, 3).optDataType(DataType.FLOAT).build();
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("sgd", Map.of("learning_rate", 0.1), m.namedParameters()),
                TrainingOptions.of(1, 4, 1),
                List.of());
        assertRejected(() -> t.fit(data, null), message);
        assertTrue(t.state().step() == 0, "no step was taken");
    }

    static Stream<Arguments> mismatchedData() {
        return Stream.of(
                Arguments.of(
                        "5 features for 4 inputs",
                        Dataset.classification(Nd4j.rand(DataType.FLOAT, 8, 5), new int[8], 3),
                        "the training set does not fit the model: Dense[4->8]: input has shape [2, 5], expected [*, 4]"),
                Arguments.of(
                        "2 classes for 3 outputs",
                        Dataset.classification(Nd4j.rand(DataType.FLOAT, 8, 4), new int[8], 2),
                        "the training set does not fit the model: FusedSoftmaxCrossEntropy: target has shape [2, 2]"));
    }
}
