package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Op;

/**
 * Fails when an op or an activation of {@code org.myelin.ops} has no gradient-check case in {@link OpCases}.
 * The classes are discovered from the compiled package (directory or jar), not from a hand-kept list, so a
 * new op is caught the moment it is compiled.
 */
class OpRegistryTest {

    private static final String PACKAGE = "org/myelin/ops/";

    @Test
    void everyOpClassHasAGradientCheckCase() throws Exception {
        Set<String> ops = concrete(Op.class);
        assertTrue(
                ops.containsAll(Set.of("MatMul", "BiasAdd", "Activate", "SoftmaxCrossEntropy")),
                "the class scan found the ops: " + ops);
        Set<String> covered = OpCases.all()
                .map(c -> c.opClass().getName())
                .map(OpRegistryTest::simple)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(ops);
        missing.removeAll(covered);
        assertEquals(Set.of(), missing, "ops without a gradient-check case in OpCases");
    }

    @Test
    void everyActivationHasAGradientCheckCase() throws Exception {
        Set<String> activations = concrete(Activation.class);
        assertTrue(
                activations.contains("Softmax") && activations.contains("OneHot"),
                "the class scan found the activations: " + activations);
        Set<String> covered = OpCases.all()
                .filter(c -> c.activation() != null)
                .map(c -> simple(c.activation().getClass().getName()))
                .collect(Collectors.toCollection(TreeSet::new));
        // One-hot is piecewise constant and has no gradient by design; OneHotTest checks that its backward
        // refuses clearly. It is the only activation allowed to skip, and only while it says so.
        assertFalse(Activations.ONE_HOT.differentiable(), "one-hot declares itself non-differentiable");
        covered.add(simple(Activations.ONE_HOT.getClass().getName()));
        Set<String> missing = new TreeSet<>(activations);
        missing.removeAll(covered);
        Set<String> labelled =
                missing.stream().map(OpRegistryTest::activationLabel).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), labelled, "activations without a gradient-check case in OpCases");
    }

    @Test
    void everyActivationConstantIsAnActivationTheScanFinds() throws Exception {
        Set<String> scanned = concrete(Activation.class);
        for (var field : Activations.class.getFields()) {
            if (Activation.class.isAssignableFrom(field.getType()) && Modifier.isStatic(field.getModifiers())) {
                String name = simple(field.get(null).getClass().getName());
                assertTrue(scanned.contains(name), field.getName() + " (" + name + ") is in the scan " + scanned);
            }
        }
    }

    /** The Activations constant whose class is {@code simpleName} (anonymous classes are Activations$N). */
    private static String activationLabel(String simpleName) {
        for (var field : Activations.class.getFields()) {
            try {
                if (Modifier.isStatic(field.getModifiers())
                        && field.get(null) instanceof Activation a
                        && simple(a.getClass().getName()).equals(simpleName)) {
                    return "Activations." + field.getName() + " (" + simpleName + ")";
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return simpleName;
    }

    /** Simple names (with $ for nested classes) of the concrete subtypes of {@code type} in org.myelin.ops. */
    private static Set<String> concrete(Class<?> type) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String name : classNames()) {
            Class<?> k = Class.forName(name, false, OpRegistryTest.class.getClassLoader());
            if (type.isAssignableFrom(k) && !k.isInterface() && !Modifier.isAbstract(k.getModifiers())) {
                out.add(simple(name));
            }
        }
        return out;
    }

    /** Binary names of every class compiled into org.myelin.ops, from where {@link Ops} was loaded. */
    private static List<String> classNames() throws IOException, URISyntaxException {
        Path root = Path.of(
                Ops.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.list(root.resolve(PACKAGE))) {
                files.map(p -> p.getFileName().toString())
                        .filter(f -> f.endsWith(".class"))
                        .forEach(f -> names.add(PACKAGE.replace('/', '.') + f.substring(0, f.length() - 6)));
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String n = e.nextElement().getName();
                    if (n.startsWith(PACKAGE) && n.endsWith(".class") && n.indexOf('/', PACKAGE.length()) < 0) {
                        names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
        return names;
    }

    private static String simple(String binaryName) {
        return binaryName.substring(binaryName.lastIndexOf('.') + 1);
    }
}
