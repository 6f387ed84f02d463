package org.myelin.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.myelin.data.Csv;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.io.ModelFile;
import org.myelin.nn.Module;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;

/** {@code myelin eval MODEL --data mnist|mnist:DIR|csv:FILE}: loss, accuracy and confusion matrix of a saved model. */
final class EvalCommand implements Main.Command {
    @Override
    public String summary() {
        return "evaluate a saved model: loss, accuracy, confusion matrix";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Options o = Options.parse(args, Set.of("data", "label-column", "classes"), Set.of("help"));
        if (o.has("help") || o.positional.size() != 1) {
            out.println("usage: myelin eval MODEL.zip [--data mnist|mnist:DIR|csv:FILE [--label-column NAME] [--classes K]]");
            return o.has("help") ? 0 : 2;
        }
        Path modelFile = Path.of(o.positional.get(0));
        ModelFile.Loaded loaded = ModelFile.load(modelFile);
        Module model = loaded.model();
        Object lossName = loaded.metadata().get("loss");
        LossFunction loss;
        try {
            loss = LossFunction.byName(lossName == null ? "softmax_cross_entropy" : lossName.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": the loss saved with the model: " + e.getMessage(), e);
        }
        String data = o.has("data") ? o.get("data") : "mnist";
        Dataset test;
        var type = model.parameters().get(0).dataType();
        if (data.equals("mnist")) {
            test = Mnist.load(Mnist.fetch(Mnist.defaultCacheDir()), type).test();
        } else if (data.startsWith("mnist:")) {
            test = Mnist.load(Path.of(data.substring(6)), type).test();
        } else if (data.startsWith("csv:")) {
            Csv reader = Csv.reader().dataType(type);
            if (o.has("label-column")) {
                reader = reader.labelColumn(o.get("label-column"));
            }
            int classes = o.has("classes") ? o.integer("classes") : 0;
            test = (classes > 0 ? reader.classification(classes) : reader.regression()).read(Path.of(data.substring(4)));
        } else {
            throw new UsageException("--data must be mnist, mnist:DIR or csv:FILE, was '" + data + "'");
        }
        Evaluation e = Evaluation.of(model, loss, test, 1000);
        out.printf(Locale.ROOT, "samples %,d%nloss %.5f%n", e.samples(), e.loss());
        if (e.confusion() != null) {
            out.printf(Locale.ROOT, "accuracy %.4f%n%n%s", e.accuracy(), e.confusion().render());
        }
        return 0;
    }
}
