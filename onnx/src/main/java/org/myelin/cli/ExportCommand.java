package org.myelin.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.myelin.io.ModelFile;
import org.myelin.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code myelin export MODEL.zip --onnx OUT.onnx}: writes a saved model as an ONNX model (docs/onnx.md). Added to
 * the command line by the onnx module through {@link Main.Extension}.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write a saved model as ONNX (opset " + OnnxExport.OPSET + ") for ONNX Runtime and other"
                + " runtimes.")
public final class ExportCommand implements Main.Extension {

    static final String USAGE = "usage: myelin export MODEL.zip --onnx OUT.onnx";

    @ParentCommand
    MyelinCommand myelin;

    // Both required, so that the usage line shows them so; either missing is a usage error naming it with the whole
    // usage (UsageErrors: "missing --onnx OUT.onnx; usage: myelin export MODEL.zip --onnx OUT.onnx").
    @Parameters(
            index = "0",
            arity = "1",
            paramLabel = "MODEL.zip",
            description = "a model file written by myelin train")
    String model;

    @Option(names = "--onnx", required = true, paramLabel = "OUT.onnx", description = "the ONNX file to write")
    String onnx;

    @Override
    public Integer call() throws Exception {
        if (onnx.isBlank()) {
            throw new UsageException("--onnx must name a file, was \"" + onnx + "\"; " + USAGE);
        }
        Path modelFile = Path.of(model);
        Path target = Path.of(onnx);
        // Refused before the export's work, naming the option (the atomic move failed afterwards naming its temp file).
        if (Files.isDirectory(target)) {
            throw new UsageException("--onnx must name a file, " + target + " is a directory");
        }
        if (!onnx.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
            // An ONNX file named model.zip would be taken for a model file (and refused as one) by every reader.
            throw new UsageException("--onnx must name a file ending in .onnx, was \"" + onnx + "\"; " + USAGE);
        }
        if (Files.exists(target) && Files.isSameFile(modelFile, target)) {
            throw new UsageException("--onnx " + target + " is the model file itself; choose another output file");
        }
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        OnnxExport.save(loaded.model(), target, loaded.metadata());
        myelin.out()
                .printf(
                        "exported %s to %s (ONNX opset %d, %d bytes)%n",
                        modelFile, target, OnnxExport.OPSET, Files.size(target));
        return 0;
    }
}
