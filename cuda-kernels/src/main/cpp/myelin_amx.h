// Float32 products with a fixed right operand (the weights of a frozen model, org.myelin.nn.FrozenModel) on Intel
// AMX: each operand is split into three bfloat16 pieces (x = hi + mid + lo, each piece the bfloat16 of what the
// previous ones left (see split), so together they hold float32's 24 significant bits) and the product is the sum of
// the six piece products whose weight is at least 2^-16 of the leading one (hi*hi, hi*mid, mid*hi, mid*mid, hi*lo,
// lo*hi), each exact in float32, accumulated in float32 by the tile units. The three dropped terms are below about
// 2^-24 of |a*b| each and of either sign; the float32 accumulation rounds like a BLAS's (measured against float64:
// smaller errors than MKL's sgemm on an MLP's shapes). One tile instruction does 16x16x32 multiply-adds, about 20
// times a core's AVX-512 float32 rate, so six of them still outrun it.
//
// Why only for a fixed operand: splitting and packing costs about 0.3 ns per element, as much per element of the
// weights as MKL needs for the whole product at 128 rows, so a product whose weights change every call (a training
// step) is slower this way than on the BLAS (measured: gemms 1.29-1.31 ms against 0.99-1.01 ms per SGD-128 step).
// Packed once and kept, the weights cost nothing per call and only the rows of A are split.
//
// Each element of C is computed whole by one thread in a fixed order, so results do not depend on how the work is
// split between the calling thread and the helper (myelin_parallel.h). Declines (returns nonzero, the caller uses the
// BLAS) on CPUs or kernels without AMX and for non-finite inputs (inf - inf would turn the pieces into NaN).
#ifndef MYELIN_AMX_H
#define MYELIN_AMX_H

#include <immintrin.h>
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#define MYELIN_AMX_TARGET \
    __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,amx-tile,amx-bf16")))

namespace myelin {
namespace amx {

// 0: not yet asked, 1: usable, -1: not usable (no AMX-BF16, the OS does not manage tile state, or it refused).
inline std::atomic<int>& state() {
    static std::atomic<int> s{0};
    return s;
}
// 1: products may use AMX (the engine's setting), 0: never.
inline std::atomic<int>& enabled() {
    static std::atomic<int> e{1};
    return e;
}

inline bool probe() {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        return false;
    }
    bool avx512 = (b & (1u << 16)) && (b & (1u << 30)) && (b & (1u << 17)) && (b & (1u << 31));
    bool amx = (d & (1u << 22)) && (d & (1u << 24));
    if (!avx512 || !amx) {
        return false;
    }
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d) || !(a & (1u << 5))) {  // AVX512_BF16
        return false;
    }
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) {  // OSXSAVE
        return false;
    }
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & (3u << 17)) != (3u << 17)) {  // XTILECFG and XTILEDATA enabled by the OS
        return false;
    }
    // Linux hands out tile state only to processes that ask (ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA).
    return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
}

// Whether products may use AMX now; the first call while enabled asks the CPU and the kernel.
inline bool usable() {
    if (enabled().load(std::memory_order_relaxed) == 0) {
        return false;
    }
    int s = state().load(std::memory_order_acquire);
    if (s == 0) {
        s = probe() ? 1 : -1;
        state().store(s, std::memory_order_release);
    }
    return s > 0;
}

// Palette 1, tiles 0-7 of 16 rows x 64 bytes (byte 0: palette; 16-47: bytes per row of tiles 0-15, little-endian;
// 48-63: rows). A constant in memory: GCC dropped stores into a local config as dead before ldtilecfg read it.
alignas(64) static const uint8_t TILE_CONFIG[64] = {
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                  // palette, start row, reserved
    64, 0, 64, 0, 64, 0, 64, 0, 64, 0, 64, 0, 64, 0, 64, 0,          // tiles 0-7: 64 bytes a row
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                  // tiles 8-15: unused
    16, 16, 16, 16, 16, 16, 16, 16, 0, 0, 0, 0, 0, 0, 0, 0};         // rows of tiles 0-15

MYELIN_AMX_TARGET inline void configure() {
    _tile_loadconfig(TILE_CONFIG);
}

// One product's packed operands. A: per block of 16 rows, per piece, per block of 32 k, a 16 x 32 bfloat16 tile
// (1 KB); B is packed a column pair at a time (pack_b_panel). Rows and columns are padded to multiples of 32 (the compute loop takes 2 x 2 tiles of C), k to 32, with zeros.
struct Product {
    int ta, tb;
    long long m, n, k;
    const float* a;
    long long lda;
    const float* b;
    long long ldb;
    float* c;
    long long ldc;
    long long mb, nb, kb;  // blocks of 16 rows (even), 16 columns (even), 32 k
    uint16_t* pa;
    std::atomic<int> bad{0};
};

constexpr long long TILE = 512;  // bfloat16 elements in one packed tile

inline uint16_t* a_tile(const Product& p, long long ib, int piece, long long kb) {
    return p.pa + ((ib * 3 + piece) * p.kb + kb) * TILE;
}

// 16 consecutive elements of row r of op(X) from column col, `valid` of them real (the rest 0).
MYELIN_AMX_TARGET inline __m512 load16(const float* x, long long ld, int trans, long long r, long long col, long long valid) {
    __mmask16 mask = valid >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << valid) - 1);
    if (!trans) {
        return _mm512_maskz_loadu_ps(mask, x + r * ld + col);
    }
    // op(X)[r][col + t] = X[(col + t) * ld + r]
    __m512i idx = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                     _mm512_set1_epi32((int) ld));
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, idx, x + col * ld + r, 4);
}

// x rounded to bfloat16 (to nearest, ties to even) and back to float32 bits (the low half zero).
MYELIN_AMX_TARGET inline __m512i round_bf16(__m512 x) {
    return _mm512_slli_epi32(_mm512_cvtepu16_epi32((__m256i) _mm512_cvtneps_pbh(x)), 16);
}

// The three pieces of x as float32 bits (low halves zero): hi = x with its mantissa cut to bfloat16's 8 bits, mid =
// the rest rounded to 8 bits (to nearest), lo = what is left, which has at most 8 significant bits and so is a
// bfloat16 exactly: x = hi + mid + lo. lo takes either sign, so the dropped products (mid*lo, lo*mid, lo*lo) do
// not lean one way. Non-finite lanes raise *bad's maximum of magnitudes to 0x7F800000.
MYELIN_AMX_TARGET inline void split(__m512 x, __m512i* hi, __m512i* mid, __m512i* lo, __m512i* bad) {
    __m512i bits = _mm512_castps_si512(x);
    *bad = _mm512_max_epu32(*bad, _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF)));
    *hi = _mm512_and_si512(bits, _mm512_set1_epi32((int) 0xFFFF0000u));
    __m512 r1 = _mm512_sub_ps(x, _mm512_castsi512_ps(*hi));
    *mid = round_bf16(r1);
    *lo = _mm512_castps_si512(_mm512_sub_ps(r1, _mm512_castsi512_ps(*mid)));
}

MYELIN_AMX_TARGET inline bool any_bad(__m512i bad) {
    return _mm512_cmpge_epu32_mask(bad, _mm512_set1_epi32(0x7F800000)) != 0;
}

// Packs row blocks [b0, b1) of op(A).
MYELIN_AMX_TARGET inline void pack_a(Product& p, long long b0, long long b1) {
    const __m512i upper = _mm512_setr_epi32(0x00030001, 0x00070005, 0x000B0009, 0x000F000D, 0x00130011, 0x00170015,
                                            0x001B0019, 0x001F001D, 0x00230021, 0x00270025, 0x002B0029, 0x002F002D,
                                            0x00330031, 0x00370035, 0x003B0039, 0x003F003D);
    __m512i bad = _mm512_setzero_si512();
    for (long long ib = b0; ib < b1; ib++) {
        for (long long r = 0; r < 16; r++) {
            long long i = ib * 16 + r;
            for (long long kb = 0; kb < p.kb; kb++) {
                __m512i piece[3];
                if (i >= p.m) {
                    piece[0] = piece[1] = piece[2] = _mm512_setzero_si512();
                } else {
                    long long k0 = kb * 32;
                    __m512i h0, m0, l0, h1, m1, l1;
                    split(load16(p.a, p.lda, p.ta, i, k0, p.k - k0), &h0, &m0, &l0, &bad);
                    split(load16(p.a, p.lda, p.ta, i, k0 + 16, p.k - k0 - 16), &h1, &m1, &l1, &bad);
                    piece[0] = _mm512_permutex2var_epi16(h0, upper, h1);
                    piece[1] = _mm512_permutex2var_epi16(m0, upper, m1);
                    piece[2] = _mm512_permutex2var_epi16(l0, upper, l1);
                }
                for (int q = 0; q < 3; q++) {
                    _mm512_store_si512(a_tile(p, ib, q, kb) + r * 32, piece[q]);
                }
            }
        }
    }
    if (any_bad(bad)) {
        p.bad.store(1, std::memory_order_relaxed);
    }
}

// Rows of B read ahead while packing a panel.
constexpr long long PREFETCH_ROWS = 16;

// Packs the column pair jp of op(B) (columns 32 jp + [0, 32)) into panel: per block of 16 columns, per piece, per block
// of 32 k, a tile of 16 k-pairs x 16 columns x 2 (VNNI: each 32-bit lane holds rows kk and kk + 1 of one column).
MYELIN_AMX_TARGET inline void pack_b_panel(Product& p, long long jp, uint16_t* panel) {
    __m512i bad = _mm512_setzero_si512();
    for (long long kb = 0; kb < p.kb; kb++) {
        for (long long q = 0; q < 16; q++) {
            long long kk = kb * 32 + 2 * q;
            if (!p.tb && kk + PREFETCH_ROWS + 1 < p.k) {
                // Rows 2 KB apart cross a page every few rows, where the hardware prefetcher stops.
                const float* ahead = p.b + (kk + PREFETCH_ROWS) * p.ldb + jp * 32;
                _mm_prefetch(reinterpret_cast<const char*>(ahead), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(ahead + 16), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(ahead + p.ldb), _MM_HINT_T0);
                _mm_prefetch(reinterpret_cast<const char*>(ahead + p.ldb + 16), _MM_HINT_T0);
            }
            for (long long h = 0; h < 2; h++) {
                long long j0 = jp * 32 + h * 16;
                long long valid = p.n - j0;
                __m512 r0 = kk < p.k && valid > 0 ? load16(p.b, p.ldb, p.tb, kk, j0, valid) : _mm512_setzero_ps();
                __m512 r1 = kk + 1 < p.k && valid > 0 ? load16(p.b, p.ldb, p.tb, kk + 1, j0, valid) : _mm512_setzero_ps();
                __m512i h0, m0, l0, h1, m1, l1;
                split(r0, &h0, &m0, &l0, &bad);
                split(r1, &h1, &m1, &l1, &bad);
                uint16_t* t = panel + (h * 3 * p.kb + kb) * TILE + q * 32;
                _mm512_store_si512(t, _mm512_or_si512(h1, _mm512_srli_epi32(h0, 16)));
                _mm512_store_si512(t + p.kb * TILE, _mm512_or_si512(m1, _mm512_srli_epi32(m0, 16)));
                _mm512_store_si512(t + 2 * p.kb * TILE, _mm512_or_si512(l1, _mm512_srli_epi32(l0, 16)));
            }
        }
    }
    if (any_bad(bad)) {
        p.bad.store(1, std::memory_order_relaxed);
    }
}

// Rows [32 ip0, 32 ip1) of C's column pair jp, from the packed A and the packed panel of B.
MYELIN_AMX_TARGET inline void compute(const Product& p, long long jp, long long ip0, long long ip1,
                                      const uint16_t* panel) {
    alignas(64) float edge[4][256];
    const long long piece_stride = p.kb * TILE;  // between pieces of one column block of the panel
    const uint16_t* b0 = panel;
    const uint16_t* b1 = panel + 3 * piece_stride;
    for (long long ip = ip0; ip < ip1; ip++) {
        _tile_zero(0);
        _tile_zero(1);
        _tile_zero(2);
        _tile_zero(3);
        for (long long kb = 0; kb < p.kb; kb++) {
            // Tiles 4, 5: A rows 32 ip + [0, 16), [16, 32); 6, 7: B columns 32 jp + [0, 16), [16, 32).
            // hi*lo, hi*mid, hi*hi, lo*hi, mid*hi, mid*mid: 14 tile loads for 24 products.
#define MYELIN_AMX_A(piece)                                     \
    _tile_loadd(4, a_tile(p, 2 * ip, piece, kb), 64);          \
    _tile_loadd(5, a_tile(p, 2 * ip + 1, piece, kb), 64)
#define MYELIN_AMX_B(piece)                                     \
    _tile_loadd(6, b0 + (piece) * piece_stride + kb * TILE, 64); \
    _tile_loadd(7, b1 + (piece) * piece_stride + kb * TILE, 64)
#define MYELIN_AMX_DP()     \
    _tile_dpbf16ps(0, 4, 6); \
    _tile_dpbf16ps(1, 4, 7); \
    _tile_dpbf16ps(2, 5, 6); \
    _tile_dpbf16ps(3, 5, 7)
            MYELIN_AMX_A(0);
            MYELIN_AMX_B(2);
            MYELIN_AMX_DP();
            MYELIN_AMX_B(1);
            MYELIN_AMX_DP();
            MYELIN_AMX_B(0);
            MYELIN_AMX_DP();
            MYELIN_AMX_A(2);
            MYELIN_AMX_DP();
            MYELIN_AMX_A(1);
            MYELIN_AMX_DP();
            MYELIN_AMX_B(1);
            MYELIN_AMX_DP();
#undef MYELIN_AMX_A
#undef MYELIN_AMX_B
#undef MYELIN_AMX_DP
        }
        long long i0 = ip * 32;
        long long j0 = jp * 32;
        float* c = p.c + i0 * p.ldc + j0;
        if (i0 + 32 <= p.m && j0 + 32 <= p.n) {
            long long stride = p.ldc * 4;
            _tile_stored(0, c, stride);
            _tile_stored(1, c + 16, stride);
            _tile_stored(2, c + 16 * p.ldc, stride);
            _tile_stored(3, c + 16 * p.ldc + 16, stride);
        } else {
            _tile_stored(0, edge[0], 64);
            _tile_stored(1, edge[1], 64);
            _tile_stored(2, edge[2], 64);
            _tile_stored(3, edge[3], 64);
            for (long long r = 0; r < 32 && i0 + r < p.m; r++) {
                for (long long col = 0; col < 32 && j0 + col < p.n; col++) {
                    c[r * p.ldc + col] = edge[(r / 16) * 2 + col / 16][(r % 16) * 16 + col % 16];
                }
            }
        }
    }
}

// Row pairs (32 rows each) of C per unit of work: 8 pairs are 256 rows, whose packed A (6 bytes per element)
// stays within a core's L2 for k up to ~1300.
constexpr long long ROW_PAIRS = 8;

// Units [u0, u1) of gemm_packed: unit u is row group u / col_pairs (ROW_PAIRS row pairs) times column pair
// u % col_pairs, whose packed panel of B starts at packed + jp * panel.
MYELIN_AMX_TARGET inline void compute_units(const Product& p, long long u0, long long u1, long long col_pairs,
                                            const uint16_t* packed, long long panel) {
    long long row_pairs = p.mb / 2;
    configure();
    for (long long u = u0; u < u1; u++) {
        long long g = u / col_pairs;
        long long jp = u % col_pairs;
        long long ip1 = (g + 1) * ROW_PAIRS < row_pairs ? (g + 1) * ROW_PAIRS : row_pairs;
        compute(p, jp, g * ROW_PAIRS, ip1, packed + jp * panel);
    }
    _tile_release();
}

// Scratch for the packed rows of A, one per calling thread.
struct Scratch {
    void* mem = nullptr;
    size_t bytes = 0;
    ~Scratch() { std::free(mem); }
    void* get(size_t want) {
        if (want > bytes) {
            std::free(mem);
            mem = std::aligned_alloc(64, (want + 63) / 64 * 64);
            bytes = mem ? want : 0;
        }
        return mem;
    }
};

// Runs body over [0, units) on the calling thread and the helper (chunks of one unit).
template <class Body>
inline void split_units(long long units, const Body& body) {
    auto fn = [](const void* ctx, long long begin, long long end) { (*static_cast<const Body*>(ctx))(begin, end); };
    if (parallel::settings().threads.load(std::memory_order_relaxed) < 2 || units < 2
        || !parallel::helper().run(fn, &body, units, 1)) {
        body(0, units);
    }
}

// Sets p up for a product with B = the packed weights of pack_b: k x n, row-major (tb = 0).
inline void set_weights(Product& p, long long k, long long n) {
    p.ta = 0;
    p.tb = 0;
    p.m = 0;
    p.n = n;
    p.k = k;
    p.a = nullptr;
    p.lda = 0;
    p.b = nullptr;
    p.ldb = 0;
    p.c = nullptr;
    p.ldc = 0;
    p.mb = 0;
    p.nb = (n + 31) / 32 * 2;
    p.kb = (k + 31) / 32;
    p.pa = nullptr;
}

// bfloat16 elements of one packed column pair of a k-row B.
inline long long panel_elements(long long k) {
    return 2 * 3 * ((k + 31) / 32) * TILE;
}

// Bytes packed_b writes for a k x n B (64-byte aligned): 6 bytes per element, padded to whole tiles.
inline long long packed_bytes(long long k, long long n) {
    return (n + 31) / 32 * panel_elements(k) * 2;
}

// Packs row-major B (k x n, row stride ldb) into out (packed_bytes(k, n) bytes, 64-byte aligned): 0 when done, 1
// when B holds a non-finite value or AMX is not usable (out is then meaningless).
inline int pack_b(const float* b, long long ldb, long long k, long long n, uint16_t* out) {
    if (!usable()) {
        return 1;
    }
    Product p;
    set_weights(p, k, n);
    p.b = b;
    p.ldb = ldb;
    long long panel = panel_elements(k);
    split_units(p.nb / 2, [&p, out, panel](long long u0, long long u1) {
        MyelinDenormalsAreZero ftz;
        for (long long jp = u0; jp < u1; jp++) {
            pack_b_panel(p, jp, out + jp * panel);
        }
    });
    return p.bad.load(std::memory_order_relaxed) ? 1 : 0;
}

// C = A B, A row-major m x k (row stride lda), B packed by pack_b from k x n, C row-major m x n (row stride ldc): 0
// when done, 1 when declined (A holds a non-finite value, no memory, or no AMX; C is then partly written and the
// caller recomputes it).
inline int gemm_packed(long long m, long long n, long long k, const float* a, long long lda, const uint16_t* packed,
                       float* c, long long ldc) {
    if (!usable()) {
        return 1;
    }
    static thread_local Scratch scratch;
    Product p;
    set_weights(p, k, n);
    p.m = m;
    p.a = a;
    p.lda = lda;
    p.c = c;
    p.ldc = ldc;
    p.mb = (m + 31) / 32 * 2;
    p.pa = static_cast<uint16_t*>(scratch.get(size_t(p.mb) * 3 * p.kb * TILE * 2));
    if (p.pa == nullptr) {
        return 1;
    }
    split_units(p.mb, [&p](long long u0, long long u1) {
        MyelinDenormalsAreZero ftz;
        pack_a(p, u0, u1);
    });
    if (p.bad.load(std::memory_order_relaxed)) {
        return 1;
    }
    // Units: a group of up to ROW_PAIRS row pairs (its packed rows of A stay in the core's cache) times a column
    // pair; consecutive units run one group across all column pairs, so the group's rows stay cached while B passes.
    long long row_pairs = p.mb / 2;
    long long groups = (row_pairs + ROW_PAIRS - 1) / ROW_PAIRS;
    long long col_pairs = p.nb / 2;
    long long panel = panel_elements(k);
    split_units(groups * col_pairs, [&p, packed, panel, col_pairs](long long u0, long long u1) {
        MyelinDenormalsAreZero ftz;
        compute_units(p, u0, u1, col_pairs, packed, panel);
    });
    return 0;
}

}  // namespace amx
}  // namespace myelin

#endif  // MYELIN_AMX_H
