package org.myelin.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.myelin.MemoryLimit;
import org.myelin.Preconditions;
import org.myelin.io.InputFiles;
import org.myelin.io.Text;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reader for numeric CSV files with a header row: one sample per line, one column holding the label or target,
 * every other column a feature.
 *
 * <pre>
 * x1,x2,label
 * 0.5,1.25,1
 * </pre>
 *
 * <p>Format: RFC 4180, parsed by Apache Commons CSV. The first record names the columns; fields are separated by
 * the delimiter (',' unless set); a field in double quotes may hold the delimiter, line breaks and quotes written
 * twice ({@code "say ""hi"""}); lines end in LF or CRLF. Spaces around a field, inside its quotes or outside, are
 * dropped; blank lines (and lines of spaces only) are skipped; a UTF-8 byte-order mark is ignored; a NUL character
 * anywhere is refused (a damaged file), as is a label name the header holds twice. Every value must
 * be a finite number; a classification label must be a whole number in {@code 0..numClasses-1}.
 *
 * <p>Errors name the file, the line (1-based, counting the header; a record whose quoted field spans lines is named
 * by its first line) and the column: {@code data.csv line 5, column 2 "x2": "abc" is not a number}; a row with the
 * wrong number of fields ({@code line 4 has 2 fields, expected 3 as in the header}), a quote that is never closed
 * ({@code line 7: a quoted field is not closed: ...}) and an empty file are refused the same way, as
 * {@link IOException}s. Memory grows with the rows actually read (no size field is trusted), up to what one
 * array holds.
 *
 * <p>Shapes: result features {@code [N, columns - 1]}; targets {@code [N, 1]} (regression) or one-hot
 * {@code [N, C]} (classification). Configured by copying methods: {@code Csv.reader().labelColumn("label")
 * .classification(3).read(path)}.
 */
public final class Csv {
    private final char delimiter;
    private final String labelName;
    private final int labelIndex;
    private final int numClasses;
    private final DataType dataType;

    private Csv(char delimiter, String labelName, int labelIndex, int numClasses, DataType dataType) {
        this.delimiter = delimiter;
        this.labelName = labelName;
        this.labelIndex = labelIndex;
        this.numClasses = numClasses;
        this.dataType = dataType;
    }

    /** A reader with ',' as delimiter, the last column as a regression target, and FLOAT arrays. */
    public static Csv reader() {
        return new Csv(',', null, -1, -1, DataType.FLOAT);
    }

    /** A copy that splits fields at {@code delimiter}. */
    public Csv delimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("Csv: delimiter cannot be " + describe(delimiter));
        }
        return new Csv(delimiter, labelName, labelIndex, numClasses, dataType);
    }

    /** A copy that takes the label from the column whose header is {@code name}. */
    public Csv labelColumn(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Csv: label column name must not be blank, was \"" + name + "\"");
        }
        return new Csv(delimiter, name.trim(), -1, numClasses, dataType);
    }

    /** A copy that takes the label from column {@code index} (0-based); -1 means the last column. */
    public Csv labelColumn(int index) {
        if (index < -1) {
            throw new IllegalArgumentException(
                    "Csv: label column index must be >= 0 (or -1 for the last), was " + index);
        }
        return new Csv(delimiter, null, index, numClasses, dataType);
    }

    /**
     * A copy that reads the label column as class labels {@code 0..numClasses-1}, one-hot encoded; with
     * {@code numClasses == 0} the count is inferred as the largest label + 1 (at least 2, at most 65536).
     */
    public Csv classification(int numClasses) {
        if (numClasses == 1 || numClasses < 0) {
            throw new IllegalArgumentException("Csv: numClasses must be >= 2 (or 0 to infer), was " + numClasses);
        }
        return new Csv(delimiter, labelName, labelIndex, numClasses, dataType);
    }

    /** A copy that reads the label column as a real-valued regression target (the default). */
    public Csv regression() {
        return new Csv(delimiter, labelName, labelIndex, -1, dataType);
    }

    /** A copy that creates arrays of {@code type} (a floating-point type; FLOAT unless set). */
    public Csv dataType(DataType type) {
        Preconditions.requireFloatType("Csv.dataType", type);
        return new Csv(delimiter, labelName, labelIndex, numClasses, type);
    }

    /**
     * Reads {@code file} into a dataset.
     *
     * @throws IOException if the file cannot be read or is malformed (the file, line and column are named)
     */
    public Dataset read(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("Csv.read: file is null");
        }
        String[] header = null;
        int label = -1;
        int width = 0;
        double[] features = new double[1024];
        double[] targets = new double[64];
        int[] labels = new int[64];
        int rows = 0;
        long lineNo = 1;
        long maxValues = MemoryLimit.parameterBytes() / 8;
        InputFiles.requireReadable("CSV file", file);
        int width8 = dataType == DataType.DOUBLE ? 8 : 4;
        if (numClasses > 0) {
            // A number of classes too large for even one row is refused before the file is read.
            requireOneHotMemory(file, 1, numClasses, width8);
        }
        long maxChars = maxFileBytes();
        long size = Files.size(file);
        if (size > maxChars) {
            throw new IOException(file + ": " + size + " bytes, more than the " + maxChars + " a CSV file may have here"
                    + MAX_FILE_ADVICE);
        }
        try (BufferedReader in = new BufferedReader(
                        new BoundedLines(file, Files.newBufferedReader(file, StandardCharsets.UTF_8), maxChars));
                CSVParser parser = CSVParser.parse(skipByteOrderMark(in), format())) {
            Iterator<CSVRecord> records = parser.iterator();
            while (true) {
                // The parser counts the line breaks it has consumed, each record's own included, so the next record
                // starts on the line after: a record with a quoted line break is reported by its first line.
                lineNo = parser.getCurrentLineNumber() + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException e) {
                    if (e.getCause() instanceof LimitException limit) {
                        throw new IOException(limit.getMessage(), limit);
                    }
                    throw malformed(file, lineNo, e.getCause());
                }
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue; // a blank line (or one of spaces only)
                }
                String[] fields = record.values();
                if (header == null) {
                    header = fields;
                    width = header.length;
                    if (width < 2) {
                        throw new IOException(file + ": header has " + width + " column, expected a label column and"
                                + " at least one feature column");
                    }
                    label = resolveLabel(file, header);
                    continue;
                }
                if (fields.length != width) {
                    throw new IOException(file + " line " + lineNo + " has " + fields.length + " fields, expected "
                            + width + " as in the header");
                }
                if ((long) (rows + 1) * (width - 1) > MAX_VALUES) {
                    throw new IOException(file + ": more than " + rows + " rows of " + (width - 1)
                            + " features, the most one array holds");
                }
                if ((long) (rows + 1) * (width - 1) > maxValues) {
                    // Read as float64 first: the values must fit the memory limit as such.
                    try {
                        MemoryLimit.check(
                                file + " line " + lineNo + ": more than " + rows + " rows of " + (width - 1)
                                        + " features",
                                (long) (rows + 1) * (width - 1),
                                8,
                                "values");
                    } catch (IllegalArgumentException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
                features = grow(features, (rows + 1) * (width - 1));
                int at = rows * (width - 1);
                for (int c = 0; c < width; c++) {
                    double v = parse(file, lineNo, c, header[c], fields[c]);
                    if (c != label) {
                        features[at++] = v;
                    } else if (numClasses < 0) {
                        targets = grow(targets, rows + 1);
                        targets[rows] = v;
                    } else {
                        labels = grow(labels, rows + 1);
                        labels[rows] = toLabel(file, lineNo, c, header[c], fields[c], v);
                    }
                }
                rows++;
            }
        } catch (CharacterCodingException e) {
            throw notUtf8(file, lineNo, e);
        }
        if (header == null) {
            throw new IOException(file + ": file is empty, expected a header row and data rows");
        }
        if (rows == 0) {
            throw new IOException(file + ": no data rows after the header");
        }
        int d = width - 1;
        int[] y = numClasses < 0 ? null : Arrays.copyOf(labels, rows);
        int classes = numClasses;
        if (numClasses == 0) {
            int largest = Arrays.stream(y).max().orElse(0);
            if (largest >= MAX_INFERRED_CLASSES) {
                throw new IOException(file + ": label " + largest + " would make " + (largest + 1L) + " classes, more"
                        + " than the " + MAX_INFERRED_CLASSES + " inferred at most; give the number of classes");
            }
            classes = Math.max(2, largest + 1);
        }
        if (numClasses >= 0) {
            requireOneHotMemory(file, rows, classes, width8);
        }
        try {
            INDArray x = Nd4j.create(Arrays.copyOf(features, rows * d), new long[] {rows, d}, 'c')
                    .castTo(dataType);
            if (numClasses < 0) {
                return Dataset.of(
                        x,
                        Nd4j.create(Arrays.copyOf(targets, rows), new long[] {rows, 1}, 'c')
                                .castTo(dataType));
            }
            return Dataset.classification(x, y, classes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The most characters of one line of a CSV file (a line without a line break cannot fill the memory). */
    public static final int MAX_LINE_CHARS = 1 << 24;

    private static final String MAX_FILE_ADVICE = " (the memory limit; raise it with -D"
            + org.myelin.Settings.MAX_PARAMETER_BYTES + "=SIZE, for scripts/myelin in MYELIN_JAVA_OPTS)";

    /** The most bytes (and characters) of a CSV file: the memory limit ({@link MemoryLimit#parameterBytes()}). */
    static long maxFileBytes() {
        return MemoryLimit.parameterBytes();
    }

    /** Refuses one-hot targets of {@code rows x classes} beyond the memory limit, before they are allocated. */
    private static void requireOneHotMemory(Path file, long rows, int classes, int width) throws IOException {
        try {
            MemoryLimit.check(
                    file + ": the one-hot targets of " + rows + " row(s) x " + classes + " classes (the number of"
                            + " classes given)",
                    MemoryLimit.saturatedProduct(rows, classes),
                    width,
                    "values");
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A bound of {@link BoundedLines} passed: the message names the file, the line and the limit. */
    private static final class LimitException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message);
        }
    }

    /**
     * A reader that refuses a line longer than {@link #MAX_LINE_CHARS} and a file longer than its bound while they
     * are read: a file of zeros without a line break or a file growing while it is read cannot fill the memory.
     */
    private static final class BoundedLines extends java.io.FilterReader {
        private final Path file;
        private final long maxChars;
        private long line = 1;
        private long lineChars;
        private long total;

        BoundedLines(Path file, Reader in, long maxChars) {
            super(in);
            this.file = file;
            this.maxChars = maxChars;
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            for (int i = off; i < off + n; i++) {
                if (buf[i] == '\n') {
                    line++;
                    lineChars = 0;
                } else if (buf[i] == '\0') {
                    // The parser trims it as white space, so a line of NULs (a file cut short by a crash, its
                    // preallocated tail never written) was skipped as blank and the rest read as if whole.
                    throw new LimitException(file + " line " + line + " holds a NUL character (byte 0), which no CSV"
                            + " text holds: the file is damaged or not text");
                } else if (++lineChars > MAX_LINE_CHARS) {
                    throw new LimitException(file + " line " + line + " is longer than " + MAX_LINE_CHARS
                            + " characters, the most a CSV line may have");
                }
            }
            total += Math.max(n, 0);
            if (total > maxChars) {
                throw new LimitException(file + " line " + line + ": more than " + maxChars
                        + " characters, the most a CSV file may have here" + MAX_FILE_ADVICE);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported");
        }
    }

    /** The most classes {@code classification(0)} infers from the labels (a damaged label could claim billions). */
    static final int MAX_INFERRED_CLASSES = 1 << 16;

    private static final int MAX_VALUES = Integer.MAX_VALUE - 64;

    private int resolveLabel(Path file, String[] header) throws IOException {
        if (labelName != null) {
            int found = -1;
            for (int c = 0; c < header.length; c++) {
                if (header[c].equals(labelName)) {
                    if (found >= 0) {
                        throw new IOException(file + ": the header names columns " + (found + 1) + " and " + (c + 1)
                                + " \"" + Text.shorten(labelName, 60) + "\", expected one label column of that name");
                    }
                    found = c;
                }
            }
            if (found >= 0) {
                return found;
            }
            throw new IOException(file + ": no column named \"" + labelName + "\" for the label; the header has "
                    + Text.shorten(Arrays.toString(header), 200));
        }
        int index = labelIndex < 0 ? header.length - 1 : labelIndex;
        if (index >= header.length) {
            throw new IOException(file + ": label column index " + index + " is out of range, the header has "
                    + header.length + " columns");
        }
        return index;
    }

    private double parse(Path file, long lineNo, int column, String name, String field) throws IOException {
        if (field.isEmpty()) {
            throw new IOException(where(file, lineNo, column, name) + ": empty value, expected a number");
        }
        double v;
        try {
            // Plain decimal notation only: Java's 0x1p3, 1f or 2d are no numbers in a CSV file.
            v = Text.parseDecimal(field);
        } catch (NumberFormatException e) {
            throw new IOException(where(file, lineNo, column, name) + ": " + quote(field) + " is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new IOException(where(file, lineNo, column, name) + ": " + quote(field) + " is not a finite number");
        }
        if (dataType == DataType.FLOAT && Math.abs(v) > Float.MAX_VALUE) {
            throw new IOException(where(file, lineNo, column, name) + ": " + quote(field) + " is outside the float32"
                    + " range (+-" + Float.MAX_VALUE + "); read as float64 for such values");
        }
        return v;
    }

    private int toLabel(Path file, long lineNo, int column, String name, String field, double v) throws IOException {
        if (v != Math.rint(v) || v < 0 || (numClasses > 0 && v >= numClasses) || v > Integer.MAX_VALUE - 1) {
            throw new IOException(where(file, lineNo, column, name) + ": label " + quote(field) + ", expected a whole "
                    + "number in 0.." + (numClasses > 0 ? String.valueOf(numClasses - 1) : "N"));
        }
        return (int) v;
    }

    private static String where(Path file, long lineNo, int column, String name) {
        return file + " line " + lineNo + ", column " + (column + 1) + " " + quote(name);
    }

    /** A cell or column name for a message: a damaged file may hold a field of megabytes, so a short prefix. */
    private static String quote(String text) {
        return Text.quote(text, MAX_QUOTED);
    }

    /** The most characters of a cell quoted in an error message. */
    static final int MAX_QUOTED = 40;

    /**
     * RFC 4180 with this reader's delimiter; spaces around a field, quoted or not, are dropped, and blank lines are
     * kept as records so that the parser's line count stays exact (the loop skips them).
     */
    private CSVFormat format() {
        return CSVFormat.RFC4180
                .builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(true)
                .setTrim(true)
                .get();
    }

    /** {@code in} past a UTF-8 byte-order mark, if the file starts with one. */
    private static Reader skipByteOrderMark(BufferedReader in) throws IOException {
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        return in;
    }

    /** The one-line error for what the parser refused in the record starting on {@code lineNo}. */
    private static IOException malformed(Path file, long lineNo, IOException cause) {
        if (cause instanceof CharacterCodingException) {
            return notUtf8(file, lineNo, cause);
        }
        String reason = String.valueOf(cause.getMessage());
        // commons-csv says "EOF reached before encapsulated token finished"; the tests pin this wording.
        if (reason.contains("EOF reached before encapsulated token finished")) {
            return new IOException(
                    file + " line " + lineNo + ": a quoted field is not closed: no closing '\"' before"
                            + " the end of the file",
                    cause);
        }
        if (reason.contains("Invalid character between encapsulated token and delimiter")) {
            return new IOException(
                    file + " line " + lineNo + ": text after the closing '\"' of a quoted field,"
                            + " expected the delimiter or the end of the line (write a quote inside a quoted field as \"\")",
                    cause);
        }
        return new IOException(file + " line " + lineNo + ": malformed CSV (" + Text.shorten(reason, 200) + ")", cause);
    }

    /**
     * The error for bytes that are not UTF-8. The reader decodes ahead of the parser, so the parser's line says
     * little; a second pass finds the first bad byte, its offset and its line.
     */
    private static IOException notUtf8(Path file, long lineNo, IOException cause) {
        String where;
        try {
            where = firstBadUtf8(file);
        } catch (IOException e) {
            where = null;
        }
        if (where == null) {
            return new IOException(file + " near line " + lineNo + ": not UTF-8 text (" + cause + ")", cause);
        }
        return new IOException(
                file + ": not UTF-8 text: " + where + " does not start a valid UTF-8 sequence; save"
                        + " the file as UTF-8",
                cause);
    }

    /** {@code "byte 0xe9 at offset 16 (line 2)"} for the first byte of {@code file} that is not UTF-8, or null. */
    private static String firstBadUtf8(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        // UTF-8 never gives more chars than bytes, so the output cannot overflow.
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        long offset = 0; // of bytes.get(0) after the flip
        long line = 1;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                boolean end = n < 0;
                bytes.position(bytes.position() + Math.max(n, 0));
                bytes.flip();
                CoderResult r = decoder.decode(bytes, chars, end);
                for (int i = 0; i < bytes.position(); i++) {
                    line += bytes.get(i) == '\n' ? 1 : 0;
                }
                if (r.isError()) {
                    return String.format(
                            "byte 0x%02x at offset %d (line %d)",
                            bytes.get(bytes.position()) & 0xff, offset + bytes.position(), line);
                }
                if (end) {
                    return null;
                }
                offset += bytes.position();
                bytes.compact();
                chars.clear();
            }
        }
    }

    private static double[] grow(double[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, (int) Math.min(MAX_VALUES, Math.max(needed, 2L * a.length)));
    }

    private static int[] grow(int[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, (int) Math.min(MAX_VALUES, Math.max(needed, 2L * a.length)));
    }

    private static String describe(char c) {
        return c == '\n' ? "'\\n'" : c == '\r' ? "'\\r'" : "'" + c + "'";
    }
}
