package io.querysub.engine.tx;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Randomized check that concurrent transactions on one store are serializable in version order:
 * threads run bank transfers and read-all audits; a replay of the committed transactions in version
 * order must reproduce every value each one read, and end in the store's state. The seed comes from
 * {@code -Dquerysub.seed=...} or is drawn at random, and is printed.
 */
class SerializabilityTest {
  private static final int THREADS = 4;
  private static final int ACCOUNTS = 12;
  private static final long BALANCE = 1_000;
  private static final int OPERATIONS_PER_THREAD = 20_000;
  private static final long RUN_MILLIS = 1_500;

  @Test
  void transfersAndAuditsAreSerializableInVersionOrder() throws Exception {
    Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    BankWorkload bank = run(store, seed(), null);
    assertSerializable(bank);
  }

  @Test
  void staysSerializableWhileTheGoldenHorizonMovesUnderIt() throws Exception {
    Store store =
        new Store(
            StoreOptions.DEFAULTS.withMaxChangeAge(Duration.ofMillis(50)), new HybridClock(1));
    AtomicLong madeGolden = new AtomicLong();
    BankWorkload bank = run(store, seed(), madeGolden);
    assertSerializable(bank);
    System.out.println("  commits made golden during the run: " + madeGolden.get());
    assertThat(madeGolden.get()).as("commits made golden while transactions ran").isPositive();
  }

  /** The checker must catch a lost update: two transfers that both read the same old balance. */
  @Test
  void replayCatchesALostUpdate() {
    Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    Path a = Path.of("accounts", "a0");
    HybridClock clock = store.clock();
    Version v1 = clock.now();
    Version v2 = clock.now();
    Version v3 = clock.now();
    BankHistory h = new BankHistory();
    h.record(v1, Map.of(), Map.of(a, Value.ofJson("10")));
    h.record(
        v2, Map.of(a, new ReadResult(a, Value.ofJson("10"), v1)), Map.of(a, Value.ofJson("5")));
    h.record(
        v3, Map.of(a, new ReadResult(a, Value.ofJson("10"), v1)), Map.of(a, Value.ofJson("7")));
    assertThat(h.check(store, List.of()))
        .singleElement()
        .asString()
        .contains(v3 + " read /accounts/a0 = 10@" + v1)
        .contains("replay had 5@" + v2);
  }

  /** The checker must notice a store that does not hold what the committed writes left. */
  @Test
  void replayCatchesAStoreThatLostAWrite() {
    Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    Path a = Path.of("accounts", "a0");
    BankHistory h = new BankHistory();
    h.record(store.clock().now(), Map.of(), Map.of(a, Value.ofJson("10")));
    assertThat(h.check(store, List.of(a))).singleElement().asString().startsWith("store has");
  }

  private static BankWorkload run(Store store, long seed, AtomicLong madeGolden)
      throws InterruptedException {
    BankWorkload bank = new BankWorkload(store, ACCOUNTS, BALANCE);
    long deadline = System.nanoTime() + Duration.ofMillis(RUN_MILLIS).toNanos();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random rnd = new Random(seed + t);
      Thread w =
          new Thread(() -> bank.work(rnd, OPERATIONS_PER_THREAD, 0.05, deadline), "bank-" + t);
      w.setUncaughtExceptionHandler((th, e) -> failures.add(e));
      workers.add(w);
    }
    AtomicBoolean done = new AtomicBoolean();
    Thread golden = null;
    if (madeGolden != null) {
      golden =
          new Thread(
              () -> {
                while (!done.get()) {
                  madeGolden.addAndGet(store.advanceGolden());
                  Thread.yield();
                }
              },
              "golden");
      golden.setUncaughtExceptionHandler((th, e) -> failures.add(e));
      golden.start();
    }
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    done.set(true);
    if (golden != null) {
      golden.join();
    }
    assertThat(failures).as("exceptions in worker threads").isEmpty();
    System.out.printf(
        "serializability seed=%d threads=%d accounts=%d golden=%s: transfers committed=%d,"
            + " conflicts/reruns=%d, audits accepted=%d, audits rejected=%d, commits checked=%d%n",
        seed,
        THREADS,
        ACCOUNTS,
        madeGolden != null,
        bank.transfers.get(),
        bank.reruns.get(),
        bank.auditsAccepted.get(),
        bank.auditsRejected.get(),
        bank.history.size());
    return bank;
  }

  private static void assertSerializable(BankWorkload bank) {
    assertThat(bank.violations).as("audit sums and balances").isEmpty();
    assertThat(bank.history.check(bank.store, bank.accounts))
        .as("replay in version order")
        .isEmpty();
    long finalSum = 0;
    for (Path p : bank.accounts) {
      long b = BankWorkload.balanceOf(bank.store.read(p));
      assertThat(b).as("final balance of %s", p).isNotNegative();
      finalSum += b;
    }
    assertThat(finalSum).as("final total").isEqualTo(bank.total);
    // The run must have exercised what it checks: commits, conflicts, and accepted audits.
    assertThat(bank.transfers.get()).as("transfers committed").isGreaterThan(1_000);
    assertThat(bank.reruns.get()).as("conflicts (reruns)").isPositive();
    assertThat(bank.auditsAccepted.get()).as("audits accepted").isPositive();
  }

  private static long seed() {
    String s = System.getProperty("querysub.seed");
    return s != null ? Long.parseLong(s) : new Random().nextLong();
  }
}
