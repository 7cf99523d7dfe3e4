package io.querysub.it.crash;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Payara Micro JVM running the node's WAR at {@code /} on a loopback port, started directly (no
 * wrapper script: the process is the JVM, so killing it kills the node). Its output goes to a log
 * file of its own.
 */
public final class MicroProcess {
  private static final Pattern RECOVERY =
      Pattern.compile("Querysub recovery: (\\d+) commits .* recovery took (\\d+) ms");
  private static final Pattern ARCHIVE =
      Pattern.compile(
          "Querysub recovery: (\\d+) writes from \\d+ archive segments .* in (\\d+) ms");

  /**
   * Settings that make every cycle archive and cut its log: writes go golden after a second, the
   * archiver runs five times a second, and log segments rotate at 64 KiB.
   */
  static final List<String> ARCHIVING =
      List.of(
          "-Dquerysub.maxChangeAge=1s",
          "-Dquerysub.archive.interval=200ms",
          "-Dquerysub.walSegmentSize=64KiB");

  public final Process process;
  public final int port;
  public final Path log;
  final long startedNanos = System.nanoTime();

  /** True when started with a crash failpoint armed. */
  boolean failpoint;

  private final Path root;

  private MicroProcess(Process process, int port, Path log, Path root) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.root = root;
  }

  /** Deletes the runtime directory Payara Micro unpacked (once the process is gone). */
  public void deleteRoot() throws IOException {
    deleteTree(root);
  }

  public static MicroProcess start(
      Path microJar, Path war, Path dataDir, Path workDir, String name, List<String> extraOptions)
      throws IOException {
    int port = freePort();
    Path root = workDir.resolve(name + "-root");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; speed does not matter here
    cmd.add("-Dquerysub.dataDir=" + dataDir);
    // Not about permissions: anonymous callers, and rules that let them do everything.
    cmd.add("-Dquerysub.auth.anonymous=true");
    cmd.add("-Dquerysub.rules=" + OpenRules.file(workDir));
    cmd.addAll(ARCHIVING);
    cmd.addAll(extraOptions);
    cmd.addAll(
        List.of(
            "-jar",
            microJar.toString(),
            "--deploy",
            war.toString(),
            "--contextroot",
            "/",
            "--port",
            Integer.toString(port),
            "--nocluster",
            "--disablephonehome",
            "--rootdir",
            root.toString()));
    Path log = workDir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new MicroProcess(p, port, log, root);
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** What the last readiness poll saw (for the failure message). */
  String lastReadiness = "not polled";

  /**
   * Polls readiness until UP with the node's own check, the process exits, or time runs out. Uses a
   * plain connection per poll, so no client state outlives a killed node.
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        HttpURLConnection c = (HttpURLConnection) uri("/health/ready").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        try {
          int status = c.getResponseCode();
          String body =
              new String(
                  (status == 200 ? c.getInputStream() : c.getErrorStream()).readAllBytes(),
                  java.nio.charset.StandardCharsets.UTF_8);
          lastReadiness = status + " " + body;
          if (status == 200 && body.contains("querysub-engine")) {
            return true;
          }
        } finally {
          c.disconnect();
        }
      } catch (IOException | NullPointerException e) {
        lastReadiness = e.toString(); // not listening yet
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * Kills the JVM with SIGKILL ({@code Process.destroyForcibly} on Unix) and returns its exit
   * status: 137 (128 + 9) proves it died of SIGKILL, not of a shutdown that could flush anything.
   */
  public int kill9() throws InterruptedException, IOException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the node did not die within 30 s of SIGKILL");
    }
    deleteRoot();
    return process.exitValue();
  }

  /** Stops the node with SIGTERM (a clean shutdown), forcibly after 60 s. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The recovery time the node logged, or -1 when it logged none (killed before). */
  long recoveryMillis() throws IOException {
    if (!Files.exists(log)) {
      return -1;
    }
    // The log line's time covers the whole recovery, archive included.
    Matcher m = RECOVERY.matcher(Files.readString(log));
    return m.find() ? Long.parseLong(m.group(2)) : -1;
  }

  /** The number of writes the node logged as loaded from its archive, or -1. */
  public long archivedWrites() throws IOException {
    Matcher m = ARCHIVE.matcher(Files.readString(log));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The number of commits the node logged as replayed, or -1. */
  long recoveredCommits() throws IOException {
    Matcher m = RECOVERY.matcher(Files.readString(log));
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  public static File file(String property) {
    String v = System.getProperty(property);
    if (v == null || !new File(v).isFile()) {
      throw new IllegalStateException(property + " must name a file (set by failsafe), got " + v);
    }
    return new File(v);
  }
}
