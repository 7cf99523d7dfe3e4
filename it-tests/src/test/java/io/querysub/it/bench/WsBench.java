package io.querysub.it.bench;

import io.querysub.websocket.client.CommitResult;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.Tx;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The WebSocket benchmark (issue 3, "Benchmark (not in CI)"): starts one Payara Micro node with the
 * node's WAR and a bare echo WAR on 127.0.0.1, measures commits, echoes, notifications and fan-out
 * with the Java client, prints figures and stops the node. Settings are system properties:
 *
 * <ul>
 *   <li>{@code bench.payaraJar}, {@code bench.war}, {@code bench.dir}: set by the {@code bench}
 *       profile of {@code it-tests};
 *   <li>{@code bench.port} (default: a free port), {@code bench.warmup} and {@code bench.measure}
 *       (seconds per throughput run: 20 and 10; a fresh node's JIT compiler still takes about a
 *       quarter of its CPU after 5 s), {@code bench.connections} (50), {@code
 *       bench.pipeConnections} (8) and {@code bench.window} (32 in flight per connection), {@code
 *       bench.fanout} (1000 watchers), {@code bench.fanoutRounds} (20 measured rounds after {@code
 *       bench.fanoutWarmup} = 50 unmeasured; {@code bench.fanoutEach}: print each round), {@code
 *       bench.iterations} (3000 notification and cached-read rounds), {@code bench.only}
 *       (comma-separated phases: commit1, commit50, echo, pipe, notify, cached, fanout), {@code
 *       bench.pairs} (0: after the phases, that many more runs of the 50-connection commits, the
 *       raw echo and the same-client echo, alternately, each pair's ratios printed);
 *   <li>{@code bench.nodeXmx} (1g), {@code bench.nodeOptions} (more options for the node's JVM,
 *       separated by spaces, e.g. {@code -Dbench.echoIdleTimer=managed}), {@code bench.jfr} (true:
 *       record the node with JFR, profile settings, into {@code payara.jfr} in the work directory).
 * </ul>
 */
public final class WsBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final PayaraNode node;
  private final double warmup = Double.parseDouble(System.getProperty("bench.warmup", "20"));
  private final double measure = Double.parseDouble(System.getProperty("bench.measure", "10"));
  private final int connections = Integer.getInteger("bench.connections", 50);
  private final int pipeConnections = Integer.getInteger("bench.pipeConnections", 8);
  private final int window = Integer.getInteger("bench.window", 32);

  private WsBench(PayaraNode node) {
    this.node = node;
  }

  public static void main(String[] args) throws Exception {
    File dir = new File(required("bench.dir"));
    List<String> nodeOptions = new ArrayList<>();
    nodeOptions.add("-Xmx" + System.getProperty("bench.nodeXmx", "1g"));
    for (String o : System.getProperty("bench.nodeOptions", "").trim().split("\\s+")) {
      if (!o.isEmpty()) {
        nodeOptions.add(o);
      }
    }
    if (Boolean.getBoolean("bench.jfr")) {
      nodeOptions.add(
          "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
              + new File(dir, "payara.jfr").getAbsolutePath());
    }
    int port = Integer.getInteger("bench.port", 0);
    Set<String> only = Set.of(System.getProperty("bench.only", "").split(","));
    System.out.printf(
        "harness: %d cores seen by this JVM (shared with the node), Java %s, client container"
            + " shared=%s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        System.getProperty("org.glassfish.tyrus.client.sharedContainer"));
    try (PayaraNode node =
        PayaraNode.start(
            new File(required("bench.payaraJar")),
            new File(required("bench.war")),
            dir,
            port == 0 ? PayaraNode.freePort() : port,
            nodeOptions,
            300)) {
      System.out.println("node ready on 127.0.0.1:" + node.port + " (log: " + node.log + ")");
      new WsBench(node).run(only);
    }
  }

  private void run(Set<String> only) throws Exception {
    // The endpoints register a little after the health check is UP: wait until both answer.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try (SyncClient probe = SyncClient.connect(node.ws("/sync"), "probe", TIMEOUT)) {
        break;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
    connectEcho().close();
    boolean all = only.equals(Set.of(""));
    System.out.printf(
        "settings: warm-up %.0f s, measured %.0f s per run; %d connections one-in-flight;"
            + " pipelined %d connections x %d in flight%n",
        warmup, measure, connections, pipeConnections, window);
    Load.Result c1 = null;
    if (all || only.contains("commit1")) {
      c1 = commits("(1) commit, 1 connection, sequential", 1, 1, 1);
    }
    Load.Result c50 = null;
    if (all || only.contains("commit50")) {
      c50 =
          commits("(1) commit, " + connections + " connections, one in flight", connections, 1, 1);
    }
    if (only.contains("commit50plain")) { // not in a full run: the client without batching
      commits(
          "(1) commit, " + connections + " connections, one in flight, client batching off",
          connections,
          1,
          1,
          false);
    }
    Load.Result e50 = null;
    Load.Result sameClientEcho = null;
    Load.Result ePipe = null;
    if (all || only.contains("echo")) {
      e50 = echoes("(2) echo, " + connections + " connections, one in flight", connections, 1);
      sameClientEcho =
          syncEcho(
              "(2) echo with the project's client (/echo/sync-echo), "
                  + connections
                  + " connections, one in flight");
      ePipe = echoes("(2) echo, pipelined", pipeConnections, window);
    }
    Load.Result cPipe = null;
    if (all || only.contains("pipe")) {
      commits("(3) commit, pipelined, one request per frame", pipeConnections, window, 1, false);
      cPipe = commits("(3) commit, pipelined, batched frames", pipeConnections, window, 1, true);
      Load.Result multi =
          commits("(3) commit of 10 writes, pipelined, batched", pipeConnections, window, 10, true);
      System.out.printf("    = %,.0f writes/s%n", multi.perSecond() * 10);
    }
    if (c50 != null && e50 != null) {
      ratios("commits/s with " + connections + " connections", c50, e50, sameClientEcho);
    }
    if (cPipe != null && ePipe != null) {
      System.out.printf(
          "    pipelined commits/s = %.1f%% of pipelined echo; budget >= 20,000/s%n",
          100 * cPipe.perSecond() / ePipe.perSecond());
    }
    // The 50-connection commits and the echo alternately, so neither is measured on a JVM the
    // other has warmed more (the node's JIT compiler is busy for minutes after a start).
    int pairs = Integer.getInteger("bench.pairs", 0);
    for (int i = 1; i <= pairs; i++) {
      Load.Result c =
          commits("(1) pair " + i + ": commit, " + connections + " connections", connections, 1, 1);
      Load.Result e =
          echoes("(2) pair " + i + ": echo, " + connections + " connections", connections, 1);
      Load.Result se =
          syncEcho(
              "(2) pair "
                  + i
                  + ": echo with the project's client, "
                  + connections
                  + " connections");
      ratios("pair " + i + ": commits/s", c, e, se);
    }
    Watchers w = new Watchers(node, Integer.getInteger("bench.iterations", 3000), TIMEOUT);
    if (all || only.contains("notify")) {
      w.notification();
    }
    if (all || only.contains("cached")) {
      w.cachedReads(c1);
    }
    if (all || only.contains("fanout")) {
      w.fanOut(
          Integer.getInteger("bench.fanout", 1000), Integer.getInteger("bench.fanoutRounds", 20));
    }
  }

  /** The 50-connection echo at {@code /echo/sync-echo}, driven by the project's client. */
  private Load.Result syncEcho(String name) throws Exception {
    return commits(name, connections, 1, 1, true, "/echo/sync-echo");
  }

  /** Prints {@code commits} as a share of the raw echo and of the same-client echo. */
  private static void ratios(
      String what, Load.Result commits, Load.Result echo, Load.Result sameClientEcho) {
    System.out.printf(
        "    %s = %.1f%% of the raw echo, %.1f%% of the echo driven by the same client (budget >="
            + " 80%%)%n",
        what,
        100 * commits.perSecond() / echo.perSecond(),
        100 * commits.perSecond() / sameClientEcho.perSecond());
  }

  private Load.Result commits(String name, int conns, int inFlight, int writes) throws Exception {
    return commits(name, conns, inFlight, writes, true);
  }

  /**
   * @param batching the client's batching; when pipelining, each sender also makes as many commits
   *     as its window has free places inside one {@code SyncClient.batch}, so they leave in one
   *     array frame (with one request in flight there is nothing to join)
   */
  private Load.Result commits(String name, int conns, int inFlight, int writes, boolean batching)
      throws Exception {
    return commits(name, conns, inFlight, writes, batching, "/sync");
  }

  private Load.Result commits(
      String name, int conns, int inFlight, int writes, boolean batching, String endpoint)
      throws Exception {
    List<SyncClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < conns; i++) {
        clients.add(SyncClient.connect(node.ws(endpoint), "bench-" + i, TIMEOUT, batching));
      }
      Cpu cpu = new Cpu();
      Load.Result r =
          Load.run(
              conns,
              inFlight,
              warmup,
              measure,
              (c, seq) -> {
                Tx tx = Tx.create();
                for (int k = 0; k < writes; k++) {
                  tx.set("/load/c" + c + "/k" + k, seq);
                }
                return clients.get(c).commit(tx).thenApply(CommitResult::valid);
              },
              batching && inFlight > 1 ? (c, body) -> clients.get(c).batch(body) : null);
      System.out.println(name + ": " + r.line() + "; " + cpu.line());
      return r;
    } finally {
      clients.forEach(SyncClient::close);
    }
  }

  private Load.Result echoes(String name, int conns, int inFlight) throws Exception {
    List<EchoClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < conns; i++) {
        clients.add(connectEcho());
      }
      Cpu cpu = new Cpu();
      Load.Result r =
          Load.run(
              conns,
              inFlight,
              warmup,
              measure,
              (c, seq) -> clients.get(c).send("/load/c" + c + "/k0", seq));
      System.out.println(name + ": " + r.line() + "; " + cpu.line());
      return r;
    } finally {
      for (EchoClient c : clients) {
        c.close();
      }
    }
  }

  /** Connects to {@code /echo/echo}; the echo WAR may deploy a little after the node is ready. */
  private EchoClient connectEcho() throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        return EchoClient.connect(node.ws("/echo/echo"));
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /** CPU used by the node and by this JVM since it was made, as cores busy on average. */
  private final class Cpu {
    private final long wall = System.nanoTime();
    private final long nodeCpu = node.cpuNanos();
    private final long ownCpu = ownCpu();

    String line() {
      double w = System.nanoTime() - wall;
      return String.format(
          "cores busy: node %.2f, harness %.2f",
          (node.cpuNanos() - nodeCpu) / w, (ownCpu() - ownCpu) / w);
    }

    private static long ownCpu() {
      return ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
  }

  private static String required(String key) {
    String v = System.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException(key + " must be set (the bench profile sets it)");
    }
    return v;
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }
}
