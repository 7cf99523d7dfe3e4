package io.querysub.core.fn;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a method of a CDI bean as a server function under a stable name. The method takes a
 * {@link FunctionTx} first and, optionally, one argument object bound from the call's JSON {@code
 * args} with JSON-B and checked with Bean Validation (constraints on the parameter, and on the
 * object's fields when the parameter is {@code @Valid}). Whatever it returns is stored as the
 * call's result (JSON-B). It must be deterministic: it may read and write only through the
 * transaction, because it is rerun on conflict.
 *
 * <pre>{@code
 * @ServerFunction("bank.transfer")
 * public long transfer(FunctionTx tx, @Valid @NotNull Transfer t) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ServerFunction {
  /** The function's name: letters, digits, {@code .}, {@code _} and {@code -}, 1 to 128 long. */
  String value();

  /** The time limit of one run in milliseconds; 0 takes {@code querysub.fn.timeout}. */
  long timeoutMillis() default 0;
}
