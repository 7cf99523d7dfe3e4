package io.querysub.it.bench;

import io.querysub.core.fn.FunctionTx;
import io.querysub.core.fn.ServerFunction;
import jakarta.enterprise.context.ApplicationScoped;

/** The trivial function the function benchmark calls (added to the WAR by {@link FnBench}). */
@ApplicationScoped
public class BenchFunctions {
  /** Reads nothing, writes nothing, returns nothing: the cost of a call itself. */
  @ServerFunction("bench.noop")
  public void noop(FunctionTx tx) {}
}
