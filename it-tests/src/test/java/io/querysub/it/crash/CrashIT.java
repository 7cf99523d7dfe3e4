package io.querysub.it.crash;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 under load: four writers commit through the REST API ({@code PUT}, {@code DELETE}, {@code
 * POST /tx} of two paths) while the node's process is killed with SIGKILL at a random moment, or
 * crashes itself at a write-ahead log failpoint, or is killed during its own recovery; the node is
 * restarted on the same data directory each time, and every write that was answered 200 must be
 * there (or superseded by a later attempt of the same writer). Prints {@code cycles, acked,
 * lost_acked, recovery_ms p50/p99} and the seed; {@code -Dcrash.seed=N} repeats a run, {@code
 * -Dcrash.cycles=N} changes the number of cycles (30).
 */
class CrashIT {
  private static final int WRITERS = 4;
  private static final int PATHS_PER_WRITER = 25;
  private static final Duration READY = Duration.ofSeconds(180);

  /** Where a node may be made to halt itself. */
  private static final String[] FAILPOINTS = {
    "wal.beforeSync",
    "wal.beforeWrite",
    "wal.beforeDelete",
    "archive.beforeUpload",
    "archive.beforeManifest"
  };

  /** A client per node: nothing of a killed node's connections is carried to the next. */
  private HttpClient http;

  private final Ledger[][] ledgers = new Ledger[WRITERS][PATHS_PER_WRITER];
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong attempted = new AtomicLong();
  private final AtomicLong connectionLost = new AtomicLong();
  private final java.util.concurrent.ConcurrentHashMap<Integer, AtomicLong> refused =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Every node started, killed after the test whatever its outcome (no JVM outlives it). */
  private final List<MicroProcess> started = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void killLeftovers() throws Exception {
    for (MicroProcess p : started) {
      if (p.process.isAlive()) {
        p.kill9();
      }
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesKill9() throws Exception {
    long seed = Long.getLong("crash.seed", System.nanoTime());
    int cycles = Integer.getInteger("crash.cycles", 30);
    System.out.println("CrashIT seed=" + seed + " (-Dcrash.seed=" + seed + "), cycles=" + cycles);
    Random random = new Random(seed);
    Path micro = MicroProcess.file("payara.microJar").toPath();
    Path war = MicroProcess.file("querysub.war").toPath();
    Path work = Path.of(System.getProperty("crash.dir", "target/crash")).toAbsolutePath();
    MicroProcess.deleteTree(work);
    Path data = work.resolve("data");
    Files.createDirectories(data);
    for (int w = 0; w < WRITERS; w++) {
      for (int i = 0; i < PATHS_PER_WRITER; i++) {
        ledgers[w][i] = new Ledger();
      }
    }

    MicroProcess node = startReady(micro, war, data, work, "node-0", List.of());
    List<Long> recoveries = new ArrayList<>();
    long lost = 0;
    int sigkills = 0;
    int failpointCrashes = 0;
    int killedInRecovery = 0;
    for (int cycle = 1; cycle <= cycles; cycle++) {
      AtomicBoolean stop = new AtomicBoolean();
      long before = acked.get();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        long writerSeed = random.nextLong();
        MicroProcess target = node;
        Thread t = new Thread(() -> write(target, writer, new Random(writerSeed), stop));
        t.setName("crash-writer-" + w);
        writers.add(t);
        t.start();
      }
      long runMillis = 300 + random.nextInt(2500);
      String how;
      if (node.failpoint) {
        // Armed at start: the node halts itself at the failpoint; kill it anyway if it does not.
        node.process.waitFor(runMillis + 5000, java.util.concurrent.TimeUnit.MILLISECONDS);
        how = node.process.isAlive() ? "failpoint not reached, SIGKILL" : "failpoint crash";
        int status = node.process.isAlive() ? node.kill9() : node.process.exitValue();
        node.deleteRoot();
        assertThat(status).as("exit status").isEqualTo(137);
        failpointCrashes += how.equals("failpoint crash") ? 1 : 0;
      } else {
        Thread.sleep(runMillis);
        int status = node.kill9();
        assertThat(status).as("SIGKILL's exit status").isEqualTo(137);
        how = "SIGKILL after " + runMillis + " ms";
        sigkills++;
      }
      stop.set(true);
      for (Thread t : writers) {
        t.join();
      }

      // Sometimes kill the next node during its recovery too.
      if (random.nextInt(6) == 0) {
        MicroProcess early =
            MicroProcess.start(micro, war, data, work, "node-" + cycle + "-early", List.of());
        started.add(early);
        Thread.sleep(2000 + random.nextInt(6000));
        early.kill9();
        killedInRecovery++;
        how += ", then SIGKILL while starting";
      }
      List<String> options = new ArrayList<>();
      boolean armed = random.nextInt(5) == 0;
      if (armed) {
        String point = FAILPOINTS[random.nextInt(FAILPOINTS.length)];
        // The log's points are hit per sync, the archive's per object or round: fewer hits.
        int at =
            point.startsWith("wal.before") && !point.equals("wal.beforeDelete")
                ? 20 + random.nextInt(400)
                : 1 + random.nextInt(12);
        options.add("-Dquerysub.failpoints=" + point + "=crash@" + at);
      }
      node = startReady(micro, war, data, work, "node-" + cycle, options);
      if (node == null) {
        // The archive's points can be hit while the node starts (it archives what it replayed):
        // that is a crash during recovery too; start again, unarmed.
        how += ", then a failpoint crash while starting (" + options.get(0) + ")";
        failpointCrashes++;
        armed = false;
        options = List.of();
        node = startReady(micro, war, data, work, "node-" + cycle + "-again", options);
      }
      node.failpoint = armed;
      long rec = node.recoveryMillis();
      recoveries.add(rec);
      long lostNow = verify(node);
      lost += lostNow;
      System.out.printf(
          "cycle %d: %s; acked %d this cycle; recovered %d archived writes and %d logged commits"
              + " in %d ms; lost_acked %d%s%n",
          cycle,
          how,
          acked.get() - before,
          node.archivedWrites(),
          node.recoveredCommits(),
          rec,
          lostNow,
          armed ? "; next crash at a failpoint: " + options.get(0) : "");
    }
    node.stop();
    node.deleteRoot();

    List<Long> sorted = recoveries.stream().filter(r -> r >= 0).sorted().toList();
    System.out.printf(
        "crash: cycles=%d acked=%d attempted=%d (connection lost %d, refused %s) lost_acked=%d"
            + " recovery_ms p50=%d p99=%d (sigkill %d, failpoint %d, killed in recovery %d)"
            + " seed=%d%n",
        cycles,
        acked.get(),
        attempted.get(),
        connectionLost.get(),
        refused,
        lost,
        percentile(sorted, 50),
        percentile(sorted, 99),
        sigkills,
        failpointCrashes,
        killedInRecovery,
        seed);
    assertThat(acked.get()).as("acknowledged writes").isGreaterThan(cycles);
    assertThat(lost).as("acknowledged writes lost").isZero();
    assertThat(refused).as("answers other than 200 while the node was up").isEmpty();
  }

  private MicroProcess startReady(
      Path micro, Path war, Path data, Path work, String name, List<String> options)
      throws IOException, InterruptedException {
    MicroProcess p = MicroProcess.start(micro, war, data, work, name, options);
    started.add(p);
    if (!p.awaitReady(READY)) {
      if (!options.isEmpty() && !p.process.isAlive() && p.process.exitValue() == 137) {
        p.deleteRoot();
        return null; // halted at its armed failpoint before it was ready
      }
      p.kill9();
      throw new AssertionError(
          name
              + " did not become ready (last poll: "
              + p.lastReadiness
              + "); its log:\n"
              + tail(Files.readString(p.log), 4000));
    }
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return p;
  }

  /** One writer: its own paths, one request at a time, until stopped or the node is gone. */
  private void write(MicroProcess node, int writer, Random random, AtomicBoolean stop) {
    int seq = (int) (System.nanoTime() & 0x3fffffff); // distinct from earlier cycles' sequences
    while (!stop.get() && node.process.isAlive()) {
      seq++;
      int i = random.nextInt(PATHS_PER_WRITER);
      int op = random.nextInt(20);
      String value = "{\"w\":" + writer + ",\"s\":" + seq + "}";
      List<Integer> touched = new ArrayList<>();
      HttpRequest.Builder req;
      int stored;
      if (op < 12) {
        touched.add(i);
        stored = seq;
        req =
            HttpRequest.newBuilder(node.uri(path(writer, i)))
                .PUT(HttpRequest.BodyPublishers.ofString(value));
      } else if (op < 17) {
        int j = (i + 1 + random.nextInt(PATHS_PER_WRITER - 1)) % PATHS_PER_WRITER;
        touched.add(i);
        touched.add(j);
        stored = seq;
        String body =
            "{\"writes\":[{\"path\":\"/c"
                + writer
                + "/p"
                + i
                + "\",\"value\":"
                + value
                + "},{\"path\":\"/c"
                + writer
                + "/p"
                + j
                + "\",\"value\":"
                + value
                + "}]}";
        req =
            HttpRequest.newBuilder(node.uri("/api/v1/tx"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
      } else {
        touched.add(i);
        stored = Ledger.DELETE;
        req = HttpRequest.newBuilder(node.uri(path(writer, i))).DELETE();
      }
      for (int t : touched) {
        ledgers[writer][t].attempt(stored);
      }
      attempted.incrementAndGet();
      try {
        HttpResponse<String> r =
            http.send(
                req.timeout(Duration.ofSeconds(30))
                    .setHeader("Content-Type", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          long[] v = Ledger.parse(ArchiveChecks.json(r.body()).getString("version"));
          for (int t : touched) {
            ledgers[writer][t].ack(stored, v);
          }
          acked.incrementAndGet();
        } else {
          refused.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
        }
      } catch (IOException e) {
        connectionLost.incrementAndGet();
        // The node died with the request in flight: its outcome is unknown.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private long verify(MicroProcess node) throws IOException, InterruptedException {
    long lost = 0;
    for (int w = 0; w < WRITERS; w++) {
      for (int i = 0; i < PATHS_PER_WRITER; i++) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(node.uri(path(w, i)))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject o = ArchiveChecks.json(r.body());
        long[] version = Ledger.parse(o.getString("version"));
        int seq;
        if (r.statusCode() == 200) {
          seq = o.getJsonObject("value").getInt("s");
        } else if (r.statusCode() == 404) {
          seq = Ledger.DELETE;
        } else {
          throw new AssertionError(
              "reading " + path(w, i) + ": " + r.statusCode() + " " + r.body());
        }
        String bad = ledgers[w][i].check(seq, version);
        if (bad != null) {
          lost++;
          System.out.println("LOST at " + path(w, i) + ": " + bad);
        }
      }
    }
    return lost;
  }

  private static String path(int writer, int i) {
    return "/api/v1/data/c" + writer + "/p" + i;
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : s.substring(s.length() - n);
  }
}
