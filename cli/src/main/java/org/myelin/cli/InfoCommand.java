package org.myelin.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.myelin.EngineInfo;
import org.myelin.gpu.GpuQuery;
import org.myelin.gpu.Nd4jCudaSupport;
import org.myelin.gpu.NvidiaDriverQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code myelin info}: the GPU, backend, data type, BLAS, threads and kernel path in use. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Print the GPU, ND4J backend, data type, BLAS, threads and native-kernel status.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    MyelinCommand myelin;

    @Override
    public Integer call() {
        PrintStream out = myelin.out();
        // The GPU first, from the driver alone: on a GPU the CUDA backend cannot run on, ND4J is never started.
        GpuQuery query = new NvidiaDriverQuery();
        GpuQuery.Result gpu = query.device();
        out.printf(
                "%-18s %s%n",
                "gpu:", gpu.device() != null ? gpu.device().describe() : "none found (" + gpu.noneReason() + ")");
        Nd4jCudaSupport.Verdict verdict =
                gpu.device() != null || Nd4jCudaSupport.inThisBuild() ? Nd4jCudaSupport.decide(query) : null;
        if (verdict != null) {
            String where = Nd4jCudaSupport.inThisBuild() ? "" : " (this build has the CPU backend; -Pcuda adds it)";
            out.printf("%-18s %s%n", "nd4j cuda:", (verdict.canRun() ? "" : "cannot run: ") + verdict.reason() + where);
            if (Nd4jCudaSupport.inThisBuild() && !verdict.canRun()) {
                return 1;
            }
        }
        EngineInfo.Info info = EngineInfo.info();
        out.println(info.render());
        for (String w : info.warnings()) {
            out.println("warning: " + w);
        }
        return 0;
    }
}
