// Splitting one streaming kernel call over the calling thread and one persistent helper thread.
//
// Included by myelin_kernels.h. The helper sleeps in a futex while idle, so it never spins against the BLAS's
// threads or ND4J's OpenMP pool (which run with OMP_WAIT_POLICY=PASSIVE for the same reason); only where the
// engine has taken the BLAS's products over (split_gemm, the BLAS single-threaded) does it first wait 10 ms for a
// next task. A call is cut into chunks (whole rows, or multiples of 16 elements so every chunk starts on a 64-byte boundary of an aligned buffer)
// that both threads claim from one atomic word; the caller starts claiming at once and never waits for the helper to
// wake up. A helper that wakes late (its core busy with another process or a BLAS thread) finds fewer or no chunks
// left, so a split call costs at most one futex wake (a few microseconds) more than an unsplit one, and the caller
// only ever waits for a chunk the helper has already started. One caller at a time owns the helper: a caller that
// finds it busy (another Java thread is in a split call) runs its call alone, unsplit.
//
// The kernels split here are elementwise: every element is computed by the same code from the same inputs whichever
// thread runs it, so results are bit-identical with and without the split. Each chunk runs through the exported
// single-threaded entry point, which sets flush-to-zero/denormals-are-zero in the running thread's MXCSR (the helper's
// too) and picks the AVX-512/AVX2/baseline clone. The bias-gradient column sums and the sums of squares split at
// blocks fixed by the shape whose partial sums the caller adds in order (myelin_kernels.h), so they too are
// bit-identical; the thin products split by rows of C, each element computed whole by one thread; the softmax
// cross-entropy is not split. The BLAS products of split_gemm (myelin_kernels.h) are cut in two at a point fixed by
// the shape, and a caller that finds the helper busy runs both halves itself, so their bits depend on the shape only.
#ifndef MYELIN_PARALLEL_H
#define MYELIN_PARALLEL_H

#include <immintrin.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <system_error>
#include <thread>

namespace myelin {
namespace parallel {

// Runs units [begin, end) of the call described by ctx.
typedef void (*RangeFn)(const void* ctx, long long begin, long long end);

static_assert(sizeof(std::atomic<unsigned>) == sizeof(unsigned) && std::atomic<unsigned>::is_always_lock_free,
              "futex words must be plain 32-bit integers");

inline void futex_wait(std::atomic<unsigned>* word, unsigned expected) {
    syscall(SYS_futex, reinterpret_cast<unsigned*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

inline void futex_wake(std::atomic<unsigned>* word) {
    syscall(SYS_futex, reinterpret_cast<unsigned*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

// Process-wide settings, written by myelin_set_parallelism (the engine sets them from its thread count).
struct Settings {
    std::atomic<int> threads{1};                   // 1: never split
    std::atomic<long long> min_elements{LLONG_MAX};  // split only calls over at least this many elements
    std::atomic<int> strict{0};                    // tests: the caller waits until the helper has taken a chunk
    std::atomic<long long> gemm_min_macs{LLONG_MAX};  // BLAS products split in two from this many multiply-adds
};

inline Settings& settings() {
    static Settings s;
    return s;
}

// Each call is cut into about this many chunks, so that a late helper still finds work and the caller's final wait
// for the helper's last chunk is short (calls below the threshold are not split, so chunks are never tiny).
constexpr long long CHUNKS_PER_CALL = 16;

class Helper {
  public:
    // Runs fn over [0, units) split with the helper, or returns false (nothing run) when another caller owns it or
    // its thread could not be started.
    bool run(RangeFn fn, const void* ctx, long long units, long long chunk_units) {
        if (busy_.exchange(true, std::memory_order_acquire)) {
            return false;
        }
        if (!started_ && !start()) {
            busy_.store(false, std::memory_order_release);
            return false;
        }
        unsigned total = unsigned((units + chunk_units - 1) / chunk_units);
        fn_.store(fn, std::memory_order_relaxed);
        ctx_.store(ctx, std::memory_order_relaxed);
        units_.store(units, std::memory_order_relaxed);
        chunk_units_.store(chunk_units, std::memory_order_relaxed);
        total_.store(total, std::memory_order_relaxed);
        done_.store(0, std::memory_order_relaxed);
        unsigned gen = ++gen_;
        // Publishes the task: a claim that reads this value (or a later one of the same generation) sees the fields.
        claim_.store((static_cast<unsigned long long>(gen) << 32) | total, std::memory_order_release);
        // seq_cst on both sides (here and in loop()): either the helper's re-check after announcing its sleep sees
        // this increment, or this load sees the announcement and wakes it.
        wake_.fetch_add(1, std::memory_order_seq_cst);
        if (sleeping_.load(std::memory_order_seq_cst)) {
            futex_wake(&wake_);
        }
        if (settings().strict.load(std::memory_order_relaxed)) {
            while (helper_gen_.load(std::memory_order_acquire) != gen) {
                sched_yield();
            }
        }
        unsigned mine = 0;
        unsigned long long seen = claim_.load(std::memory_order_acquire);
        long long index;
        while ((index = claim(&seen)) >= 0) {
            run_chunk(fn, ctx, units, chunk_units, index);
            mine++;
        }
        unsigned finished = done_.fetch_add(mine, std::memory_order_acq_rel) + mine;
        // Only a chunk the helper has started can be outstanding: spin briefly (about a chunk's time), then sleep.
        for (int spin = 0; finished != total && spin < 2000; spin++) {
            _mm_pause();
            finished = done_.load(std::memory_order_acquire);
        }
        while (finished != total) {
            futex_wait(&done_, finished);
            finished = done_.load(std::memory_order_acquire);
        }
        busy_.store(false, std::memory_order_release);
        return true;
    }

    long long helper_chunks() const { return helper_chunks_.load(std::memory_order_relaxed); }

  private:
    // Claims one chunk of the generation in *seen (the claim word: generation << 32 | chunks left); returns its index,
    // or -1 when none is left. Chunks are claimed from the last one down.
    long long claim(unsigned long long* seen) {
        unsigned long long cur = claim_.load(std::memory_order_acquire);
        for (;;) {
            if ((cur >> 32) != (*seen >> 32) || (cur & 0xffffffffULL) == 0) {
                return -1;
            }
            if (claim_.compare_exchange_weak(cur, cur - 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
                *seen = cur;
                return static_cast<long long>((cur & 0xffffffffULL) - 1);
            }
        }
    }

    static void run_chunk(RangeFn fn, const void* ctx, long long units, long long chunk_units, long long index) {
        long long begin = index * chunk_units;
        long long end = begin + chunk_units < units ? begin + chunk_units : units;
        fn(ctx, begin, end);
    }

    bool start() {
        try {
            std::thread(&Helper::loop, this).detach();
        } catch (const std::system_error&) {
            return false;
        }
        started_ = true;
        return true;
    }

    // The helper: sleeps until a task is published, runs chunks of it while any are left, sleeps again.
    void loop() {
        // SCHED_BATCH: a wake-up of the helper never preempts the running thread of its CPU. Where a core is idle the
        // helper starts there at once, as before; on a busy machine it no longer pushes the caller (or another
        // process) off its core, which cost the caller a whole time slice: Adam over 401,408 floats at load ~10 on
        // 2 vCPUs averaged 388 us split against 204 us unsplit with a SCHED_OTHER helper.
        sched_param param{};
        sched_setscheduler(0, SCHED_BATCH, &param);
        unsigned woken = 0;
        for (;;) {
            unsigned w = wake_.load(std::memory_order_acquire);
            if (w == woken && settings().gemm_min_macs.load(std::memory_order_relaxed) != LLONG_MAX) {
                w = spin_for_task(woken);  // only where no BLAS thread needs the other core (split_gemm)
            }
            if (w == woken) {
                sleeping_.store(true, std::memory_order_seq_cst);
                w = wake_.load(std::memory_order_seq_cst);
                if (w == woken) {
                    futex_wait(&wake_, w);
                }
                sleeping_.store(false, std::memory_order_relaxed);
                continue;
            }
            woken = w;
            unsigned long long seen = claim_.load(std::memory_order_acquire);
            long long index;
            while ((index = claim(&seen)) >= 0) {
                // The task's fields stay unchanged until every claimed chunk of its generation is done; the claim
                // (acquire) synchronises with the caller's publishing store, so they are visible here.
                unsigned gen = unsigned(seen >> 32);
                helper_gen_.store(gen, std::memory_order_release);
                run_chunk(fn_.load(std::memory_order_relaxed), ctx_.load(std::memory_order_relaxed),
                          units_.load(std::memory_order_relaxed), chunk_units_.load(std::memory_order_relaxed), index);
                helper_chunks_.fetch_add(1, std::memory_order_relaxed);
                unsigned total = total_.load(std::memory_order_relaxed);  // read before done_ frees the task
                if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == total) {
                    futex_wake(&done_);
                }
            }
        }
    }

    // Where the engine splits the BLAS's products (split_gemm), the helper waits this long for the next task after
    // one, as the BLAS's own threads did (OpenBLAS spins about 0.1 s, MKL KMP_BLOCKTIME, set to 200 ms by the
    // launchers). Woken from a futex on a virtual machine's idle CPU it often came too late for a product: on a Zen 3
    // VM it took its half of a 1.4 ms product in about 30% of the calls when it slept 0.2 ms after a task, in all of
    // them when it never slept, and a helper that missed a call had gone back to sleep for the next.
    static constexpr long long SPIN_NANOS = 10000000;

    // Spins until wake_ moves past woken or SPIN_NANOS pass; returns the last value read.
    unsigned spin_for_task(unsigned woken) {
        auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(SPIN_NANOS);
        for (;;) {
            for (int i = 0; i < 64; i++) {
                unsigned w = wake_.load(std::memory_order_acquire);
                if (w != woken) {
                    return w;
                }
                _mm_pause();
            }
            if (std::chrono::steady_clock::now() >= until) {
                return woken;
            }
        }
    }

    std::atomic<bool> busy_{false};
    alignas(64) std::atomic<bool> sleeping_{false};
    bool started_ = false;  // guarded by busy_
    unsigned gen_ = 0;      // guarded by busy_
    alignas(64) std::atomic<unsigned long long> claim_{0};
    alignas(64) std::atomic<unsigned> wake_{0};
    alignas(64) std::atomic<unsigned> done_{0};
    std::atomic<unsigned> helper_gen_{0};
    std::atomic<long long> helper_chunks_{0};
    std::atomic<RangeFn> fn_{nullptr};
    std::atomic<const void*> ctx_{nullptr};
    std::atomic<long long> units_{0};
    std::atomic<long long> chunk_units_{1};
    std::atomic<unsigned> total_{0};
};

// Never destroyed: the detached helper thread may still be asleep in it when the process exits.
inline Helper& helper() {
    static Helper* h = new Helper();
    return *h;
}

// Runs fn over units [0, units) of unit_elements elements each, split with the helper when the settings allow and
// the call is large enough, else on the calling thread alone. Single-element units are chunked in multiples of 16.
inline void run(RangeFn fn, const void* ctx, long long units, long long unit_elements) {
    Settings& s = settings();
    long long elements = units * unit_elements;
    if (s.threads.load(std::memory_order_relaxed) < 2 || elements < s.min_elements.load(std::memory_order_relaxed)
        || units < 2) {
        fn(ctx, 0, units);
        return;
    }
    long long chunk_elements = (elements + CHUNKS_PER_CALL - 1) / CHUNKS_PER_CALL;
    long long chunk_units = (chunk_elements + unit_elements - 1) / unit_elements;
    if (unit_elements == 1) {
        chunk_units = (chunk_units + 15) / 16 * 16;
    }
    if (chunk_units >= units || !helper().run(fn, ctx, units, chunk_units)) {
        fn(ctx, 0, units);
    }
}

// run() for a callable body(begin, end) (a lambda holding the call's arguments).
template <class Body>
inline void run(long long units, long long unit_elements, const Body& body) {
    run([](const void* ctx, long long begin, long long end) { (*static_cast<const Body*>(ctx))(begin, end); }, &body,
        units, unit_elements);
}

}  // namespace parallel
}  // namespace myelin

#endif  // MYELIN_PARALLEL_H
