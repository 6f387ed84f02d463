package org.myelin.io;

import java.io.IOException;
import java.util.Map;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

/** JSON to and from plain maps, lists, strings, numbers and booleans (ND4J's shaded Jackson, no extra dependency). */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a JSON object; {@code what} names the source in errors. */
    public static Map<String, Object> readObject(String what, String text) {
        try {
            Map<String, Object> m = MAPPER.readValue(text, new TypeReference<Map<String, Object>>() { });
            if (m == null) {
                throw new ModelFormatException(what + ": expected a JSON object, found null");
            }
            return m;
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ModelFormatException(what + ": invalid JSON: " + msg, e);
        }
    }
}
