package org.myelin.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * JSON to and from plain maps, lists, strings, numbers and booleans, for every JSON document the engine reads
 * (job configs, {@code model.json}, the entries of checkpoints).
 *
 * <p>Reading is strict and bounded, since these documents may come from damaged or hostile files: a document
 * must be exactly one JSON object, with unique keys and nothing after it; a number may have at most
 * {@value #MAX_NUMBER_LENGTH} characters (parsing a multi-million-digit integer takes minutes), a string at most
 * {@value #MAX_STRING_LENGTH}, a key at most {@value #MAX_NAME_LENGTH}, and objects and lists nest at most
 * {@value #MAX_NESTING_DEPTH} deep (Jackson's {@link StreamReadConstraints}). Integers arrive as Integer, Long or
 * BigInteger, other numbers as Double; read whole numbers with {@link #exactLong}, which never wraps.
 */
public final class Json {
    /** The longest number accepted, in characters: a double needs at most 25, a long 20. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** The longest string value accepted, in characters (paths, names and notes are far shorter). */
    public static final int MAX_STRING_LENGTH = 1 << 16;
    /** The longest object key accepted, in characters. */
    public static final int MAX_NAME_LENGTH = 4096;
    /** The deepest nesting of objects and lists accepted. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNameLength(MAX_NAME_LENGTH)
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a JSON object; {@code what} names the source in errors. */
    public static Map<String, Object> readObject(String what, String text) {
        Object value;
        try {
            value = MAPPER.readValue(text, Object.class);
        } catch (IOException e) {
            throw new ModelFormatException(what + ": invalid JSON: " + describe(e), e);
        }
        return requireObject(what, value);
    }

    /** Parses a JSON object from UTF-8 bytes, refusing bytes that are not UTF-8 text with their offset. */
    public static Map<String, Object> readObject(String what, byte[] utf8) {
        if (utf8 == null) {
            throw new IllegalArgumentException(what + ": no JSON text (null)");
        }
        return parseObject(what, utf8, e -> ": invalid JSON: " + describe(e));
    }

    /**
     * Parses UTF-8 bytes into a JSON object: the bytes checked to be UTF-8 first, a parse error worded by
     * {@code invalid} after {@code what}.
     */
    private static Map<String, Object> parseObject(
            String what, byte[] utf8, java.util.function.Function<IOException, String> invalid) {
        requireUtf8(what, utf8);
        Object value;
        try {
            value = MAPPER.readValue(utf8, Object.class);
        } catch (IOException e) {
            throw new ModelFormatException(what + invalid.apply(e), e);
        }
        return requireObject(what, value);
    }

    /** Refuses bytes that are not UTF-8 text, naming the line and byte offset of the first bad byte. */
    static void requireUtf8(String what, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult r = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, CharBuffer.allocate(bytes.length), true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new ModelFormatException(String.format(
                    "%s: not UTF-8 text: byte 0x%02x at offset %d (line %d) does"
                            + " not start a valid UTF-8 sequence; save the file as UTF-8",
                    what, bytes[at] & 0xff, at, line));
        }
    }

    /**
     * Reads a JSON file of at most {@code maxBytes} bytes; {@code role} says what the file is for
     * ({@code "config file"}) in every error.
     */
    public static Map<String, Object> readFile(String role, Path file, int maxBytes) throws IOException {
        return readFile(role, file, maxBytes, "a JSON object");
    }

    /**
     * {@link #readFile(String, Path, int)} whose errors say what the file should hold ({@code expected}: "a JSON
     * object of the job's settings") and what it holds instead, in plain words: {@code F: the file is empty;
     * expected ...}, {@code F: invalid JSON at line 1, column 6: found 'epoch'; expected ...}.
     */
    public static Map<String, Object> readFile(String role, Path file, int maxBytes, String expected)
            throws IOException {
        byte[] bytes = InputFiles.readBounded(role, file, maxBytes);
        String what = file.toString();
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            throw new ModelFormatException(what + ": the file is empty; expected " + expected);
        }
        return parseObject(what, bytes, e -> ": invalid JSON" + found(e) + "; expected " + expected);
    }

    /**
     * " at line 1, column 6: found 'epoch'": where the parser stopped and what it found there, without the parser's
     * own terms; the parser's message for errors it words plainly enough (a duplicate key, text after the object).
     */
    private static String found(IOException e) {
        if (!(e instanceof JsonProcessingException j)) {
            return ": " + e.getMessage();
        }
        String msg = String.valueOf(j.getOriginalMessage());
        JsonLocation at = j.getLocation();
        String where =
                at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
        java.util.regex.Matcher token =
                java.util.regex.Pattern.compile("^Unrecognized token '(.*?)'").matcher(msg);
        java.util.regex.Matcher character = java.util.regex.Pattern.compile("^Unexpected character \\('(.*?)' \\(code")
                .matcher(msg);
        if (token.find()) {
            return where + ": found '" + Text.shorten(token.group(1), 40) + "'";
        }
        if (character.find()) {
            return where + ": found '" + character.group(1) + "'";
        }
        if (msg.startsWith("Unexpected end-of-input")) {
            return where + ": the text ends inside an object, a list or a string";
        }
        return ": " + describe(e);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> requireObject(String what, Object value) {
        if (!(value instanceof Map)) {
            throw new ModelFormatException(what + ": expected a JSON object, found "
                    + (value == null ? "null" : value instanceof List ? "a list" : "a " + kind(value)));
        }
        return (Map<String, Object>) value;
    }

    private static String kind(Object value) {
        return value instanceof String ? "string" : value instanceof Boolean ? "boolean" : "number";
    }

    private static String describe(IOException e) {
        if (!(e instanceof JsonProcessingException j)) {
            return e.getMessage();
        }
        String msg = j.getOriginalMessage();
        if (j instanceof StreamConstraintsException) {
            msg = "too large: " + msg;
        }
        JsonLocation at = j.getLocation();
        if (at != null && at.getLineNr() > 0) {
            msg += " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        // Jackson's messages may quote the offending text; keep the line short.
        return Text.shorten(msg.replaceAll("\\s+", " "), 400);
    }

    /**
     * The exact value of a whole JSON number as a long, or empty when {@code value} is not a number, not whole,
     * or outside the range of long: unlike {@link Number#longValue()}, never wraps ({@code 18446744073709551617}
     * is not 1) and never rounds.
     */
    public static OptionalLong exactLong(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return OptionalLong.of(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) {
            return b.bitLength() < 64 ? OptionalLong.of(b.longValue()) : OptionalLong.empty();
        }
        if (value instanceof BigDecimal d) {
            try {
                return OptionalLong.of(d.longValueExact());
            } catch (ArithmeticException e) {
                return OptionalLong.empty();
            }
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            // Whole doubles up to 2^53 are exact; beyond that a double stands for many integers.
            return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= 0x1p53
                    ? OptionalLong.of((long) d)
                    : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
