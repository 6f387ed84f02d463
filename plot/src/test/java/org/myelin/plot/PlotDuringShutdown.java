package org.myelin.plot;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A program for {@link PlotsTest}: starts the JVM's shutdown (as SIGTERM would), and only then writes its first
 * plot to {@code args[0]}, as a training job stopped by SIGTERM writes its metrics plot.
 */
final class PlotDuringShutdown {
    private PlotDuringShutdown() {}

    public static void main(String[] args) throws Exception {
        Thread main = Thread.currentThread();
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            try {
                main.join(); // like myelin train's hook: the JVM halts once the hooks return
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        new Thread(() -> System.exit(3)).start();
        stopping.await();
        LinePlot.titled("written while stopping")
                .xLabel("epoch")
                .yLabel("loss")
                .series("loss", new double[] {1, 2, 3}, new double[] {3, 1, 2})
                .save(Path.of(args[0]));
    }
}
