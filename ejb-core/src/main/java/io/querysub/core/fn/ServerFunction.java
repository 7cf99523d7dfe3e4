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

  /**
   * Whose rights the function's reads and writes are checked against: the caller's (the default),
   * or none ({@link RunAs#SYSTEM}: the function itself guards what it does). Who may call it is
   * checked either way, against the rules file's function rules.
   */
  RunAs runAs() default RunAs.CALLER;

  /** Whose rights a function runs with. */
  enum RunAs {
    /** The caller's: every read and write is checked against the rules. */
    CALLER,
    /** The system's: no rule restricts its reads and writes. */
    SYSTEM
  }
}
