package io.querysub.engine.bench;

import io.querysub.engine.store.CommitJournal;
import io.querysub.engine.wal.FileWriteAheadLog;
import io.querysub.engine.wal.WalOptions;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The write-ahead log's cost as a paired ratio, for a loaded machine: two banks of 10,000 accounts
 * in one JVM, one with the log at the default flush and one without, run transfers on one thread in
 * alternating slices ({@code S} ms each, {@code R} rounds, default 500 and 40), so both sides see
 * the same background load. Prints each side's median rate and the median of the per-round ratios.
 * Arguments: {@code R S}.
 */
public final class WalRatio {
  private WalRatio() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    long sliceMs = args.length > 1 ? Long.parseLong(args[1]) : 500;
    java.nio.file.Path dir =
        Files.createTempDirectory(
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), "walratio");
    FileWriteAheadLog log = new FileWriteAheadLog(WalOptions.defaults(dir));
    log.open(r -> {});
    Bank plain = new Bank(10_000, 1000, CommitJournal.NONE);
    Bank logged = new Bank(10_000, 1000, log);
    SplittableRandom rnd = new SplittableRandom(42);
    Golden gp = new Golden();
    Golden gl = new Golden();
    double[] a = new double[rounds];
    double[] b = new double[rounds];
    double[] ratio = new double[rounds];
    for (int warm = 0; warm < 6; warm++) {
      run(plain, gp, rnd, sliceMs);
      run(logged, gl, rnd, sliceMs);
    }
    for (int i = 0; i < rounds; i++) {
      // Alternate which side goes first, so neither always follows the other's garbage.
      if (i % 2 == 0) {
        a[i] = run(plain, gp, rnd, sliceMs);
        b[i] = run(logged, gl, rnd, sliceMs);
      } else {
        b[i] = run(logged, gl, rnd, sliceMs);
        a[i] = run(plain, gp, rnd, sliceMs);
      }
      ratio[i] = b[i] / a[i];
    }
    System.out.printf(
        "transfers/s, %d rounds of %d ms: without the log median %,.0f; with it median %,.0f;"
            + " median per-round ratio with/without %.3f (quartiles %.3f .. %.3f)%n",
        rounds,
        sliceMs,
        median(a),
        median(b),
        median(ratio),
        quantile(ratio, 0.25),
        quantile(ratio, 0.75));
    log.close();
    try (var all = Files.walk(dir)) {
      for (var p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static double run(Bank bank, Golden golden, SplittableRandom rnd, long sliceMs) {
    int n = bank.accounts.length;
    long end = System.nanoTime() + sliceMs * 1_000_000;
    long ops = 0;
    long t0 = System.nanoTime();
    while ((ops & 63) != 0 || System.nanoTime() < end) {
      golden.tick(bank.store);
      int from = rnd.nextInt(n);
      int to = (from + 1 + rnd.nextInt(n - 1)) % n;
      bank.prepareTransfer(from, to, 1 + rnd.nextInt(100)).commit();
      ops++;
    }
    return ops * 1e9 / (System.nanoTime() - t0);
  }

  private static double median(double[] v) {
    return quantile(v, 0.5);
  }

  private static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
  }
}
