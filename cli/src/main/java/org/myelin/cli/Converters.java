package org.myelin.cli;

import org.myelin.io.Text;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The number converters of the command line's options. Their messages leave out the option's name, which
 * {@link UsageErrors} puts in front: {@code --epochs must be an integer in -2147483648..2147483647, was '4294967297'}.
 */
public final class Converters {
    private Converters() {}

    /**
     * A whole number in the range of int, in decimal; a larger one is refused with the range, never wrapped (picocli's
     * own converter would also take {@code 0x10} and {@code 010}).
     */
    public static final class WholeNumber implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            String v = value.trim();
            if (v.matches("[+-]?\\d+")) {
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException tooLarge) {
                    throw new TypeConversionException("must be an integer in " + Integer.MIN_VALUE + ".."
                            + Integer.MAX_VALUE + ", was '" + Text.shorten(value, 40) + "'");
                }
            }
            throw new TypeConversionException("must be an integer, was '" + Text.shorten(value, 40) + "'");
        }
    }

    /** A number in plain decimal notation ({@link Text#parseDecimal}: not Java's {@code 0x1p3} or {@code 1f}). */
    public static final class Decimal implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                return Text.parseDecimal(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a number, was '" + Text.shorten(value, 40) + "'");
            }
        }
    }
}
