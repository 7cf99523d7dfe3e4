package io.querysub.it.bench;

import io.querysub.websocket.client.CallResult;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.Tx;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The server function benchmark (docs/benchmarks.md, "Server functions"): one Payara Micro node
 * with the WAR plus a trivial function ({@code bench.noop}), driven over WebSocket with the Java
 * client. Phases: trivial calls on one connection (round trip), trivial calls with many connections
 * one in flight each (calls/s, beside the bare echo endpoint in the same run), and {@code
 * bank.transfer} without contention and with 80% of calls on 10 hot accounts (committed calls/s,
 * reruns per call from the node's function counters). Options as system properties: {@code
 * bench.only=call1,call50,echo,transfer}, {@code bench.warmup}, {@code bench.measure}, {@code
 * bench.connections}, {@code bench.seed}.
 */
public final class FnBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final PayaraNode node;
  private final double warmup = Double.parseDouble(System.getProperty("bench.warmup", "5"));
  private final double measure = Double.parseDouble(System.getProperty("bench.measure", "10"));
  private final int connections = Integer.getInteger("bench.connections", 50);
  private final HttpClient http = HttpClient.newHttpClient();

  private FnBench(PayaraNode node) {
    this.node = node;
  }

  public static void main(String[] args) throws Exception {
    File dir = new File(System.getProperty("bench.dir"));
    dir.mkdirs();
    File war = new File(dir, "querysub-fnbench.war");
    ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("bench.war")))
        .addClass(BenchFunctions.class)
        .as(ZipExporter.class)
        .exportTo(war, true);
    Set<String> only = Set.of(System.getProperty("bench.only", "").split(","));
    List<String> nodeOptions = new ArrayList<>();
    nodeOptions.add("-Xmx" + System.getProperty("bench.nodeXmx", "2g"));
    if (Boolean.getBoolean("bench.jfr")) {
      nodeOptions.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + new File(dir, "payara.jfr").getAbsolutePath());
    }
    try (PayaraNode node =
        PayaraNode.start(
            new File(System.getProperty("bench.payaraJar")),
            war,
            dir,
            PayaraNode.freePort(),
            nodeOptions,
            300)) {
      System.out.println("node ready on 127.0.0.1:" + node.port + " (log: " + node.log + ")");
      new FnBench(node).run(only);
    }
  }

  private void run(Set<String> only) throws Exception {
    boolean all = only.equals(Set.of(""));
    waitForSync();
    System.out.printf(
        "settings: warm-up %.0f s, measured %.0f s per run; %d connections one in flight%n",
        warmup, measure, connections);
    if (all || only.contains("call1")) {
      calls("(1) trivial call, 1 connection, sequential", 1);
    }
    Load.Result c50 = null;
    if (all || only.contains("call50")) {
      c50 = calls("(2) trivial call, " + connections + " connections, one in flight", connections);
    }
    if (all || only.contains("echo")) {
      Load.Result e = echoes("(2) echo, " + connections + " connections, one in flight");
      if (c50 != null) {
        System.out.printf(
            "    trivial calls/s = %.1f%% of echo; budget >= 10,000 calls/s%n",
            100 * c50.perSecond() / e.perSecond());
      }
    }
    if (all || only.contains("transfer")) {
      long seed = Long.getLong("bench.seed", new Random().nextLong());
      System.out.println("transfer seed " + seed + " (-Dbench.seed=N to repeat)");
      Load.Result free = transfers("(3) bank.transfer, no contention", 0.0, seed);
      Load.Result hot = transfers("(4) bank.transfer, 80% on 10 hot accounts", 0.8, seed);
      System.out.printf(
          "    contended / uncontended = %.2f (budget >= 0.33)%n",
          hot.perSecond() / free.perSecond());
    }
  }

  private Load.Result calls(String name, int conns) throws Exception {
    List<SyncClient> clients = connect(conns, "fn-");
    try {
      String run = Long.toString(System.nanoTime(), 36);
      Load.Result r =
          Load.run(
              conns,
              1,
              warmup,
              measure,
              (c, seq) ->
                  clients
                      .get(c)
                      .call("bench.noop", run + "-" + c + "-" + seq, null)
                      .thenApply(CallResult::ok));
      System.out.println(name + ": " + r.line());
      return r;
    } finally {
      clients.forEach(SyncClient::close);
    }
  }

  /**
   * Transfers of 1 between two accounts: with probability {@code hot} both among 10 shared hot
   * accounts, otherwise the two private accounts of the connection (no contention).
   */
  private Load.Result transfers(String name, double hot, long seed) throws Exception {
    List<SyncClient> clients = connect(connections, "bank-");
    try {
      String run = Long.toString(System.nanoTime(), 36);
      Tx fund = Tx.create();
      for (int i = 0; i < 10; i++) {
        fund.set("/bank/accounts/" + run + "hot" + i, 1_000_000_000L);
      }
      for (int c = 0; c < connections; c++) {
        fund.set("/bank/accounts/" + run + "c" + c + "a", 1_000_000_000L);
        fund.set("/bank/accounts/" + run + "c" + c + "b", 1_000_000_000L);
      }
      WsBench.await(clients.get(0).commit(fund));
      List<Random> rnd = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        rnd.add(new Random(seed + c));
      }
      JsonObject before = stats();
      Load.Result r =
          Load.run(
              connections,
              1,
              warmup,
              measure,
              (c, seq) -> {
                Random g = rnd.get(c);
                String from;
                String to;
                if (g.nextDouble() < hot) {
                  int a = g.nextInt(10);
                  int b = (a + 1 + g.nextInt(9)) % 10;
                  from = run + "hot" + a;
                  to = run + "hot" + b;
                } else {
                  boolean ab = (seq & 1) == 0;
                  from = run + "c" + c + (ab ? "a" : "b");
                  to = run + "c" + c + (ab ? "b" : "a");
                }
                JsonObject args =
                    Json.createObjectBuilder()
                        .add("from", from)
                        .add("to", to)
                        .add("amount", 1)
                        .build();
                return clients
                    .get(c)
                    .call("bank.transfer", run + "-" + c + "-" + seq, args)
                    .thenApply(CallResult::ok);
              });
      JsonObject after = stats();
      double calls = total(after, "finished") - total(before, "finished");
      double reruns = reruns(after) - reruns(before);
      System.out.printf(
          "%s: %s; reruns per call %.3f%n", name, r.line(), calls == 0 ? 0 : reruns / calls);
      return r;
    } finally {
      clients.forEach(SyncClient::close);
    }
  }

  private JsonObject stats() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port + "/api/v1/functions/stats"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Json.createReader(new StringReader(r.body()))
        .readObject()
        .getJsonObject("bank.transfer");
  }

  private static double total(JsonObject s, String field) {
    return s.getJsonNumber(field).doubleValue();
  }

  private static double reruns(JsonObject s) {
    return total(s, "rerunsPerCall") * total(s, "finished");
  }

  private Load.Result echoes(String name) throws Exception {
    List<EchoClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        clients.add(EchoClient.connect(node.ws("/echo/echo")));
      }
      Load.Result r =
          Load.run(
              connections,
              1,
              warmup,
              measure,
              (c, seq) -> clients.get(c).send("/load/c" + c + "/k0", seq));
      System.out.println(name + ": " + r.line());
      return r;
    } finally {
      for (EchoClient c : clients) {
        c.close();
      }
    }
  }

  private List<SyncClient> connect(int n, String prefix) {
    List<SyncClient> clients = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      clients.add(SyncClient.connect(node.ws("/sync"), prefix + i, TIMEOUT));
    }
    return clients;
  }

  private void waitForSync() throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try (SyncClient probe = SyncClient.connect(node.ws("/sync"), "probe", TIMEOUT)) {
        CompletableFuture<CallResult> r =
            probe.call("bench.noop", "probe-" + System.nanoTime(), null);
        if (!r.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).ok()) {
          throw new IllegalStateException("bench.noop failed: " + r.get());
        }
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }
}
