// Split vs unsplit calls of the native elementwise kernels, straight through the exported C++ entry points (no JVM,
// no JNI), interleaved call by call so that both see the same machine load. Used for docs/benchmarks.md,
// "Splitting the elementwise kernels".
//
//   (from the repository root, one line)
//   g++ -O3 -march=x86-64 -pthread -fno-math-errno -fno-trapping-math -I cuda-kernels/src/main/cpp
//       benchmarks/native/kernel_split_bench.cpp -o /tmp/kernel_split_bench
//   /tmp/kernel_split_bench sizes [reps]       median (min) us per call over sizes 16K..1M, five kernels
//   /tmp/kernel_split_bench latency            cost of waking the helper, and how long until it takes a chunk
//   /tmp/kernel_split_bench tail N [reps]      Adam over N floats: mean and percentiles, split vs unsplit
//   /tmp/kernel_split_bench single             unsplit Adam and SGD over 535,818 floats (the MLP's parameters) with
//                                              hot caches and after 64 MB of other traffic (as after a step's gemms)
//
// The flags are the library's (JavaCPP's -O3 -march=x86-64 plus the pom's two); target_clones picks AVX-512 here.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <vector>

#include "myelin_kernels.h"

static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static const long long DEFAULT_MIN = 262144;  // KernelSplit.DEFAULT_MIN_ELEMENTS

struct Buffers {
    std::vector<float> w, g, m, v, o;
    explicit Buffers(long long n) : w(n, 0.1f), g(n), m(n, 0.f), v(n, 0.f), o(n) {
        for (long long i = 0; i < n; i++) g[i] = 0.001f * (int(i % 97) - 48);
    }
    void call(int kind, long long n) {
        switch (kind) {
            case 0: myelin_adam_f32(w.data(), g.data(), m.data(), v.data(), n, 0.9f, 0.1f, 0.999f, 0.001f, 1e-8f, 0.f,
                                    1.f, 0.001f, 1.0f); break;
            case 1: myelin_sgd_f32(w.data(), g.data(), v.data(), n, 0.01f, 0.9f, 0.f, 0); break;
            case 2: myelin_backward_f32(4, 0.f, w.data(), g.data(), o.data(), n); break;            // ReLU
            case 3: myelin_bias_forward_f32(4, 0.f, g.data(), w.data(), nullptr, o.data(), n / 512, 512); break;
            default: myelin_backward_f32(1, 0.f, w.data(), g.data(), o.data(), n); break;           // logistic
        }
    }
};

static void sizes(int reps) {
    const char* names[] = {"adam", "sgd momentum", "relu backward", "bias+relu", "logistic backward"};
    long long ns[] = {16384, 32768, 65536, 131072, 262144, 401408, 1048576};
    Buffers b(1048576);
    printf("median (min) us per call, unsplit / split (helper from 0 elements), hot caches, %d calls each\n%8s", reps,
           "n");
    for (const char* name : names) printf(" %24s", name);
    printf("\n");
    for (long long n : ns) {
        printf("%8lld", n);
        for (int kind = 0; kind < 5; kind++) {
            std::vector<double> t1, t2;
            for (int r = 0; r < reps; r++) {
                myelin_set_parallelism(1, 0, 0);
                double a = now();
                b.call(kind, n);
                t1.push_back(now() - a);
                myelin_set_parallelism(2, 0, 0);
                a = now();
                b.call(kind, n);
                t2.push_back(now() - a);
            }
            std::sort(t1.begin(), t1.end());
            std::sort(t2.begin(), t2.end());
            char cell[64];
            snprintf(cell, sizeof cell, "%.1f(%.1f)/%.1f(%.1f)", t1[reps / 2] * 1e6, t1[0] * 1e6, t2[reps / 2] * 1e6,
                     t2[0] * 1e6);
            printf(" %24s", cell);
        }
        printf("\n");
    }
}

static void percentiles(const char* what, std::vector<double>& t) {
    double mean = std::accumulate(t.begin(), t.end(), 0.0) / t.size();
    std::sort(t.begin(), t.end());
    size_t n = t.size();
    printf("%-44s mean %7.1f p10 %7.1f p50 %7.1f p90 %7.1f p99 %8.1f us\n", what, mean, t[n / 10], t[n / 2],
           t[n * 9 / 10], t[n * 99 / 100]);
}

static void latency() {
    Buffers b(4096);
    const char* what[] = {"split sgd n=4096 (caller's cost)", "split sgd n=4096, wait for helper's chunk",
                          "unsplit sgd n=4096"};
    for (int mode = 0; mode < 3; mode++) {
        myelin_set_parallelism(mode == 2 ? 1 : 2, 0, mode == 1 ? 1 : 0);
        std::vector<double> t;
        for (int r = 0; r < 2000; r++) {
            double a = now();
            b.call(1, 4096);
            t.push_back((now() - a) * 1e6);
            usleep(200);  // lets the helper fall asleep, so every call wakes it
        }
        percentiles(what[mode], t);
    }
}

static void tail(long long n, int reps) {
    Buffers b(n);
    std::vector<double> t1, t2;
    for (int r = 0; r < reps; r++) {
        myelin_set_parallelism(1, 0, 0);
        double a = now();
        b.call(0, n);
        t1.push_back((now() - a) * 1e6);
        myelin_set_parallelism(2, DEFAULT_MIN, 0);
        a = now();
        b.call(0, n);
        t2.push_back((now() - a) * 1e6);
    }
    char what[64];
    snprintf(what, sizeof what, "adam n=%lld unsplit", n);
    percentiles(what, t1);
    snprintf(what, sizeof what, "adam n=%lld split", n);
    percentiles(what, t2);
}

static void single() {
    long long n = 535818;
    Buffers b(n);
    std::vector<float> other(16 << 20, 1.f);
    myelin_set_parallelism(1, 0, 0);
    const char* names[] = {"adam", "sgd momentum"};
    int bytes_per_element[] = {28, 20};  // Adam reads w g m v and writes w m v; SGD reads w g v and writes w v
    for (int kind = 0; kind < 2; kind++) {
        for (int cold = 0; cold < 2; cold++) {
            std::vector<double> t;
            for (int r = 0; r < 300; r++) {
                if (cold) {
                    for (size_t i = 0; i < other.size(); i += 16) other[i] += 1.f;  // evicts the buffers from L2/L3
                }
                double a = now();
                b.call(kind, n);
                t.push_back((now() - a) * 1e6);
            }
            std::sort(t.begin(), t.end());
            printf("%-13s n=%lld %s caches: median %6.1f us (min %6.1f), %5.1f GB/s\n", names[kind], n,
                   cold ? "cold" : "hot ", t[150], t[0], bytes_per_element[kind] * double(n) / (t[150] * 1e3));
        }
    }
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "sizes";
    if (!strcmp(mode, "single")) {
        single();
    } else if (!strcmp(mode, "latency")) {
        latency();
    } else if (!strcmp(mode, "tail")) {
        tail(argc > 2 ? atoll(argv[2]) : 401408, argc > 3 ? atoi(argv[3]) : 2000);
    } else {
        sizes(argc > 2 ? atoi(argv[2]) : 300);
    }
    printf("helper chunks run: %lld\n", myelin_helper_chunks());
    return 0;
}
