package io.querysub.web.demo;

import io.querysub.core.fn.FunctionTx;
import io.querysub.core.fn.ServerFunction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

/**
 * A bank of accounts under {@code /bank/accounts/<id>} (each value a whole number): {@code
 * bank.transfer} moves money between two of them and never lets one go negative. The read of each
 * balance is a read lock, so concurrent transfers over the same accounts are serialized by reruns.
 */
@ApplicationScoped
public class Bank {
  /** The arguments of a transfer. */
  public record Transfer(
      @NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String from,
      @NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,64}") String to,
      @Positive long amount) {}

  /** The balances after a transfer. */
  public record Balances(long from, long to) {}

  @ServerFunction("bank.transfer")
  public Balances transfer(FunctionTx tx, @Valid @NotNull Transfer t) {
    if (t.from().equals(t.to())) {
      throw new IllegalArgumentException("from and to are the same account");
    }
    long from = balance(tx, t.from());
    long to = balance(tx, t.to());
    if (from < t.amount()) {
      throw new IllegalStateException(
          "insufficient funds: " + t.from() + " holds " + from + ", asked " + t.amount());
    }
    tx.set(path(t.from()), from - t.amount());
    tx.set(path(t.to()), to + t.amount());
    return new Balances(from - t.amount(), to + t.amount());
  }

  private static long balance(FunctionTx tx, String account) {
    Long n = tx.get(path(account), Long.class);
    return n == null ? 0 : n;
  }

  private static String path(String account) {
    return "/bank/accounts/" + account;
  }
}
