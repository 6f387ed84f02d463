package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitExampleTest {
    @Test
    void zeroInitialisedHiddenUnitsStayIdenticalWhileRandomOnesDifferAndLearnMore(@TempDir Path dir) throws Exception {
        InitExample.Result r = new InitExample().run(dir);
        assertEquals(0.0, r.zerosUnitSpread(), 0.0, r.summary());
        assertTrue(r.randomUnitSpread() > 0.1, r.summary());
        assertTrue(r.randomLoss() < r.zerosLoss(), r.summary());
        Outputs.assertWritten(r, dir);
    }
}
