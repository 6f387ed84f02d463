package org.myelin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.io.ModelFile;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.onnx.OnnxImport;
import org.nd4j.linalg.api.buffer.DataType;

/** {@code myelin export MODEL.zip --onnx OUT.onnx}, found by the command line through {@link Main.Extension}. */
class ExportCommandTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void exportsASavedModelThatImportsBack() throws Exception {
        Sequential model = Models.mlpBuilder(5, 7, 3)
                .optBatchNorm(true)
                .optDataType(DataType.DOUBLE)
                .optSeed(3)
                .build();
        Path zip = dir.resolve("model.zip");
        ModelFile.save(zip, model, Map.of("loss", "softmax_cross_entropy"));
        Path onnx = dir.resolve("out").resolve("model.onnx");
        Files.createDirectories(onnx.getParent());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "export", zip.toString(), "--onnx", onnx.toString()), err.toString());
        assertTrue(out.toString().contains("exported " + zip + " to " + onnx), out.toString());
        OnnxImport.Imported back = OnnxImport.load(onnx);
        assertEquals(model.config(), back.model().config());
        assertEquals("float64", back.metadata().get("myelin.data_type"));
        assertTrue(back.metadata().get("myelin.metadata").contains("softmax_cross_entropy"));
    }

    @Test
    void exportsASavedLenet5ThatTakesImages() throws Exception {
        Sequential model = Models.lenet5(DataType.FLOAT, 5, 1, 28, 28, 10);
        Path zip = dir.resolve("lenet.zip");
        ModelFile.save(zip, model, Map.of("loss", "softmax_cross_entropy"));
        Path onnx = dir.resolve("lenet.onnx");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "export", zip.toString(), "--onnx", onnx.toString()), err.toString());
        OnnxImport.Imported back = OnnxImport.load(onnx);
        assertEquals(
                model.layers().stream().map(l -> l.config().get("type")).toList(),
                back.model().layers().stream().map(l -> l.config().get("type")).toList());
        assertEquals(
                model.namedParameters().get("0.weight").value(),
                back.model().namedParameters().get("0.weight").value());
    }

    @Test
    void helpListsExportAndBadUsageExitsWith2() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "--help"));
        assertTrue(out.toString().contains("export"), out.toString());
        assertEquals(2, run(out, err, "export", "model.zip"));
        assertEquals(
                "myelin export: missing --onnx OUT.onnx; " + ExportCommand.USAGE,
                err.toString(StandardCharsets.UTF_8).strip());
        for (String[] args : new String[][] {{"export", "--onnx", "out.onnx"}, {"export"}}) {
            ByteArrayOutputStream missing = new ByteArrayOutputStream();
            assertEquals(2, run(out, missing, args));
            String message = missing.toString(StandardCharsets.UTF_8).strip();
            assertTrue(message.startsWith("myelin export: missing ") && message.contains("MODEL.zip"), message);
            assertTrue(message.endsWith("; " + ExportCommand.USAGE) && !message.contains("\n"), message);
        }
        ByteArrayOutputStream version = new ByteArrayOutputStream();
        ByteArrayOutputStream topVersion = new ByteArrayOutputStream();
        assertEquals(0, run(version, err, "export", "--version"));
        assertEquals(0, run(topVersion, err, "--version"));
        assertTrue(version.toString(StandardCharsets.UTF_8).startsWith("myelin "), version.toString());
        assertEquals(topVersion.toString(StandardCharsets.UTF_8), version.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(
                1,
                run(
                        out,
                        err2,
                        "export",
                        dir.resolve("missing.zip").toString(),
                        "--onnx",
                        dir.resolve("x.onnx").toString()));
        assertTrue(err2.toString().contains("missing.zip"), err2.toString());
        assertTrue(!Files.exists(dir.resolve("x.onnx")));
    }

    @Test
    void anOnnxPathThatIsADirectoryOrEmptyIsAUsageErrorBeforeTheExport() throws Exception {
        Path zip = dir.resolve("m.zip");
        ModelFile.save(zip, Models.mlpBuilder(2, 3, 2).build(), Map.of());
        for (String[] c : new String[][] {
            {dir.toString(), "myelin export: --onnx must name a file, " + dir + " is a directory"},
            {"", "myelin export: --onnx must name a file, was \"\"; " + ExportCommand.USAGE},
            {
                dir.resolve("x.zip").toString(),
                "myelin export: --onnx must name a file ending in .onnx, was \"" + dir.resolve("x.zip") + "\"; "
                        + ExportCommand.USAGE
            }
        }) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, run(out, err, "export", zip.toString(), "--onnx", c[0]), err.toString());
            assertEquals(c[1], err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void helpListsEveryCommandWithExportFromTheClassPath() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "--help"), err.toString());
        String help = out.toString(StandardCharsets.UTF_8);
        for (String command :
                new String[] {"info", "train", "eval", "simulate", "demo", "example", "export", "completion", "help"}) {
            assertTrue(help.matches("(?s).*\\n  " + command + " +\\S.*"), command + " missing in\n" + help);
        }
        ByteArrayOutputStream exportHelp = new ByteArrayOutputStream();
        assertEquals(0, run(exportHelp, err, "export", "--help"));
        assertTrue(
                exportHelp
                        .toString(StandardCharsets.UTF_8)
                        .startsWith("Usage: myelin export [-hV] --onnx OUT.onnx MODEL.zip\n"),
                exportHelp.toString(StandardCharsets.UTF_8));
    }

    @Test
    void completionScriptOffersExport() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "completion"), err.toString());
        String script = out.toString(StandardCharsets.UTF_8);
        assertTrue(script.contains("export") && script.contains("--onnx"), "export and --onnx in the script");
    }
}
