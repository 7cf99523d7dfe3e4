package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bank invariant over HTTP: concurrent clients move money between accounts with read-two,
 * write-two transactions (retrying on 409), while auditors read every account and commit a
 * read-only transaction locking what they read. An audit the server accepts saw one consistent
 * state, so its sum must be the total; at the end the total is conserved and no balance is
 * negative. The seed is printed; rerun with {@code -Dbank.seed=N} to repeat the choices.
 */
@ExtendWith(ArquillianExtension.class)
class BankIT {
  private static final int ACCOUNTS = 16;
  private static final int START_BALANCE = 100;
  private static final int TOTAL = ACCOUNTS * START_BALANCE;
  private static final int TRANSFER_THREADS = 4;
  private static final int TRANSFERS_PER_THREAD = 150;
  private static final int AUDIT_THREADS = 2;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  private final AtomicInteger committed = new AtomicInteger();
  private final AtomicInteger conflicts = new AtomicInteger();
  private final AtomicInteger auditsAccepted = new AtomicInteger();
  private final AtomicInteger auditsRejected = new AtomicInteger();
  private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

  private record Account(String path, long balance, String version) {}

  private static String account(int i) {
    return String.format("/bank/a%02d", i);
  }

  @Test
  void concurrentTransfersConserveTheTotalAndAcceptedAuditsSeeIt() throws Exception {
    long seed = Long.getLong("bank.seed", new Random().nextLong());
    System.out.println("BankIT seed=" + seed);
    Api api = new Api(base);
    for (int i = 0; i < ACCOUNTS; i++) {
      assertThat(api.put(account(i), Integer.toString(START_BALANCE)).status()).isEqualTo(200);
    }

    SplittableRandom root = new SplittableRandom(seed);
    ExecutorService pool = Executors.newFixedThreadPool(TRANSFER_THREADS + AUDIT_THREADS);
    AtomicBoolean transfersDone = new AtomicBoolean();
    List<Future<?>> transfers = new ArrayList<>();
    List<Future<?>> audits = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < TRANSFER_THREADS; t++) {
      SplittableRandom rnd = root.split();
      transfers.add(pool.submit(() -> transferLoop(api, rnd)));
    }
    for (int t = 0; t < AUDIT_THREADS; t++) {
      boolean viaListing = t % 2 == 1;
      audits.add(
          pool.submit(
              () -> {
                // At least a few audits, then as many as fit while transfers run.
                for (int n = 0; n < 3 || !transfersDone.get(); n++) {
                  audit(api, viaListing);
                }
              }));
    }
    for (Future<?> f : transfers) {
      f.get(240, TimeUnit.SECONDS);
    }
    transfersDone.set(true);
    for (Future<?> f : audits) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    List<Account> end = readAll(api);
    long sum = end.stream().mapToLong(Account::balance).sum();
    System.out.printf(
        "BankIT seed=%d transfers committed=%d conflicts=%d audits accepted=%d rejected=%d"
            + " final total=%d in %d ms%n",
        seed,
        committed.get(),
        conflicts.get(),
        auditsAccepted.get(),
        auditsRejected.get(),
        sum,
        millis);

    assertThat(violations).as("accepted audits that saw a wrong total").isEmpty();
    assertThat(sum).isEqualTo(TOTAL);
    assertThat(end).allSatisfy(a -> assertThat(a.balance()).as(a.path()).isNotNegative());
    assertThat(committed.get()).isEqualTo(TRANSFER_THREADS * TRANSFERS_PER_THREAD);
    assertThat(auditsAccepted.get()).isPositive();
  }

  private void transferLoop(Api api, SplittableRandom rnd) {
    for (int done = 0; done < TRANSFERS_PER_THREAD; ) {
      int from = rnd.nextInt(ACCOUNTS);
      int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
      int wanted = 1 + rnd.nextInt(30);
      // Retry the same transfer on conflict, with fresh reads, until it commits.
      while (true) {
        Account a = read(api, account(from));
        Account b = read(api, account(to));
        long amount = Math.min(wanted, a.balance());
        String body =
            "{\"reads\":["
                + lock(a)
                + ","
                + lock(b)
                + "],\"writes\":[{\"path\":\""
                + a.path()
                + "\",\"value\":"
                + (a.balance() - amount)
                + "},{\"path\":\""
                + b.path()
                + "\",\"value\":"
                + (b.balance() + amount)
                + "}]}";
        Api.Reply r = api.tx(body);
        if (r.status() == 200) {
          committed.incrementAndGet();
          done++;
          break;
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("CONFLICT");
        assertThat(r.json().getString("path")).isIn(a.path(), b.path());
        conflicts.incrementAndGet();
      }
    }
  }

  private void audit(Api api, boolean viaListing) {
    StringBuilder body = new StringBuilder("{");
    List<Account> seen;
    if (viaListing) {
      JsonObject page = api.children("/bank?values=true&limit=" + ACCOUNTS).json();
      seen = new ArrayList<>();
      for (var c : page.getJsonArray("children")) {
        JsonObject child = c.asJsonObject();
        seen.add(
            new Account(
                "/bank/" + child.getString("key"),
                child.getJsonNumber("value").longValue(),
                child.getString("version")));
      }
      body.append("\"childReads\":[{\"path\":\"/bank\",\"version\":\"")
          .append(page.getString("readVersion"))
          .append("\"}],");
    } else {
      seen = readAll(api);
    }
    body.append("\"reads\":[");
    for (int i = 0; i < seen.size(); i++) {
      body.append(i == 0 ? "" : ",").append(lock(seen.get(i)));
    }
    body.append("]}");
    Api.Reply r = api.tx(body.toString());
    if (r.status() == 200) {
      auditsAccepted.incrementAndGet();
      long sum = seen.stream().mapToLong(Account::balance).sum();
      if (sum != TOTAL || seen.size() != ACCOUNTS || seen.stream().anyMatch(a -> a.balance() < 0)) {
        violations.add("audit at " + r.version() + " saw " + seen + " (sum " + sum + ")");
      }
    } else {
      assertThat(r.status()).as(r.toString()).isEqualTo(409);
      auditsRejected.incrementAndGet();
    }
  }

  private static List<Account> readAll(Api api) {
    List<Account> all = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      all.add(read(api, account(i)));
    }
    return all;
  }

  private static Account read(Api api, String path) {
    Api.Reply r = api.get(path);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonObject o = r.json();
    return new Account(path, o.getJsonNumber("value").longValue(), o.getString("version"));
  }

  private static String lock(Account a) {
    return "{\"path\":\"" + a.path() + "\",\"version\":\"" + a.version() + "\"}";
  }
}
