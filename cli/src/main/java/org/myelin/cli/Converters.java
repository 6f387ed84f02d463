package org.myelin.cli;

import org.myelin.io.Text;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The number converters of the command line's options. Their messages leave out the option's name, which
 * {@link UsageErrors} puts in front: {@code --epochs must be an integer in 1..2147483647, was '4294967297'}.
 */
public final class Converters {
    private Converters() {}

    /**
     * A converter that says what it takes, in the words of its own refusal ({@code must be EXPECTED, was '...'}):
     * {@link UsageErrors} names it for an option given without a value ({@code --epochs expects N (an integer in
     * 1..2147483647), ...}).
     */
    public interface Expecting {
        /** What the option takes: {@code "an integer in 1..2147483647"}. */
        String expected();
    }

    /**
     * A whole number in the range of int, in decimal; a larger one is refused with the range, never wrapped (picocli's
     * own converter would also take {@code 0x10} and {@code 010}).
     */
    public static final class WholeNumber implements ITypeConverter<Integer>, Expecting {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, Integer.MIN_VALUE, expected());
        }

        @Override
        public String expected() {
            return wholeNumbers(Integer.MIN_VALUE);
        }
    }

    /**
     * A number of classes: a whole number in the range of int, in decimal; a larger one is refused with the range of
     * class counts, never wrapped (picocli's own converter would also take {@code 0x10} and {@code 010}). One below 1
     * is let through for {@code DataOptions.classes()} to name.
     */
    public static final class ClassCount implements ITypeConverter<Integer>, Expecting {
        @Override
        public Integer convert(String value) {
            Long n = decimal(value);
            if (n != null && n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return n.intValue();
            }
            throw refused(expected(), value);
        }

        @Override
        public String expected() {
            return "a number of classes in 1.." + Integer.MAX_VALUE;
        }
    }

    /**
     * A seed: a whole number in the range of long, in decimal (the config's {@code training.seed} and the scenarios'
     * seeds are longs, so a 64-bit seed such as a clock's nanoseconds is taken by every way of giving it).
     */
    public static final class Seed implements ITypeConverter<Long>, Expecting {
        @Override
        public Long convert(String value) {
            Long n = decimal(value);
            if (n != null) {
                return n;
            }
            throw refused(expected(), value);
        }

        @Override
        public String expected() {
            return "an integer in " + Long.MIN_VALUE + ".." + Long.MAX_VALUE;
        }
    }

    /**
     * A whole number in 1..2147483647 (epochs, batch sizes, sample limits): 0 and negative values are usage errors
     * naming the option (exit 2), not failures of the job's config naming a config key (exit 1).
     */
    public static final class PositiveWholeNumber implements ITypeConverter<Integer>, Expecting {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 1, expected());
        }

        @Override
        public String expected() {
            return wholeNumbers(1);
        }
    }

    /** A whole number in 0..2147483647 (counts that may be zero: the spark module's local steps and checkpoints). */
    public static final class NonNegativeWholeNumber implements ITypeConverter<Integer>, Expecting {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 0, expected());
        }

        @Override
        public String expected() {
            return wholeNumbers(0);
        }
    }

    private static String wholeNumbers(int min) {
        return "an integer in " + min + ".." + Integer.MAX_VALUE;
    }

    /** {@code value} in decimal digits as an int of at least {@code min}, else the range in the message. */
    private static int wholeNumber(String value, int min, String expected) {
        Long n = decimal(value);
        if (n != null && n >= min && n <= Integer.MAX_VALUE) {
            return n.intValue();
        } // a non-number (0x10, 1e3, two) is refused with the range too, the same line as for one out of range
        throw refused(expected, value);
    }

    /** {@code must be EXPECTED, was 'VALUE'}: the value as typed, quoted (and shortened past 40 characters). */
    private static TypeConversionException refused(String expected, String value) {
        return new TypeConversionException("must be " + expected + ", was '" + Text.shorten(value, 40) + "'");
    }

    /** {@code value} in decimal digits (a sign allowed) as a long, or null for anything else or beyond a long. */
    private static Long decimal(String value) {
        String v = value.trim();
        if (v.matches("[+-]?\\d+")) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException tooLarge) {
                return null;
            }
        }
        return null;
    }

    /** A finite number {@code > 0} (learning rates, norms): {@code 1e999} is infinity, refused as such. */
    public static final class PositiveDecimal implements ITypeConverter<Double>, Expecting {
        @Override
        public Double convert(String value) {
            double d = new Decimal().convert(value);
            if (!(d > 0) || Double.isInfinite(d)) {
                throw refused(expected(), value);
            }
            return d;
        }

        @Override
        public String expected() {
            return "a finite number > 0";
        }
    }

    /**
     * A finite number {@code >= 0} (penalties): refused here quoting the text typed ({@code was '-1'}), not by the job
     * config with the number it became ({@code was -1.0}).
     */
    public static final class NonNegativeDecimal implements ITypeConverter<Double>, Expecting {
        @Override
        public Double convert(String value) {
            double d = new Decimal().convert(value);
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw refused(expected(), value);
            }
            return d;
        }

        @Override
        public String expected() {
            return "a finite number >= 0";
        }
    }

    /** A number in [0, 1) (dropout and hold-out fractions). */
    public static final class Fraction implements ITypeConverter<Double>, Expecting {
        @Override
        public Double convert(String value) {
            double d = new Decimal().convert(value);
            if (!(d >= 0 && d < 1)) {
                throw refused(expected(), value);
            }
            return d;
        }

        @Override
        public String expected() {
            return "a number in [0, 1)";
        }
    }

    /** A number in plain decimal notation ({@link Text#parseDecimal}: not Java's {@code 0x1p3} or {@code 1f}). */
    public static final class Decimal implements ITypeConverter<Double>, Expecting {
        @Override
        public Double convert(String value) {
            try {
                return Text.parseDecimal(value.trim());
            } catch (NumberFormatException e) {
                throw refused(expected(), value);
            }
        }

        @Override
        public String expected() {
            return "a number";
        }
    }
}
