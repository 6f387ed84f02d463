package org.myelin.spark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one round measured on the driver.
 *
 * @param round                1-based round number
 * @param epoch                1-based epoch of the round's first optimiser step
 * @param step                 optimiser steps completed after the round
 * @param loss                 mean training loss over the round's samples (before its update)
 * @param samples              samples the round trained on, all partitions together
 * @param seconds              wall time of the round on the driver: broadcast, Spark job, update
 * @param computeSeconds       the slowest partition's time in the engine (forward, backward, local steps)
 * @param communicationSeconds the rest of the Spark job and the broadcast: scheduling, serialization, transfer,
 *                             waiting ({@code seconds - computeSeconds - updateSeconds})
 * @param updateSeconds        the driver's update after the reduce (averaging, optimiser step)
 * @param learningRate         the learning rate of the round's last step
 */
public record RoundRecord(
        long round,
        int epoch,
        long step,
        double loss,
        long samples,
        double seconds,
        double computeSeconds,
        double communicationSeconds,
        double updateSeconds,
        double learningRate) {

    /** Training samples per second of the round's wall time. */
    public double samplesPerSecond() {
        return samples / Math.max(seconds, 1e-9);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        m.put("epoch", epoch);
        m.put("step", step);
        m.put("loss", loss);
        m.put("samples", samples);
        m.put("seconds", seconds);
        m.put("computeSeconds", computeSeconds);
        m.put("communicationSeconds", communicationSeconds);
        m.put("updateSeconds", updateSeconds);
        m.put("learningRate", learningRate);
        return m;
    }

    static RoundRecord fromMap(Map<?, ?> m) {
        return new RoundRecord(
                num(m, "round").longValue(),
                num(m, "epoch").intValue(),
                num(m, "step").longValue(),
                num(m, "loss").doubleValue(),
                num(m, "samples").longValue(),
                num(m, "seconds").doubleValue(),
                num(m, "computeSeconds").doubleValue(),
                num(m, "communicationSeconds").doubleValue(),
                num(m, "updateSeconds").doubleValue(),
                num(m, "learningRate").doubleValue());
    }

    private static Number num(Map<?, ?> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof Number n)) {
            throw new IllegalArgumentException("round record: '" + key + "' must be a number, was " + o);
        }
        return n;
    }
}
