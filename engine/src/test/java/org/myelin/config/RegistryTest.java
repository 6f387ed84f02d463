package org.myelin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.myelin.ConfigurationException;

class RegistryTest {
    private final Registry<Supplier<String>> optimizers = new Registry<Supplier<String>>("optimizer")
            .register("sgd", "plain gradient descent", () -> "sgd")
            .register("adam", "Adam (Kingma and Ba 2015)", () -> "adam")
            .register("adamw", "Adam with decoupled weight decay", () -> "adamw");

    @Test
    void looksUpCaseInsensitively() {
        assertEquals("adam", optimizers.get("optimizer.type", "ADAM").get());
        assertEquals(List.of("sgd", "adam", "adamw"), optimizers.names());
    }

    @Test
    void unknownNameSuggestsTheClosest() {
        assertEquals(
                "optimizer.type: unknown optimizer 'adma'; did you mean adam?",
                assertThrows(ConfigurationException.class, () -> optimizers.get("optimizer.type", "adma"))
                        .getMessage());
        assertEquals(
                "optimizer.type: unknown optimizer 'lbfgs'; expected one of [sgd, adam, adamw]",
                assertThrows(ConfigurationException.class, () -> optimizers.get("optimizer.type", "lbfgs"))
                        .getMessage());
    }

    @Test
    void refusesDuplicateAndMalformedNames() {
        assertThrows(IllegalArgumentException.class, () -> optimizers.register("adam", "again", () -> "x"));
        assertThrows(IllegalArgumentException.class, () -> optimizers.register("Adam-2", "bad", () -> "x"));
    }

    @Test
    void helpListsEveryNameAligned() {
        assertEquals(
                "  sgd    plain gradient descent\n  adam   Adam (Kingma and Ba 2015)\n"
                        + "  adamw  Adam with decoupled weight decay",
                optimizers.help());
    }

    @Test
    void suggestionsNeedToBeClose() {
        assertEquals(
                "learning_rate",
                Suggestions.closest("learning_rat", List.of("learning_rate", "epochs"))
                        .orElseThrow());
        assertEquals(
                "epochs",
                Suggestions.closest("epohcs", List.of("learning_rate", "epochs"))
                        .orElseThrow());
        assertEquals(
                true, Suggestions.closest("momentum", List.of("eps", "rho")).isEmpty());
    }
}
