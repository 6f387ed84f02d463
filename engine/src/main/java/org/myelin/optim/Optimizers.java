package org.myelin.optim;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.myelin.autodiff.Tensor;

/**
 * Builds optimisers by name from JSON-compatible hyper-parameter maps (the training config), the inverse of
 * {@link Optimizer#config()}.
 *
 * <table>
 *   <caption>Names and keys (absent keys take the defaults in brackets)</caption>
 *   <tr><th>name</th><th>keys</th></tr>
 *   <tr><td>{@code sgd}</td><td>{@code learning_rate} [0.01]</td></tr>
 *   <tr><td>{@code momentum}</td><td>{@code learning_rate} [0.01], {@code form}: {@code heavy_ball} [default],
 *       {@code friction} or {@code convex}; its coefficient {@code momentum} [0.9], {@code r} [0.1] or
 *       {@code beta} [0.9] (CS 489 §14.3; see docs/notes.md)</td></tr>
 *   <tr><td>{@code nesterov}</td><td>{@code learning_rate} [0.01], {@code momentum} [0.9]</td></tr>
 *   <tr><td>{@code adagrad}</td><td>{@code learning_rate} [0.01], {@code eps} [1e-10]</td></tr>
 *   <tr><td>{@code rmsprop}</td><td>{@code learning_rate} [0.01], {@code rho} [0.99], {@code eps} [1e-8]</td></tr>
 *   <tr><td>{@code adadelta}</td><td>{@code learning_rate} [1.0], {@code rho} [0.9], {@code eps} [1e-6]</td></tr>
 *   <tr><td>{@code adam}</td><td>{@code learning_rate} [0.001], {@code beta1} [0.9], {@code beta2} [0.999],
 *       {@code eps} [1e-8]</td></tr>
 *   <tr><td>{@code adamw}</td><td>as {@code adam}, plus {@code weight_decay} [0.01]</td></tr>
 * </table>
 * Names are case-insensitive. Unknown names, unknown keys, values of the wrong type and out-of-range values are
 * rejected with an {@link IllegalArgumentException} naming them.
 */
public final class Optimizers {
    private Optimizers() {
    }

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES =
            List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw");

    /** Builds the optimiser {@code name} over {@code parameters} with the given hyper-parameters. */
    public static Optimizer create(String name, Map<String, Object> hyper, Map<String, Tensor> parameters) {
        String type = name == null ? "null" : name.toLowerCase(Locale.ROOT);
        String owner = "optimizer '" + type + "'";
        switch (type) {
            case "sgd": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate");
                Sgd.Hyper d = Sgd.Hyper.defaults();
                return new Sgd(parameters, new Sgd.Hyper(h.number("learning_rate", d.learningRate())));
            }
            case "momentum": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "form", "momentum", "r", "beta");
                Momentum.Form form = form(owner, h.string("form", "heavy_ball"));
                for (Momentum.Form other : Momentum.Form.values()) {
                    if (other != form && h.has(other.coefficientName())) {
                        throw new IllegalArgumentException(owner + ": hyper-parameter '" + other.coefficientName()
                                + "' belongs to form " + other.configName() + ", but form is " + form.configName()
                                + " (its coefficient is '" + form.coefficientName() + "')");
                    }
                }
                Momentum.Hyper d = Momentum.Hyper.defaults(form);
                return new Momentum(parameters, new Momentum.Hyper(h.number("learning_rate", d.learningRate()),
                        form, h.number(form.coefficientName(), d.coefficient())));
            }
            case "nesterov": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "momentum");
                Nesterov.Hyper d = Nesterov.Hyper.defaults();
                return new Nesterov(parameters, new Nesterov.Hyper(h.number("learning_rate", d.learningRate()),
                        h.number("momentum", d.momentum())));
            }
            case "adagrad": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "eps");
                Adagrad.Hyper d = Adagrad.Hyper.defaults();
                return new Adagrad(parameters, new Adagrad.Hyper(h.number("learning_rate", d.learningRate()),
                        h.number("eps", d.eps())));
            }
            case "rmsprop": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "rho", "eps");
                RmsProp.Hyper d = RmsProp.Hyper.defaults();
                return new RmsProp(parameters, new RmsProp.Hyper(h.number("learning_rate", d.learningRate()),
                        h.number("rho", d.rho()), h.number("eps", d.eps())));
            }
            case "adadelta": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "rho", "eps");
                Adadelta.Hyper d = Adadelta.Hyper.defaults();
                return new Adadelta(parameters, new Adadelta.Hyper(h.number("learning_rate", d.learningRate()),
                        h.number("rho", d.rho()), h.number("eps", d.eps())));
            }
            case "adam": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "beta1", "beta2", "eps");
                Adam.Hyper d = Adam.Hyper.defaults();
                return new Adam(parameters, new Adam.Hyper(h.number("learning_rate", d.learningRate()),
                        h.number("beta1", d.beta1()), h.number("beta2", d.beta2()), h.number("eps", d.eps())));
            }
            case "adamw": {
                HyperMap h = new HyperMap(owner, hyper, "type", "learning_rate", "beta1", "beta2", "eps",
                        "weight_decay");
                AdamW.Hyper d = AdamW.Hyper.defaults();
                return new AdamW(parameters, new AdamW.Hyper(h.number("learning_rate", d.learningRate()),
                        h.number("beta1", d.beta1()), h.number("beta2", d.beta2()), h.number("eps", d.eps()),
                        h.number("weight_decay", d.weightDecay())));
            }
            default:
                throw new IllegalArgumentException("Optimizers: unknown optimizer '" + name + "', expected one of "
                        + NAMES);
        }
    }

    /** Builds an optimiser from a map with a {@code "type"} entry, such as {@link Optimizer#config()} returns. */
    public static Optimizer fromConfig(Map<String, Object> config, Map<String, Tensor> parameters) {
        Object type = config == null ? null : config.get("type");
        if (!(type instanceof String s)) {
            throw new IllegalArgumentException("Optimizers: config needs a string \"type\", one of " + NAMES
                    + ", was " + (type == null ? "missing" : HyperMap.describe(type)));
        }
        return create(s, config, parameters);
    }

    private static Momentum.Form form(String owner, String name) {
        for (Momentum.Form f : Momentum.Form.values()) {
            if (f.configName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException(owner + ": hyper-parameter 'form' must be one of heavy_ball, friction,"
                + " convex, was \"" + name + "\"");
    }
}
