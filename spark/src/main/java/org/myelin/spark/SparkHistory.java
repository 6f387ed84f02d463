package org.myelin.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.myelin.train.History;

/** Per-round metrics and per-epoch records (the engine's {@link History}) of a distributed run. */
public final class SparkHistory {
    private final List<RoundRecord> rounds = new ArrayList<>();
    private final History epochs = new History();

    public List<RoundRecord> rounds() {
        return Collections.unmodifiableList(rounds);
    }

    /** One record per completed epoch: mean training loss and accuracy, validation metrics, samples/s. */
    public History epochs() {
        return epochs;
    }

    void add(RoundRecord r) {
        rounds.add(r);
    }

    void clear() {
        rounds.clear();
        epochs.truncate(0);
    }

    /** Sum over rounds of the communication time (broadcast, scheduling, transfer), seconds. */
    public double communicationSeconds() {
        return rounds.stream().mapToDouble(RoundRecord::communicationSeconds).sum();
    }

    /** Sum over rounds of the slowest partition's compute time, seconds. */
    public double computeSeconds() {
        return rounds.stream().mapToDouble(RoundRecord::computeSeconds).sum();
    }

    /** Sum over rounds of the round wall time, seconds. */
    public double seconds() {
        return rounds.stream().mapToDouble(RoundRecord::seconds).sum();
    }

    /** Samples per second over all rounds. */
    public double samplesPerSecond() {
        return rounds.stream().mapToLong(RoundRecord::samples).sum() / Math.max(seconds(), 1e-9);
    }
}
