package org.myelin.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;
import org.myelin.benchmarks.harness.ConvNet;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Flatten;
import org.myelin.nn.Inits;
import org.myelin.nn.Module;
import org.myelin.nn.Pool2d;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Myelin's model of a benchmark {@link ConvNet}: {@code Conv2d -> ReLU}, {@code Pool2d.max}, {@code Flatten} before the
 * first dense layer, {@code Dense -> ReLU} and a logits layer, float32, He-normal weights and zero biases as
 * {@code Models.smallCnn} and {@code Models.lenet5} initialise them (layer i seeded with {@code seed + i}),
 * without their dropout.
 */
final class ConvModels {

    private ConvModels() {}

    static Sequential build(ConvNet net, long seed) {
        List<Module> layers = new ArrayList<>();
        List<int[]> shapes = net.shapes();
        List<ConvNet.Layer> spec = net.layers();
        for (int i = 0; i < spec.size(); i++) {
            int[] in = shapes.get(i);
            ConvNet.Layer l = spec.get(i);
            if (l instanceof ConvNet.Conv c) {
                layers.add(Conv2d.builder(in[0], c.out(), c.kernel())
                        .optSame(c.same())
                        .optDataType(DataType.FLOAT)
                        .optSeed(seed + layers.size())
                        .build());
                layers.add(new ActivationLayer(Activations.RELU));
            } else if (l instanceof ConvNet.MaxPool p) {
                layers.add(Pool2d.max(p.size()));
            } else if (l instanceof ConvNet.Dense d) {
                if (in.length == 3) {
                    layers.add(new Flatten());
                }
                long width = 1;
                for (int v : in) {
                    width *= v;
                }
                layers.add(new Dense(
                        width,
                        d.out(),
                        true,
                        DataType.FLOAT,
                        Inits.heNormal(),
                        Dense.DEFAULT_BIAS_INIT,
                        seed + layers.size()));
                if (i < spec.size() - 1) {
                    layers.add(new ActivationLayer(Activations.RELU));
                }
            }
        }
        return new Sequential(layers);
    }
}
