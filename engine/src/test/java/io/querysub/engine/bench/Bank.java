package io.querysub.engine.bench;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitJournal;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.tx.Transaction;
import io.querysub.engine.version.HybridClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A store holding {@code n} accounts {@code /accounts/a0..}, each in a shard of its own, and the
 * transfer transaction the benchmarks run: read two balances, write both, commit.
 */
final class Bank {
  static final long OPENING_BALANCE = 1_000_000_000L;

  final Store store;
  final Path[] accounts;

  Bank(int n, long maxChangeAgeMillis) {
    this(n, maxChangeAgeMillis, CommitJournal.NONE);
  }

  Bank(int n, long maxChangeAgeMillis, CommitJournal journal) {
    store =
        new Store(
            StoreOptions.DEFAULTS.withMaxChangeAge(Duration.ofMillis(maxChangeAgeMillis)),
            new HybridClock(1),
            journal);
    accounts = new Path[n];
    List<Write> opening = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      accounts[i] = Path.of("accounts", "a" + i);
      opening.add(new Write(accounts[i], balance(OPENING_BALANCE)));
    }
    CommitResult r = store.commit(List.of(), opening);
    if (!r.isValid()) {
      throw new IllegalStateException("opening balances rejected: " + r);
    }
  }

  /** A transaction that has read both balances and buffered the transfer, ready to commit. */
  Transaction prepareTransfer(int from, int to, long amount) {
    Transaction tx = store.begin();
    ReadResult a = tx.read(accounts[from]);
    ReadResult b = tx.read(accounts[to]);
    long moved = Math.min(amount, balanceOf(a.value()));
    tx.write(accounts[from], balance(balanceOf(a.value()) - moved));
    tx.write(accounts[to], balance(balanceOf(b.value()) + moved));
    return tx;
  }

  static Value balance(long v) {
    return Value.ofJsonBytes(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
  }

  static long balanceOf(Value v) {
    byte[] b = v.jsonBytes();
    long n = 0;
    for (byte c : b) {
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
