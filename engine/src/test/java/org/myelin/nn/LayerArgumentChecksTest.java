package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.myelin.Settings;
import org.nd4j.linalg.api.buffer.DataType;

/** Invalid layer settings are refused at construction with one line naming the layer, the setting and the value. */
class LayerArgumentChecksTest {

    private static void refused(String message, Executable construction) {
        assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, construction).getMessage());
    }

    /** Was ND4J's "Length must be >= 0" (product past Long.MAX_VALUE) or std::bad_alloc. */
    @Test
    void denseSizesWhoseWeightALongCannotCountAreRefused() {
        refused(
                "Dense: weight [4294967296, 4294967296] has more elements than a long can count in bytes (at most"
                        + " 1152921504606846975)",
                () -> new Dense(1L << 32, 1L << 32, DataType.FLOAT, 1));
        refused(
                "Dense: weight [9223372036854775807, 2] has more elements than a long can count in bytes (at most"
                        + " 1152921504606846975)",
                () -> new Dense(Long.MAX_VALUE, 2, DataType.FLOAT, 1));
    }

    /** Was "he_normal: fan-in must be > 0, was -9223372036854775808" or ND4J's "Length must be >= 0". */
    @Test
    void conv2dSizesWhoseWeightALongCannotCountAreRefused() {
        refused(
                "Conv2d: weight [2147483648, 2147483648, 65536, 65536] has more elements than a long can count in"
                        + " bytes (at most 1152921504606846975)",
                () -> Conv2d.builder(1L << 31, 1L << 31, 1 << 16).build());
        refused(
                "Conv2d: weight [2, 9223372036854775807, 3, 3] has more elements than a long can count in bytes (at"
                        + " most 1152921504606846975)",
                () -> Conv2d.builder(Long.MAX_VALUE, 2, 3).build());
    }

    /** Was accepted; the first forward pass then refused it speaking of padding -1073741824 (int overflow). */
    @Test
    void conv2dWindowWhoseDilatedExtentOverflowsAnIntIsRefused() {
        refused(
                "Conv2d: the dilated height of the window, (k - 1) d + 1, must be at most 2147483647, was (3 - 1)"
                        + " 1073741824 + 1 = 2147483649",
                () -> Conv2d.builder(1, 1, 3)
                        .optDilation(1 << 30, 1)
                        .optSame(true)
                        .build());
        refused(
                "Conv2d: the dilated width of the window, (k - 1) d + 1, must be at most 2147483647, was (5 - 1)"
                        + " 1073741824 + 1 = 4294967297",
                () -> Conv2d.builder(1, 1, 5).optDilation(1, 1 << 30).build());
    }

    /** Null arrays were a NullPointerException, a one-element array an ArrayIndexOutOfBoundsException, three silently cut to two. */
    @Test
    void poolingSettingsMustBeTwoIntegers() {
        int[] two = {2, 2};
        int[] zero = {0, 0};
        refused(
                "MaxPool2d: kernel must be two integers {height, width}, was null",
                () -> new Pool2d(true, null, two, zero));
        refused(
                "MaxPool2d: kernel must be two integers {height, width}, was [2]",
                () -> new Pool2d(true, new int[] {2}, two, zero));
        refused(
                "AvgPool2d: kernel must be two integers {height, width}, was [2, 2, 2]",
                () -> new Pool2d(false, new int[] {2, 2, 2}, two, zero));
        refused(
                "AvgPool2d: stride must be two integers {height, width}, was null",
                () -> new Pool2d(false, two, null, zero));
        refused(
                "MaxPool2d: padding must be two integers {height, width}, was null",
                () -> new Pool2d(true, two, two, null));
    }

    /** Was a ConfigurationException (not an IllegalArgumentException) naming only the key: "eps: must be > 0, was NaN". */
    @Test
    void rmsNormNamesItselfLikeLayerNorm() {
        refused("RmsNorm[4]: eps must be > 0, was NaN", () -> new RmsNorm(4, Double.NaN, DataType.DOUBLE));
        refused(
                "RmsNorm[4]: eps must be > 0, was Infinity",
                () -> new RmsNorm(4, Double.POSITIVE_INFINITY, DataType.DOUBLE));
        refused("RmsNorm[4]: eps must be > 0, was 0.0", () -> new RmsNorm(4, 0, DataType.DOUBLE));
        refused("RmsNorm: number of features must be > 0, was 0", () -> new RmsNorm(0, 1e-6, DataType.DOUBLE));
    }

    /** A negative height or width was ND4J's "Length must be >= 0" after the convolutions were built. */
    @Test
    void imageModelsRefuseNonPositiveImageSizes() {
        refused(
                "Models: channels, height and width must be >= 1, was 1 x -1 x 28",
                () -> Models.lenet5(DataType.FLOAT, 1, 1, -1, 28, 10));
        refused(
                "Models: channels, height and width must be >= 1, was 1 x 28 x -3",
                () -> Models.smallCnn(DataType.FLOAT, 1, 1, 28, -3, 10));
        refused(
                "Models: channels, height and width must be >= 1, was 0 x 28 x 28",
                () -> Models.smallCnn(DataType.FLOAT, 1, 0, 28, 28, 10));
    }

    /**
     * Countable but huge sizes, passed to a constructor directly (configs were already sized against the limit): they
     * failed inside ND4J or with an OutOfMemoryError, after claiming what memory there was.
     */
    @Test
    void hugeCountableLayersAreRefusedAgainstTheMemoryLimitBeforeAllocating() {
        long n = 1L << 40;
        String[] expected = {
            "Dense[1048576->1048576] needs 4.00 TiB (4398050705408 bytes) for its 1,099,512,676,352 parameters",
            "Conv2d[1048576->1048576, 1x1] needs 8.00 TiB (8796101410816 bytes) for its 1,099,512,676,352 parameters",
            "BatchNorm[1099511627776] needs 16.00 TiB (17592186044416 bytes) for its 4,398,046,511,104 parameters and"
                    + " buffers",
            "LayerNorm[1099511627776] needs 8.00 TiB (8796093022208 bytes) for its 2,199,023,255,552 parameters",
            "RmsNorm[1099511627776] needs 4.00 TiB (4398046511104 bytes) for its 1,099,511,627,776 parameters",
            "BatchNorm[9223372036854775807] needs more than 8.00 EiB (9223372036854775807 bytes) for its more than"
                    + " 9223372036854775807 parameters and buffers",
        };
        Executable[] constructions = {
            () -> new Dense(1L << 20, 1L << 20, DataType.FLOAT, 1),
            () -> Conv2d.builder(1L << 20, 1L << 20, 1)
                    .optDataType(DataType.DOUBLE)
                    .build(),
            () -> new BatchNorm(n, DataType.FLOAT),
            () -> new LayerNorm(n, DataType.FLOAT),
            () -> new RmsNorm(n, 1e-6, DataType.FLOAT),
            () -> new BatchNorm(Long.MAX_VALUE, DataType.DOUBLE),
        };
        for (int i = 0; i < expected.length; i++) {
            String message = assertThrows(IllegalArgumentException.class, constructions[i])
                    .getMessage();
            assertTrue(message.startsWith(expected[i] + ", more than the limit of "), message);
        }
    }

    @Test
    void layerConstructorsUseTheConfiguredLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        try {
            refused(
                    "Dense[512->512] needs 1.00 MiB (1050624 bytes) for its 262,656 parameters, more than the limit of"
                            + " 1.00 MiB (1048576 bytes) (-Dmyelin.maxParameterBytes); to allow it, raise the limit"
                            + " with -Dmyelin.maxParameterBytes=SIZE (e.g. 16g; for scripts/myelin in"
                            + " MYELIN_JAVA_OPTS) on a machine with the memory for it",
                    () -> new Dense(512, 512, DataType.FLOAT, 1));
            new Dense(512, 511, DataType.FLOAT, 1); // 1,047,552 bytes: within
        } finally {
            System.clearProperty(Settings.MAX_PARAMETER_BYTES);
        }
    }
}
