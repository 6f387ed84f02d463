package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The {@code myelin.amx} setting: the property wins over the environment; blank counts as unset. */
class AmxProductsTest {

    @Test
    void autoByDefaultAndOffWhenAsked() {
        assertTrue(AmxProducts.allowed(null, null));
        assertTrue(AmxProducts.allowed(" ", ""));
        assertTrue(AmxProducts.allowed("AUTO", "off"));
        assertFalse(AmxProducts.allowed("off", "auto"));
        assertFalse(AmxProducts.allowed(null, " Off "));
        assertTrue(AmxProducts.allowed("", "auto"));
    }

    @Test
    void anyOtherValueIsRefusedNamingItsSource() {
        IllegalArgumentException p =
                assertThrows(IllegalArgumentException.class, () -> AmxProducts.allowed("on", null));
        assertEquals("-Dmyelin.amx must be auto or off, was 'on'", p.getMessage());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AmxProducts.allowed(null, "yes"));
        assertEquals("MYELIN_AMX must be auto or off, was 'yes'", e.getMessage());
    }
}
