package org.myelin.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** An MNIST-shaped IDX directory of blank 28x28 images labelled 0, 1, 0, 1, ...: for tests that never train far. */
final class BlankMnist {
    private BlankMnist() {}

    /** Writes {@code samples} images and labels as the train and t10k sets into {@code dir}, created if missing. */
    static Path write(Path dir, int samples) throws IOException {
        Files.createDirectories(dir);
        for (String prefix : new String[] {"train", "t10k"}) {
            ByteBuffer img = ByteBuffer.allocate(16 + samples * 784)
                    .putInt(0x803)
                    .putInt(samples)
                    .putInt(28)
                    .putInt(28);
            ByteBuffer lab = ByteBuffer.allocate(8 + samples).putInt(0x801).putInt(samples);
            for (int i = 0; i < samples; i++) {
                lab.put((byte) (i % 2));
            }
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.array());
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
        }
        return dir;
    }
}
