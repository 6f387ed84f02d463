#!/usr/bin/env python3
"""Brian2 peer of the spiking-10k workload of scripts/bench (see docs/benchmarks.md).

The network of Myelin's SpikingNetworkBenchmark and MyelinWorker, in Brian2: N LIF neurons in normalised units
(tau_m = 20 ms, tau_ref = 2 ms, threshold 1, reset 0, Euler integration as in Myelin) with exponential synapses
(tau_s = 10 ms, a spike of input j adds w_ji / tau_s to s_i), driven by M Poisson inputs at 10 Hz through a dense
M x N weight matrix, uniform in [0.5, 1.5] x 1.5 / (M x 10 Hz) (mean input 1.5, about 42 Hz out).

One run: 0.2 s of warm-up (past the initial transient; for the runtime device also the Cython compilation), then
`--duration` simulated seconds timed around Brian2's own run loop (the standalone device reports the run time of
its last run, without compilation and synapse creation). The mean output rate over the timed run is compared with
`--reference-rate` (Myelin's) first: beyond `--rate-tolerance` the row is refused, as a gradient mismatch refuses a
training row. Writes one result line in the runner's CSV format (benchmarks-harness Result):
extra = simulated seconds per wall second, note = the rate and the device.
"""
import argparse
import os
import sys
import time

# Must equal Result.HEADER (RunnerTest checks).
HEADER = ("workload,engine,batch,ms_median,ms_min,ms_max,windows,busy_windows,busy_discarded,other_cores_max,"
          "loadavg_max,grad_error,trajectory_error,extra,status,note")


def write(path, fields):
    with open(path, "w") as f:
        f.write(HEADER + "\n" + ",".join(fields) + "\n")


def num(v):
    return "" if v is None else "%.6g" % v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", choices=["runtime", "cpp_standalone"], required=True)
    ap.add_argument("--dt", type=float, default=1e-3, help="time step [s]")
    ap.add_argument("--neurons", type=int, default=10_000)
    ap.add_argument("--inputs", type=int, default=1000)
    ap.add_argument("--duration", type=float, default=5.0, help="timed simulated seconds")
    ap.add_argument("--reference-rate", type=float, default=None, help="Myelin's mean output rate [Hz]")
    ap.add_argument("--rate-tolerance", type=float, default=0.05)
    ap.add_argument("--workload", default="spiking-10k")
    ap.add_argument("--engine", default=None)
    ap.add_argument("--build-dir", default=None, help="standalone project directory")
    ap.add_argument("--result", required=True)
    a = ap.parse_args()
    engine = a.engine or ("brian2-cpp" if a.device == "cpp_standalone" else "brian2-cython")
    steps = a.duration / a.dt

    load_before = os.getloadavg()[0]

    def row(ms, extra, status, note):
        # One window (the whole timed run): "busy" when the load average exceeded the CPU count around it, as the
        # Java workers mark windows that other processes shared.
        load = max(load_before, os.getloadavg()[0])
        if status == "ok" and load > os.cpu_count():
            status = "busy"
            note += "; load average %.1f on %d CPUs" % (load, os.cpu_count())
        write(a.result, [a.workload, engine, "1", num(ms), num(ms), num(ms), "1" if ms else "0",
                         "1" if status == "busy" else "0", "0", "", num(load), "", "", num(extra), status,
                         note.replace(",", ";")])

    try:
        import brian2 as b2
        import numpy as np
    except ImportError as e:
        row(None, None, "skipped", "brian2 not importable (%s); apt-get install python3-brian" % e)
        return 0

    b2.prefs.codegen.target = "cython" if a.device == "runtime" else "numpy"
    if a.device == "cpp_standalone":
        b2.set_device("cpp_standalone", build_on_run=False, directory=a.build_dir)
    b2.defaultclock.dt = a.dt * b2.second
    tau_m = 20 * b2.ms
    tau_s = 10 * b2.ms
    rate = 10.0
    lif = b2.NeuronGroup(a.neurons, """dv/dt = (s - v) / tau_m : 1 (unless refractory)
                                       ds/dt = -s / tau_s : 1""",
                         threshold="v >= 1", reset="v = 0", refractory=2 * b2.ms, method="euler",
                         namespace={"tau_m": tau_m, "tau_s": tau_s})
    inputs = b2.PoissonGroup(a.inputs, rate * b2.Hz)
    syn = b2.Synapses(inputs, lif, "w : 1", on_pre="s_post += w * k", namespace={"k": 1.0 / float(tau_s)})
    syn.connect()
    mean = 1.5 / (a.inputs * rate)
    rng = np.random.default_rng(42)
    syn.w = rng.uniform(0.5 * mean, 1.5 * mean, a.inputs * a.neurons)
    b2.seed(42)
    monitor = b2.SpikeMonitor(lif, record=False)
    net = b2.Network(lif, inputs, syn, monitor)
    standalone = a.device == "cpp_standalone"
    # The runtime device compiles each object's code on its first run, so the monitor runs in the warm-up too and
    # its count is read before the timed run; the standalone device cannot read values before its build, so there
    # the monitor only runs in the timed run (its compilation is not part of the reported run time anyway).
    monitor.active = not standalone
    net.run(0.2 * b2.second)
    before = 0 if standalone else int(monitor.num_spikes)
    monitor.active = True
    start = time.perf_counter()
    net.run(a.duration * b2.second)
    wall = time.perf_counter() - start
    if standalone:
        b2.device.build(directory=a.build_dir, compile=True, run=True)
        wall = b2.device._last_run_time
    out_rate = float(int(monitor.num_spikes) - before) / (a.neurons * a.duration)
    note = "%s; mean rate %.2f Hz; %d steps of dt %g s" % (a.device, out_rate, steps, a.dt)
    if a.reference_rate is not None:
        rel = abs(out_rate - a.reference_rate) / a.reference_rate
        note += "; Myelin %.2f Hz (%.1f%% apart)" % (a.reference_rate, 100 * rel)
        if not rel <= a.rate_tolerance:
            row(None, None, "refused", note + " > %.0f%%: not timed" % (100 * a.rate_tolerance))
            return 0
    ms = wall * 1e3 / steps
    row(ms, a.duration / wall, "ok", note)
    print("brian2 %s: %.4g ms/step, %.3g simulated s per wall s, %.2f Hz" % (a.device, ms, a.duration / wall,
                                                                            out_rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
