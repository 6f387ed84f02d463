package org.myelin.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress for people: on a terminal, one line redrawn in place (epoch, batch, loss, samples/s, ETA);
 * otherwise (a log file, a container's stdout) a plain line every {@code intervalSeconds}, and always one
 * line per finished epoch.
 */
public final class Progress implements Callback {
    private final PrintStream out;
    private final boolean terminal;
    private final double intervalSeconds;
    private final LongSupplier clock;
    private long epochStart;
    private long lastPrint;
    private double runningLoss = Double.NaN;

    /**
     * @param out             where to print
     * @param terminal        redraw one line in place ({@code System.console() != null} is the usual test)
     * @param intervalSeconds seconds between plain lines when not on a terminal
     */
    public Progress(PrintStream out, boolean terminal, double intervalSeconds) {
        this(out, terminal, intervalSeconds, System::nanoTime);
    }

    Progress(PrintStream out, boolean terminal, double intervalSeconds, LongSupplier clock) {
        if (!(intervalSeconds > 0)) {
            throw new IllegalArgumentException("Progress: intervalSeconds must be > 0, was " + intervalSeconds);
        }
        this.out = out;
        this.terminal = terminal;
        this.intervalSeconds = intervalSeconds;
        this.clock = clock;
    }

    @Override
    public void onStepEnd(Trainer trainer, long step, double loss) {
        long now = clock.getAsLong();
        int batch = trainer.batchInEpoch();
        if (batch == 1 || epochStart == 0) {
            epochStart = now;
            lastPrint = now;
            runningLoss = loss;
        }
        runningLoss = 0.98 * runningLoss + 0.02 * loss;
        double sinceLast = (now - lastPrint) / 1e9;
        double wanted = terminal ? 0.2 : intervalSeconds;
        if (sinceLast < wanted && batch < trainer.batchesPerEpoch()) {
            return;
        }
        double elapsed = (now - epochStart) / 1e9;
        double rate = batch * (double) trainer.batchSize() / Math.max(elapsed, 1e-9);
        double eta = (trainer.batchesPerEpoch() - batch) * trainer.batchSize() / Math.max(rate, 1e-9);
        String line = String.format(
                Locale.ROOT,
                "epoch %d/%d  batch %d/%d  loss %.4f  %,.0f samples/s  ETA %s",
                trainer.epoch(),
                trainer.epochs(),
                batch,
                trainer.batchesPerEpoch(),
                runningLoss,
                rate,
                seconds(eta));
        if (terminal) {
            out.print("\r" + bar(batch, trainer.batchesPerEpoch()) + " " + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
        lastPrint = now;
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochRecord r) {
        if (terminal) {
            out.print("\r\u001b[K");
        }
        StringBuilder sb = new StringBuilder(
                String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f", r.epoch(), trainer.epochs(), r.trainLoss()));
        if (!Double.isNaN(r.trainAccuracy())) {
            sb.append(String.format(Locale.ROOT, "  acc %.4f", r.trainAccuracy()));
        }
        if (!Double.isNaN(r.validationLoss())) {
            sb.append(String.format(Locale.ROOT, "  val loss %.4f", r.validationLoss()));
        }
        if (!Double.isNaN(r.validationAccuracy())) {
            sb.append(String.format(Locale.ROOT, "  val acc %.4f", r.validationAccuracy()));
        }
        sb.append(String.format(
                Locale.ROOT, "  lr %.3g  %.1fs  %,.0f samples/s", r.learningRate(), r.seconds(), r.samplesPerSecond()));
        out.println(sb);
        out.flush();
        epochStart = 0;
        return false;
    }

    private static String bar(int done, int total) {
        int width = 20;
        int filled = total == 0 ? width : (int) ((long) done * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    private static String seconds(double s) {
        long t = Math.round(s);
        return t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }
}
