package org.myelin.kernels;

/**
 * The 1-D launch geometry of every kernel in {@code src/main/cuda/myelin_kernels.cu}, in one place: the engine's
 * CUDA path launches with it on a device, and the host emulation of the kernels (the tests) launches with the very
 * same numbers, so the grid-stride indexing that runs on a GPU is the indexing the tests check.
 *
 * <p>{@value #THREADS_PER_BLOCK} threads per block and {@code min(ceil(n / 256), 65535)} blocks, at least one. The
 * kernels are grid-stride loops ({@code i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x *
 * blockDim.x}), correct for any grid; capping the grid at 65,535 blocks (16.8 M threads) only makes each thread
 * visit several elements of larger buffers.
 *
 * @param blocks  {@code gridDim.x}
 * @param threads {@code blockDim.x}
 */
public record CudaLaunchGeometry(int blocks, int threads) {

    /** {@code blockDim.x} of every launch: a multiple of the 32-thread warp, below every GPU's 1,024 limit. */
    public static final int THREADS_PER_BLOCK = 256;
    /** The largest {@code gridDim.x} used. */
    public static final int MAX_BLOCKS = 65_535;

    /**
     * Checks the numbers against what a launch accepts.
     *
     * @throws IllegalArgumentException when blocks is not in [1, 2^31 - 1] or threads not in [1, 1024]
     */
    public CudaLaunchGeometry {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be in [1, " + Integer.MAX_VALUE + "], was " + blocks);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads per block must be in [1, 1024], was " + threads);
        }
    }

    /**
     * The geometry for a kernel over {@code n} elements.
     *
     * @throws IllegalArgumentException when n is negative
     */
    public static CudaLaunchGeometry forLength(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("element count must be >= 0, was " + n);
        }
        // ceil(n / 256) without the overflow of (n + 255) / 256 near Long.MAX_VALUE.
        long blocks = n / THREADS_PER_BLOCK + (n % THREADS_PER_BLOCK == 0 ? 0 : 1);
        return new CudaLaunchGeometry((int) Math.max(1, Math.min(blocks, MAX_BLOCKS)), THREADS_PER_BLOCK);
    }
}
