// Myelin im2col / col2im kernels for 2-d convolution and max-pooling kernels in NCHW, CPU path (float32 and float64).
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

// Max pooling over kh x kw windows at stride sh, sw of planes = N C image planes [h, w] (NCHW): out[p, y, x] is the
// largest img[p, y sh - pt + i, x sw - pl + j] inside the image (padding cells never win). Ties: the first cell in
// row-major order within the window (strict >), the rule the backward pass and ND4J's maxpool2d_bp follow.
template <typename T>
void maxpool(const T* img, T* out, long long planes, long long h, long long w, long long kh, long long kw,
             long long sh, long long sw, long long pt, long long pl, long long oh, long long ow) {
    for (long long p = 0; p < planes; p++) {
        const T* plane = img + p * h * w;
        T* o = out + p * oh * ow;
        for (long long y = 0; y < oh; y++) {
            const long long y0 = y * sh - pt;
            const long long i0 = y0 < 0 ? -y0 : 0;
            const long long i1 = y0 + kh > h ? h - y0 : kh;
            for (long long x = 0; x < ow; x++) {
                const long long x0 = x * sw - pl;
                const long long j0 = x0 < 0 ? -x0 : 0;
                const long long j1 = x0 + kw > w ? w - x0 : kw;
                T best = plane[(y0 + i0) * w + x0 + j0];
                for (long long i = i0; i < i1; i++) {
                    const T* line = plane + (y0 + i) * w + x0;
                    for (long long j = j0; j < j1; j++) {
                        if (line[j] > best) {
                            best = line[j];
                        }
                    }
                }
                o[y * ow + x] = best;
            }
        }
    }
}

// The gradient of maxpool: zeroes gimg and adds gout[p, y, x] onto the arg-max of its window (found again from img,
// same tie rule); overlapping windows add up.
template <typename T>
void maxpool_backward(const T* img, const T* gout, T* gimg, long long planes, long long h, long long w, long long kh,
                      long long kw, long long sh, long long sw, long long pt, long long pl, long long oh,
                      long long ow) {
    for (long long k = 0; k < planes * h * w; k++) {
        gimg[k] = T(0);
    }
    for (long long p = 0; p < planes; p++) {
        const T* plane = img + p * h * w;
        const T* g = gout + p * oh * ow;
        T* gp = gimg + p * h * w;
        for (long long y = 0; y < oh; y++) {
            const long long y0 = y * sh - pt;
            const long long i0 = y0 < 0 ? -y0 : 0;
            const long long i1 = y0 + kh > h ? h - y0 : kh;
            for (long long x = 0; x < ow; x++) {
                const long long x0 = x * sw - pl;
                const long long j0 = x0 < 0 ? -x0 : 0;
                const long long j1 = x0 + kw > w ? w - x0 : kw;
                long long arg = (y0 + i0) * w + x0 + j0;
                T best = plane[arg];
                for (long long i = i0; i < i1; i++) {
                    const long long row = (y0 + i) * w + x0;
                    for (long long j = j0; j < j1; j++) {
                        if (plane[row + j] > best) {
                            best = plane[row + j];
                            arg = row + j;
                        }
                    }
                }
                gp[arg] += g[y * ow + x];
            }
        }
    }
}

}  // namespace myelin

// ---- exported entry points (bound by NativeKernels.java) ----

MYELIN_CLONES void myelin_maxpool_f32(const float* img, float* out, long long planes, long long h, long long w,
                                      long long kh, long long kw, long long sh, long long sw, long long pt,
                                      long long pl, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::maxpool<float>(img, out, planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
}
MYELIN_CLONES void myelin_maxpool_f64(const double* img, double* out, long long planes, long long h, long long w,
                                      long long kh, long long kw, long long sh, long long sw, long long pt,
                                      long long pl, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::maxpool<double>(img, out, planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
}
MYELIN_CLONES void myelin_maxpool_backward_f32(const float* img, const float* gout, float* gimg, long long planes,
                                               long long h, long long w, long long kh, long long kw, long long sh,
                                               long long sw, long long pt, long long pl, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::maxpool_backward<float>(img, gout, gimg, planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
}
MYELIN_CLONES void myelin_maxpool_backward_f64(const double* img, const double* gout, double* gimg, long long planes,
                                               long long h, long long w, long long kh, long long kw, long long sh,
                                               long long sw, long long pt, long long pl, long long oh, long long ow) {
    MyelinDenormalsAreZero ftz;
    myelin::maxpool_backward<double>(img, gout, gimg, planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
}

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
