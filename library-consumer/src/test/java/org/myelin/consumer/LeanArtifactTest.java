package org.myelin.consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A library user who depends on {@code myelin-engine} alone gets the library and nothing of the application
 * around it: the command line, the job runner, plots (and XChart), the examples and the neuron models live in
 * their own artifacts ({@code myelin-cli}, {@code myelin-plot}, {@code myelin-examples}, {@code myelin-neuro}).
 */
class LeanArtifactTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "org.myelin.cli.Main",
                "org.myelin.job.TrainingJob",
                "org.myelin.plot.LinePlot",
                "org.knowm.xchart.XYChart",
                "org.myelin.examples.Examples",
                "org.myelin.neuro.Lif"
            })
    void engineArtifactDoesNotBring(String className) {
        assertThrows(
                ClassNotFoundException.class,
                () -> Class.forName(className, false, LeanArtifactTest.class.getClassLoader()),
                className + " is on a library user's class path");
    }
}
