package org.myelin.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.myelin.io.ModelFile;
import org.myelin.onnx.OnnxExport;

/**
 * {@code myelin export MODEL.zip --onnx OUT.onnx}: writes a saved model as an ONNX model (docs/onnx.md). Added to
 * the command line by the onnx module through {@link Main.Extension}.
 */
public final class ExportCommand implements Main.Extension {

    static final String USAGE = "usage: myelin export MODEL.zip --onnx OUT.onnx";

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a saved model as ONNX (opset " + OnnxExport.OPSET + ") for ONNX Runtime and other runtimes";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Options o = Options.parse(args, Set.of("onnx"), Set.of("help"));
        if (o.has("help")) {
            out.println(USAGE);
            return 0;
        }
        if (o.positional.size() != 1 || !o.has("onnx")) {
            throw new UsageException("expected one model file and --onnx OUT.onnx"
                    + (args.length == 0 ? "" : ", got '" + String.join(" ", args) + "'") + "; " + USAGE);
        }
        Path model = Path.of(o.positional.get(0));
        Path target = Path.of(o.get("onnx"));
        if (Files.exists(target) && Files.isSameFile(model, target)) {
            throw new UsageException("--onnx " + target + " is the model file itself; choose another output file");
        }
        ModelFile.Loaded loaded = ModelFile.load(model);
        OnnxExport.save(loaded.model(), target, loaded.metadata());
        out.printf("exported %s to %s (ONNX opset %d, %d bytes)%n", model, target, OnnxExport.OPSET, Files.size(target));
        return 0;
    }
}
