package org.myelin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.ConfigurationException;

class ConfigBinderTest {

    /** The pattern of config records: boxed components, the default written once in the compact constructor. */
    record Training(int epochs, Double learningRate, Boolean resume, List<Integer> hidden, Inner inner) {
        Training {
            Require.atLeast("epochs", epochs, 1);
            learningRate = Require.positive("learning_rate", learningRate == null ? 0.01 : learningRate);
            resume = resume == null || resume;
            hidden = hidden == null ? List.of(512, 256) : List.copyOf(hidden);
        }
    }

    record Inner(Long seed) {}

    private static Map<String, Object> raw(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String error(Map<String, Object> raw) {
        return assertThrows(ConfigurationException.class, () -> ConfigBinder.bind("training", raw, Training.class))
                .getMessage();
    }

    @Test
    void bindsSnakeCaseKeys() {
        Training t = ConfigBinder.bind(
                "training",
                raw("epochs", 3, "learning_rate", 1, "resume", true, "hidden", List.of(4, 5), "inner", raw("seed", 7L)),
                Training.class);
        assertEquals(new Training(3, 1.0, true, List.of(4, 5), new Inner(7L)), t);
    }

    @Test
    void absentKeysTakeTheDefaultsAndRequiredOnesAreNamed() {
        assertEquals(
                new Training(2, 0.01, true, List.of(512, 256), null),
                ConfigBinder.bind("training", raw("epochs", 2), Training.class));
        assertEquals(
                "training.epochs: must be an integer written in digits (no fraction or exponent), was missing (it has no default)",
                error(raw("learning_rate", 0.1)));
    }

    @Test
    void unknownKeyNamesThePathAndTheClosestKey() {
        assertEquals(
                "training.learning_rat: unknown key; did you mean learning_rate?",
                error(raw("epochs", 1, "learning_rat", 0.1)));
        assertEquals(
                "training.inner.sed: unknown key; did you mean seed?",
                error(raw("epochs", 1, "learning_rate", 0.1, "inner", raw("sed", 1))));
        assertEquals(
                "training.zzzzzzzzzz: unknown key; expected one of [epochs, hidden, inner, learning_rate, resume]",
                error(raw("zzzzzzzzzz", 1)));
    }

    @Test
    void aNullKeyIsNamedNotANullPointerException() {
        Map<String, Object> m = raw("epochs", 1);
        m.put(null, 1);
        assertEquals(
                "training: has a null key; expected one of [epochs, hidden, inner, learning_rate, resume]", error(m));
    }

    @Test
    void rangeErrorsFromTheRecordCarryThePath() {
        assertEquals("training.learning_rate: must be > 0, was -0.1", error(raw("epochs", 1, "learning_rate", -0.1)));
        assertEquals("training.epochs: must be >= 1, was 0", error(raw("epochs", 0, "learning_rate", 0.1)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "epochs|six|training.epochs: must be an integer",
                "epochs|2.5|training.epochs: must be an integer",
                "resume|1|training.resume: must be true or false",
                "learning_rate|0.1x|training.learning_rate: must be a number"
            })
    void typeErrorsCarryThePath(String key, String value, String start) {
        Object v = value.equals("2.5") ? 2.5 : value.equals("1") ? 1 : value;
        String m = error(raw("epochs", 1, "learning_rate", 0.1, key, v));
        assertEquals(start, m.substring(0, Math.min(m.length(), start.length())), m);
    }

    @Test
    void aWholeNumberWrittenWithAnExponentOrFractionIsNamedAsSuch() {
        // 1e0 and 0.0 in JSON are doubles: "must be an integer in -2147483648..2147483647, was 1.0" misstated both.
        assertEquals(
                "training.epochs: must be an integer written in digits (no fraction or exponent), was 1.0",
                error(raw("epochs", 1e0, "learning_rate", 0.1)));
    }

    @Test
    void integersOutsideTheRangeAreRefusedNotWrapped() {
        String m = error(raw("epochs", 4294967297L, "learning_rate", 0.1));
        assertEquals("training.epochs", m.substring(0, m.indexOf(':')), m);
        String big = error(
                raw("epochs", 1, "learning_rate", 0.1, "inner", raw("seed", new BigInteger("99999999999999999999"))));
        assertEquals("training.inner.seed", big.substring(0, big.indexOf(':')), big);
    }

    @Test
    void listElementsCarryTheirIndex() {
        String m = error(raw("epochs", 1, "learning_rate", 0.1, "hidden", List.of(1, "two")));
        assertEquals("training.hidden[1]", m.substring(0, m.indexOf(':')), m);
    }

    @Test
    void keyTranslatesComponentNames() {
        assertEquals("learning_rate", ConfigBinder.key("learningRate"));
        assertEquals("beta1", ConfigBinder.key("beta1"));
    }
}
