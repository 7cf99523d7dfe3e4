package io.querysub.it;

import io.querysub.core.fn.FunctionTx;
import io.querysub.core.fn.ServerFunction;
import jakarta.enterprise.context.ApplicationScoped;

/** Server functions that only the integration tests deploy (added to the WAR by the test). */
@ApplicationScoped
public class ItFunctions {
  /** Writes, then sleeps past its 500 ms limit. */
  @ServerFunction(value = "it.sleepy", timeoutMillis = 500)
  public String sleepy(FunctionTx tx) throws InterruptedException {
    tx.set("/it/sleepy", true);
    Thread.sleep(20_000);
    return "woke";
  }

  /** Writes, then throws. */
  @ServerFunction("it.throws")
  public void throwing(FunctionTx tx) {
    tx.set("/it/thrown", true);
    throw new IllegalStateException("the function failed on purpose");
  }

  /** Returns its call id. */
  @ServerFunction("it.echo")
  public String echo(FunctionTx tx) {
    return tx.callId();
  }
}
