package org.myelin.data;

import java.util.Arrays;
import java.util.Random;
import org.myelin.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Data augmentation by translation (CS 489 §11.2: "generate more valid samples by shifting ... images"; Oxford ML §3.3;
 * see docs/notes.md): each image moves by a few pixels, the vacated border is filled with zeros (background), and the
 * label is unchanged.
 *
 * <p>Rows are flattened {@code H x W} images in row-major order (MNIST: 28 x 28 = 784 columns). A shift by
 * {@code (dy, dx)} moves content down by {@code dy} rows and right by {@code dx} columns:
 * {@code out[r][c] = in[r - dy][c - dx]} where that pixel exists, else 0.
 *
 * <p>Images come flattened, one row-major {@code H x W} image per row, or as {@code [B, C, H, W]} (every channel
 * of an image moves by the same shift).
 *
 * <p>Shapes: {@code images [B, H*W]} or {@code [B, C, H, W]} in, the same shape out, same data type; the input is
 * not modified.
 */
public final class ImageShift {
    private final int height;
    private final int width;
    private final int maxShift;

    /**
     * @param height   image height H in pixels
     * @param width    image width W in pixels
     * @param maxShift the largest shift in either direction, {@code dy, dx} drawn uniformly from
     *                 {@code -maxShift..maxShift}; must be {@code < min(H, W)}
     */
    public ImageShift(int height, int width, int maxShift) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "ImageShift: image size must be >= 1 x 1, was " + height + " x " + width);
        }
        if (maxShift < 0 || maxShift >= Math.min(height, width)) {
            throw new IllegalArgumentException("ImageShift: maxShift must be in 0.." + (Math.min(height, width) - 1)
                    + " for " + height + " x " + width + " images, was " + maxShift);
        }
        this.height = height;
        this.width = width;
        this.maxShift = maxShift;
    }

    /**
     * Shifts every image by its own random {@code (dy, dx)}, each uniform in {@code -maxShift..maxShift}.
     * Rows sharing a shift are moved together (at most {@code (2 maxShift + 1)^2} native block copies), then put
     * back in their original order with one gather.
     *
     * @param rng the random stream for the shifts (seeded by the caller)
     */
    public INDArray apply(INDArray images, Random rng) {
        checkShape(images, height, width);
        if (rng == null) {
            throw new IllegalArgumentException("ImageShift: random stream is null, expected a seeded java.util.Random");
        }
        int n = (int) images.size(0);
        if (n == 0 || maxShift == 0) {
            return images.dup();
        }
        int side = 2 * maxShift + 1;
        int[] key = new int[n];
        int[] groupSize = new int[side * side];
        for (int i = 0; i < n; i++) {
            int dy = rng.nextInt(side);
            int dx = rng.nextInt(side);
            key[i] = dy * side + dx;
            groupSize[key[i]]++;
        }
        int[][] groups = new int[side * side][];
        for (int k = 0; k < groups.length; k++) {
            groups[k] = new int[groupSize[k]];
        }
        int[] filled = new int[groups.length];
        for (int i = 0; i < n; i++) {
            groups[key[i]][filled[key[i]]++] = i;
        }
        INDArray[] parts = new INDArray[groups.length];
        int[] position = new int[n];
        int used = 0;
        int at = 0;
        for (int k = 0; k < groups.length; k++) {
            if (groups[k].length == 0) {
                continue;
            }
            INDArray rows = Dataset.gatherRows(images, groups[k]);
            parts[used++] = shiftAll(rows, height, width, k / side - maxShift, k % side - maxShift);
            for (int i : groups[k]) {
                position[i] = at++;
            }
        }
        INDArray stacked = used == 1 ? parts[0] : Nd4j.concat(0, Arrays.copyOf(parts, used));
        return Dataset.gatherRows(stacked, position);
    }

    /** The dataset with randomly shifted images and unchanged targets. */
    public Dataset apply(Dataset data, Random rng) {
        return data.withFeatures(apply(data.features(), rng));
    }

    /**
     * Shifts every image by the same {@code (dy, dx)}: {@code out[r][c] = in[r - dy][c - dx]}, zeros where that
     * pixel lies outside the image; a shift of H or more rows (W or more columns) gives a blank image.
     *
     * <p>Shapes: {@code images [B, H*W]} or {@code [B, C, H, W]} in, the same out.
     */
    public static INDArray shift(INDArray images, int height, int width, int dy, int dx) {
        checkShape(images, height, width);
        return shiftAll(images, height, width, dy, dx);
    }

    private static INDArray shiftAll(INDArray images, int height, int width, int dy, int dx) {
        long n = images.size(0);
        if (dy == 0 && dx == 0) {
            return images.dup();
        }
        // Flattened rows are one-channel images; every channel of an image moves together.
        long channels = images.rank() == 4 ? images.size(1) : 1;
        INDArray out = Nd4j.zeros(images.dataType(), n * channels, height, width);
        // Not Math.abs(dy) < height: |Integer.MIN_VALUE| is negative, and that shift returned the image unmoved.
        if (n > 0 && dy > -height && dy < height && dx > -width && dx < width) {
            INDArray in = images.reshape('c', n * channels, height, width);
            INDArrayIndex[] dst = {
                NDArrayIndex.all(),
                NDArrayIndex.interval(Math.max(dy, 0), height + Math.min(dy, 0)),
                NDArrayIndex.interval(Math.max(dx, 0), width + Math.min(dx, 0))
            };
            INDArrayIndex[] src = {
                NDArrayIndex.all(),
                NDArrayIndex.interval(Math.max(-dy, 0), height - Math.max(dy, 0)),
                NDArrayIndex.interval(Math.max(-dx, 0), width - Math.max(dx, 0))
            };
            out.get(dst).assign(in.get(src));
        }
        return out.reshape('c', images.shape());
    }

    private static void checkShape(INDArray images, int height, int width) {
        Preconditions.requireFloatBatch("ImageShift: images", images);
        if (images.rank() == 4) {
            if (images.size(2) != height || images.size(3) != width) {
                throw new IllegalArgumentException("ImageShift: images have shape " + Arrays.toString(images.shape())
                        + ", expected [*, *, " + height + ", " + width + "]");
            }
            return;
        }
        if (images.rank() != 2) {
            throw new IllegalArgumentException("ImageShift: images have shape " + Arrays.toString(images.shape())
                    + ", expected [*, " + (long) height * width + "] or [*, *, " + height + ", " + width + "]");
        }
        if (images.columns() != (long) height * width) {
            throw new IllegalArgumentException("ImageShift: images have " + images.columns() + " columns, expected "
                    + height + " x " + width + " = " + (long) height * width);
        }
    }
}
