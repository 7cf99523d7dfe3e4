package io.querysub.it.bench;

import static io.querysub.it.bench.WsBench.await;

import io.querysub.it.crash.OpenRules;
import io.querysub.websocket.client.Batch;
import io.querysub.websocket.client.Change;
import io.querysub.websocket.client.CommitResult;
import io.querysub.websocket.client.Snapshot;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.Tx;
import io.querysub.websocket.client.WatchListener;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What permission checks cost (issue 6's budget): the WebSocket commit and notification figures
 * with a realistic rule set ({@code bench-rules.json}: rules that read membership data, compare a
 * written field with the caller, and a dozen rules to choose from) against the same node with
 * permissions off. Every client signs in (development tokens) in both, so only the checks differ.
 * Nodes alternate, off then on, {@code bench.rounds} times (default 2), each fresh; the figures of
 * each node and the ratios are printed.
 *
 * <p>Per commit the rules read one membership (a lock of the commit), parse the written value to
 * compare its {@code author}, and match a dozen patterns; a notification is rechecked (one
 * membership read) because its rule reads data.
 */
public final class PermBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int ROOMS = 10;

  private final PayaraNode node;
  private final double warmup = Double.parseDouble(System.getProperty("bench.warmup", "20"));
  private final double measure = Double.parseDouble(System.getProperty("bench.measure", "10"));
  private final int connections = Integer.getInteger("bench.connections", 50);
  private final int iterations = Integer.getInteger("bench.iterations", 3000);
  private final HttpClient http = HttpClient.newHttpClient();

  private PermBench(PayaraNode node) {
    this.node = node;
  }

  public static void main(String[] args) throws Exception {
    File dir = new File(System.getProperty("bench.dir"));
    Path rules = dir.toPath().toAbsolutePath().resolve("bench-rules.json");
    Files.createDirectories(rules.getParent());
    try (InputStream in = PermBench.class.getResourceAsStream("/bench-rules.json")) {
      Files.copy(in, rules, StandardCopyOption.REPLACE_EXISTING);
    }
    int rounds = Integer.getInteger("bench.rounds", 2);
    Map<String, List<Double>> figures = new LinkedHashMap<>();
    for (int r = 1; r <= rounds; r++) {
      for (String mode : System.getProperty("bench.modes", "off,on").split(",")) {
        boolean on = mode.equals("on");
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + System.getProperty("bench.nodeXmx", "1g"));
        options.add("-Dquerysub.auth.devSignIn=true");
        options.add("-Dquerysub.auth.anonymous=false");
        options.add("-Dquerysub.permissions.enabled=" + on);
        options.add("-Dquerysub.rules=" + (on ? rules : OpenRules.file(dir.toPath())));
        for (String o : System.getProperty("bench.nodeOptions", "").trim().split("\\s+")) {
          if (!o.isEmpty()) {
            options.add(o);
          }
        }
        File work = new File(dir, "perm-" + r + (on ? "-on" : "-off"));
        try (PayaraNode node =
            PayaraNode.start(
                new File(System.getProperty("bench.payaraJar")),
                new File(System.getProperty("bench.war")),
                work,
                PayaraNode.freePort(),
                options,
                300)) {
          String label = "round " + r + ", permissions " + (on ? "on" : "off");
          System.out.println("== " + label + " (node on " + node.port + ")");
          PermBench b = new PermBench(node);
          b.setUp();
          double[] f = b.run(label);
          figures.computeIfAbsent("commit1 p50 ms " + on, k -> new ArrayList<>()).add(f[0]);
          figures.computeIfAbsent("commit50 /s " + on, k -> new ArrayList<>()).add(f[1]);
          figures.computeIfAbsent("notify p50 ms " + on, k -> new ArrayList<>()).add(f[2]);
        }
      }
    }
    if (!figures.containsKey("commit1 p50 ms false")
        || !figures.containsKey("commit1 p50 ms true")) {
      return; // one mode only (bench.modes): nothing to compare
    }
    System.out.println("== summary (on vs off, budget: at most 15% slower)");
    for (String what : List.of("commit1 p50 ms", "commit50 /s", "notify p50 ms")) {
      List<Double> off = figures.get(what + " false");
      List<Double> on = figures.get(what + " true");
      for (int i = 0; i < off.size(); i++) {
        System.out.printf(
            "    %s, round %d: off %.3f, on %.3f: on is %.1f%% slower%n",
            what, i + 1, off.get(i), on.get(i), slower(what, off.get(i), on.get(i)));
      }
      // One node differs from the next by up to a third on this machine (JIT and GC luck on 2
      // shared cores): the medians over the rounds are the comparison.
      double offMedian = median(off);
      double onMedian = median(on);
      System.out.printf(
          "    %s, median of %d rounds: off %.3f, on %.3f: on is %.1f%% slower%n",
          what, off.size(), offMedian, onMedian, slower(what, offMedian, onMedian));
    }
  }

  private static double slower(String what, double off, double on) {
    return what.endsWith("/s") ? 100 * (off / on - 1) : 100 * (on / off - 1);
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** A development token for {@code name}. */
  private String token(String name) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.port + "/api/v1/auth/dev-sign-in"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("sign-in failed: " + r.statusCode() + " " + r.body());
    }
    return JSON.createReader(new StringReader(r.body())).readObject().getString("token");
  }

  private SyncClient connect(String name) throws Exception {
    return SyncClient.connect(node.ws("/sync"), name, token(name), TIMEOUT);
  }

  private static String user(int c) {
    return "u" + c;
  }

  private static String room(int c) {
    return "r" + (c % ROOMS);
  }

  // Looked up once: Json.createObjectBuilder() searches the class path for a provider every call.
  private static final jakarta.json.spi.JsonProvider JSON =
      jakarta.json.spi.JsonProvider.provider();

  private static JsonObject message(String author, long n) {
    return JSON.createObjectBuilder().add("author", author).add("n", n).build();
  }

  /** The owner opens the rooms and makes every user a member of its room (as the rules ask). */
  private void setUp() throws Exception {
    try (SyncClient owner = connect("owner")) {
      for (int r = 0; r < ROOMS; r++) {
        require(
            owner.commit(Tx.create().set("/rooms/r" + r + "/owner", JSON.createValue("owner"))));
      }
      for (int c = 0; c < Math.max(connections, 12); c++) {
        require(
            owner.commit(
                Tx.create().set("/rooms/" + room(c) + "/members/" + user(c), JsonValue.TRUE)));
      }
    }
  }

  private static void require(CompletableFuture<CommitResult> f) throws Exception {
    if (!await(f).valid()) {
      throw new IllegalStateException("set-up commit rejected");
    }
  }

  /** commit1 p50 (ms), commit50 per second, notification p50 (ms). */
  private double[] run(String label) throws Exception {
    Load.Result c1 = commits(label + ": commit, 1 connection", 1);
    Load.Result c50 = commits(label + ": commit, " + connections + " connections", connections);
    double notify = notification(label);
    return new double[] {Latencies.percentile(c1.latencies(), 50) / 1e6, c50.perSecond(), notify};
  }

  private Load.Result commits(String name, int conns) throws Exception {
    List<SyncClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < conns; i++) {
        clients.add(connect(user(i)));
      }
      Load.Result r =
          Load.run(
              conns,
              1,
              warmup,
              measure,
              (c, seq) ->
                  clients
                      .get(c)
                      .commit(
                          Tx.create()
                              .set(
                                  "/rooms/" + room(c) + "/messages/" + user(c),
                                  message(user(c), seq)))
                      .thenApply(CommitResult::valid));
      System.out.println(name + ": " + r.line());
      return r;
    } finally {
      clients.forEach(SyncClient::close);
    }
  }

  /** Commit on one member's connection, the time until another member watching has it. */
  private double notification(String label) throws Exception {
    String path = "/rooms/r0/messages/" + user(0);
    try (SyncClient writer = connect(user(0));
        SyncClient watcher = connect(user(ROOMS))) { // u10: also in r0
      require(writer.commit(Tx.create().set(path, message(user(0), -1))));
      CompletableFuture<Snapshot> started = new CompletableFuture<>();
      Map<Long, CompletableFuture<Long>> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
      watcher.watch(
          path,
          new WatchListener() {
            @Override
            public void snapshot(Snapshot s) {
              started.complete(s);
            }

            @Override
            public void changes(List<Batch> batches, boolean coalesced) {
              long now = System.nanoTime();
              for (Batch b : batches) {
                for (Change ch : b.changes()) {
                  long n = ch.value().asJsonObject().getJsonNumber("n").longValue();
                  arrivals.computeIfAbsent(n, k -> new CompletableFuture<>()).complete(now);
                }
              }
            }
          });
      await(started);
      Latencies lat = new Latencies(iterations);
      int warm = 300;
      for (long i = 0; i < warm + iterations; i++) {
        CompletableFuture<Long> arrival =
            arrivals.computeIfAbsent(i, k -> new CompletableFuture<>());
        long t0 = System.nanoTime();
        CompletableFuture<CommitResult> result =
            writer.commit(Tx.create().set(path, message(user(0), i)));
        long t1 = await(arrival);
        require(result);
        arrivals.remove(i);
        if (i >= warm) {
          lat.add(t1 - t0);
        }
      }
      long[] sorted = Latencies.merged(List.of(lat));
      System.out.println(label + ": notification: " + Latencies.summary(sorted));
      return Latencies.percentile(sorted, 50) / 1e6;
    }
  }
}
