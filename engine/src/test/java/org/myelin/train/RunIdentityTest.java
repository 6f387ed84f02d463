package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.myelin.io.Json;

/** A run's identity survives its checkpoint's JSON round trip, whatever the length of its settings' texts. */
class RunIdentityTest {

    /** A layer list of {@code n} activation layers, as long as a config of that many layers prints. */
    private static String layers(int n, String activation) {
        return "[{type=flatten}, " + ("{type=activation, activation=" + activation + "}, ").repeat(n) + "{type=dense}]";
    }

    @Test
    void settingsTooLongForTheCheckpointsJsonAreKeptAsDigestsThatStillCompare() {
        // 2,000 layers print as ~72,000 characters: the checkpoint's JSON reader refuses strings beyond 65,536, so
        // such a run could not write its first checkpoint.
        RunIdentity run = new RunIdentity().put("model.layers", layers(2000, "relu"));
        Map<String, String> saved = run.toMap();
        assertTrue(saved.get("model.layers").length() < 200, saved.get("model.layers"));
        Map<?, ?> readBack = Json.readObject("trainer.json", Json.write(saved));
        run.requireSameRun(readBack, Set.of(), null);

        RunIdentity other = new RunIdentity().put("model.layers", layers(2000, "tanh"));
        assertNotEquals(saved.get("model.layers"), other.toMap().get("model.layers"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> other.requireSameRun(readBack, Set.of(), null));
        assertTrue(e.getMessage().contains("model.layers is SHA-256 of "), e.getMessage());
    }

    @Test
    void settingsWithinTheLimitAreKeptAsText() {
        String text = layers(10, "relu");
        assertEquals(text, new RunIdentity().put("model.layers", text).toMap().get("model.layers"));
    }
}
