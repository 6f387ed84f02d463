// Myelin im2col / col2im kernels for 2-d convolution in NCHW, CPU path (float32 and float64).
//
// Included by the JNI file JavaCPP generates for org.myelin.kernels.NativeKernels, after myelin_kernels.h (whose
// MYELIN_CLONES and MyelinDenormalsAreZero it uses). A convolution becomes one gemm per layer over the patch matrix
//
//   cols[(c * kh + i) * kw + j, (n * oh + y) * ow + x] = img[n, c, y * sh - pt + i * dh, x * sw - pl + j * dw]
//
// (0 where the index falls into the zero padding): rows are the C kh kw entries of a patch, columns the N oh ow
// output positions, so Y = W[O, C kh kw] x cols is [O, N oh ow]. col2im is its adjoint: it adds every entry of a
// patch-matrix gradient back onto the image position it was read from (zeroing the image first).
//
// Both walk the patch matrix row by row, so writes (im2col) and reads (col2im) stream contiguous memory and the
// inner loop over x has unit stride on the image when sw == 1. Single-threaded on the calling thread.
#ifndef MYELIN_CONV_H
#define MYELIN_CONV_H

namespace myelin {

template <typename T>
void im2col(const T* img, T* cols, long long n, long long c, long long h, long long w, long long kh, long long kw,
            long long sh, long long sw, long long pt, long long pl, long long dh, long long dw, long long oh,
            long long ow) {
    const long long positions = n * oh * ow;
    for (long long ci = 0; ci < c; ci++) {
        for (long long i = 0; i < kh; i++) {
            for (long long j = 0; j < kw; j++) {
                T* row = cols + ((ci * kh + i) * kw + j) * positions;
                for (long long ni = 0; ni < n; ni++) {
                    const T* plane = img + (ni * c + ci) * h * w;
                    for (long long y = 0; y < oh; y++) {
                        T* out = row + (ni * oh + y) * ow;
                        const long long iy = y * sh - pt + i * dh;
                        if (iy < 0 || iy >= h) {
                            for (long long x = 0; x < ow; x++) {
                                out[x] = T(0);
                            }
                            continue;
                        }
                        const T* line = plane + iy * w;
                        const long long x0 = j * dw - pl;
                        for (long long x = 0; x < ow; x++) {
                            const long long ix = x * sw + x0;
                            out[x] = (ix >= 0 && ix < w) ? line[ix] : T(0);
                        }
                    }
                }
            }
        }
    }
}

template <typename T>
void col2im(const T* cols, T* img, long long n, long long c, long long h, long long w, long long kh, long long kw,
            long long sh, long long sw, long long pt, long long pl, long long dh, long long dw, long long oh,
            long long ow) {
    const long long positions = n * oh * ow;
    for (long long k = 0; k < n * c * h * w; k++) {
        img[k] = T(0);
    }
    for (long long ci = 0; ci < c; ci++) {
        for (long long i = 0; i < kh; i++) {
            for (long long j = 0; j < kw; j++) {
                const T* row = cols + ((ci * kh + i) * kw + j) * positions;
                for (long long ni = 0; ni < n; ni++) {
                    T* plane = img + (ni * c + ci) * h * w;
                    for (long long y = 0; y < oh; y++) {
                        const long long iy = y * sh - pt + i * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        const T* in = row + (ni * oh + y) * ow;
                        T* line = plane + iy * w;
                        const long long x0 = j * dw - pl;
                        for (long long x = 0; x < ow; x++) {
                            const long long ix = x * sw + x0;
                            if (ix >= 0 && ix < w) {
                                line[ix] += in[x];
                            }
                        }
                    }
                }
            }
        }
    }
}

}  // namespace myelin

// ---- exported entry points (bound by NativeKernels.java) ----

MYELIN_CLONES void myelin_im2col_f32(const float* img, float* cols, long long n, long long c, long long h, long long w,
                                     long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                     long long dh, long long dw, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::im2col<float>(img, cols, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}
MYELIN_CLONES void myelin_im2col_f64(const double* img, double* cols, long long n, long long c, long long h, long long w,
                                     long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                     long long dh, long long dw, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::im2col<double>(img, cols, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}
MYELIN_CLONES void myelin_col2im_f32(const float* cols, float* img, long long n, long long c, long long h, long long w,
                                     long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                     long long dh, long long dw, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::col2im<float>(cols, img, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}
MYELIN_CLONES void myelin_col2im_f64(const double* cols, double* img, long long n, long long c, long long h, long long w,
                                     long long kh, long long kw, long long sh, long long sw, long long pt, long long pl,
                                     long long dh, long long dw, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::col2im<double>(cols, img, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
}

#endif  // MYELIN_CONV_H
