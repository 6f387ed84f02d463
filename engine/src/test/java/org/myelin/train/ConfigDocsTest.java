package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every key with the default its record holds: regenerate it when this fails. */
class ConfigDocsTest {

    @Test
    void theKeyReferenceInTheDocsIsTheOneTheRecordsGive() throws IOException {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc).replace("\r\n", "\n");
        String expected = ConfigDocs.markdown();
        assertTrue(
                text.contains(expected),
                "docs/configuration.md is out of date; its key reference should read:\n\n" + expected);
    }
}
