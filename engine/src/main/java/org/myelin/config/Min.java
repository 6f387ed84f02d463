package org.myelin.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The smallest value of a whole-number record component ({@code Integer}, {@code Long}, or a list of them): the
 * {@link ConfigBinder} refuses a smaller one, and one beyond the component type's range, with the whole range in
 * the message ({@code training.epochs: must be an integer in 1..2147483647, was 4294967297}), before Jackson sees it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Min {
    /** The smallest accepted value. */
    long value();
}
