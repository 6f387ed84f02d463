package org.myelin.io;

import java.util.regex.Pattern;

/** Strict number syntax and short quotes of untrusted text, shared by the readers of files and options. */
public final class Text {
    /** Plain decimal notation: an optional sign, digits with an optional point, an optional exponent. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private static final Pattern SPECIAL = Pattern.compile("[+-]?(NaN|Infinity)");
    /** The longest number text parsed: a double needs at most 25 characters, so more is no number. */
    private static final int MAX_NUMBER_LENGTH = 400;

    private Text() {}

    /**
     * Parses a number in plain decimal notation ({@code -1.5e3}) or one of the names of NaN and infinity, which
     * callers refuse with their own message. Unlike {@link Double#parseDouble}, refuses Java's hexadecimal
     * floats ({@code 0x1p3}) and type suffixes ({@code 1f}, {@code 2d}), which are no numbers in a CSV file or
     * an option.
     *
     * @throws NumberFormatException when {@code s} is anything else
     */
    public static double parseDecimal(String s) {
        if (s.length() <= MAX_NUMBER_LENGTH && DECIMAL.matcher(s).matches()) {
            return Double.parseDouble(s);
        }
        if (SPECIAL.matcher(s).matches()) {
            boolean negative = s.charAt(0) == '-';
            return s.endsWith("NaN") ? Double.NaN : negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        throw new NumberFormatException("not a decimal number");
    }

    /** {@code s} in double quotes, cut to its first {@code max} characters with its length when longer. */
    public static String quote(String s, int max) {
        return "\"" + shorten(s, max) + "\"";
    }

    /** {@code s}, or its first {@code max} characters followed by {@code "... (N characters)"}. */
    public static String shorten(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "... (" + s.length() + " characters)";
    }
}
