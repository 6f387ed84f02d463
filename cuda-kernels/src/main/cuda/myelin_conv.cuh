// Myelin im2col / col2im kernels, CUDA path: the same entry points and layout as src/main/cpp/myelin_conv.h, for
// device pointers. Included at the end of myelin_kernels.cu, so it is part of the same fat binary and follows its
// launch contract (1-D grid-stride loops, extern "C" names).
//
//   cols[(c * kh + i) * kw + j, (n * oh + y) * ow + x] = img[n, c, y * sh - pt + i * dh, x * sw - pl + j * dw]
//
// im2col: one thread per patch-matrix entry. col2im: one thread per image pixel, summing every patch entry read
// from it (a gather, so no atomics and a deterministic sum order).
//
// Verified: compiles with nvcc for sm_80 and sm_90 under -Pcuda. NOT verified: run on a GPU (the build machine has
// none); the engine does not launch these yet (its convolution runs on the CPU kernels or ND4J's ops).

namespace {

template <class T>
__device__ void im2col_kernel(const T* img, T* cols, long long n, long long c, long long h, long long w, long long kh,
                              long long kw, long long sh, long long sw, long long pt, long long pl, long long dh,
                              long long dw, long long oh, long long ow) {
    const long long positions = n * oh * ow;
    const long long total = c * kh * kw * positions;
    for (long long k = blockIdx.x * (long long) blockDim.x + threadIdx.x; k < total;
         k += (long long) blockDim.x * gridDim.x) {
        const long long p = k % positions;
        const long long row = k / positions;
        const long long x = p % ow;
        const long long y = (p / ow) % oh;
        const long long ni = p / (ow * oh);
        const long long j = row % kw;
        const long long i = (row / kw) % kh;
        const long long ci = row / (kw * kh);
        const long long iy = y * sh - pt + i * dh;
        const long long ix = x * sw - pl + j * dw;
        cols[k] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? img[((ni * c + ci) * h + iy) * w + ix] : T(0);
    }
}

template <class T>
__device__ void col2im_kernel(const T* cols, T* img, long long n, long long c, long long h, long long w, long long kh,
                              long long kw, long long sh, long long sw, long long pt, long long pl, long long dh,
                              long long dw, long long oh, long long ow) {
    const long long positions = n * oh * ow;
    const long long total = n * c * h * w;
    for (long long k = blockIdx.x * (long long) blockDim.x + threadIdx.x; k < total;
         k += (long long) blockDim.x * gridDim.x) {
        const long long ix = k % w;
        const long long iy = (k / w) % h;
        const long long ci = (k / (w * h)) % c;
        const long long ni = k / (w * h * c);
        T sum = T(0);
        for (long long i = 0; i < kh; i++) {
            const long long ty = iy + pt - i * dh;
            if (ty < 0 || ty % sh != 0 || ty / sh >= oh) {
                continue;
            }
            for (long long j = 0; j < kw; j++) {
                const long long tx = ix + pl - j * dw;
                if (tx < 0 || tx % sw != 0 || tx / sw >= ow) {
                    continue;
                }
                sum += cols[((ci * kh + i) * kw + j) * positions + (ni * oh + ty / sh) * ow + tx / sw];
            }
        }
        img[k] = sum;
    }
}

}  // namespace

extern "C" {

__global__ void myelin_im2col_f32(const float* img, float* cols, long long n, long long c, long long h, long long w,
                                  long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                  long long dh, long long dw, long long oh, long long ow) {
    im2col_kernel<float>(img, cols, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}
__global__ void myelin_im2col_f64(const double* img, double* cols, long long n, long long c, long long h, long long w,
                                  long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                  long long dh, long long dw, long long oh, long long ow) {
    im2col_kernel<double>(img, cols, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}
__global__ void myelin_col2im_f32(const float* cols, float* img, long long n, long long c, long long h, long long w,
                                  long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                  long long dh, long long dw, long long oh, long long ow) {
    col2im_kernel<float>(cols, img, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}
__global__ void myelin_col2im_f64(const double* cols, double* img, long long n, long long c, long long h, long long w,
                                  long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                  long long dh, long long dw, long long oh, long long ow) {
    col2im_kernel<double>(cols, img, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}

}  // extern "C"
