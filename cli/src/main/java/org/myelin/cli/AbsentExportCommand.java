package org.myelin.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code myelin export} where the onnx module, which adds the real command ({@code ExportCommand}), is not on the
 * class path: {@code scripts/myelin} runs most commands on the cli module's class path, so without this a typo such
 * as {@code myelin expor} would neither suggest nor list {@code export}, which the README documents. Run, it says
 * where the command lives (exit 1); {@link Main} adds it only when no extension named {@code export} was found.
 */
@Command(
        name = AbsentExportCommand.NAME,
        mixinStandardHelpOptions = true,
        description = "Write a saved model as ONNX (the onnx module; scripts/myelin runs it there).")
final class AbsentExportCommand implements Callable<Integer> {
    static final String NAME = "export";

    @Unmatched
    List<String> arguments;

    @Override
    public Integer call() {
        throw new IllegalStateException("the onnx module is not on the class path; run it as 'scripts/myelin export"
                + " MODEL.zip --onnx OUT.onnx', which builds and adds it (see docs/onnx.md)");
    }
}
