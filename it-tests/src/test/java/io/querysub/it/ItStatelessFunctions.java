package io.querysub.it;

import io.querysub.core.fn.FunctionTx;
import io.querysub.core.fn.ServerFunction;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

/** A server function on a stateless session bean. */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ItStatelessFunctions {
  /** Counts its calls under {@code /it/counter}. */
  @ServerFunction("it.count")
  public long count(FunctionTx tx) {
    Long n = tx.get("/it/counter", Long.class);
    long next = (n == null ? 0 : n) + 1;
    tx.set("/it/counter", next);
    return next;
  }
}
