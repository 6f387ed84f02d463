package org.myelin.consumer;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.LoggerFactory;

/**
 * A library user who adds a current Logback (1.5, which needs SLF4J 2) gets the engine's log lines and ND4J's,
 * not SLF4J's no-operation fallback. The first engine and ND4J calls happen in this test, so the lines they log
 * while loading (ND4J's backend, the engine's kernel choice) land in the appender configured in
 * {@code logback-test.xml}.
 */
class LogbackReceivesEngineLogsTest {

    @Test
    void logbackOfTheUserReceivesEngineAndNd4jLines() {
        assertInstanceOf(
                LoggerContext.class,
                LoggerFactory.getILoggerFactory(),
                "SLF4J did not bind to Logback; it uses "
                        + LoggerFactory.getILoggerFactory().getClass().getName());
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        ListAppender<ILoggingEvent> list = (ListAppender<ILoggingEvent>) root.getAppender("LIST");

        Dataset moons = Synthetic.twoMoons(64, 0.1, 1, DataType.FLOAT).asOneHot();
        Module model = Models.mlpBuilder(2, 8, 2).optSeed(1).build();
        new Trainer(
                        model,
                        LossFunction.SOFTMAX_CROSS_ENTROPY,
                        Optimizers.create("adam", Map.of("learning_rate", 0.01), model.namedParameters()),
                        TrainingOptions.of(1, 32, 1),
                        List.of())
                .fit(moons, null);

        List<String> loggers =
                list.list.stream().map(ILoggingEvent::getLoggerName).collect(Collectors.toList());
        assertTrue(loggers.stream().anyMatch(n -> n.startsWith("org.myelin.")), "no engine line among " + loggers);
        assertTrue(loggers.stream().anyMatch(n -> n.startsWith("org.nd4j.")), "no ND4J line among " + loggers);
    }
}
