package io.querysub.it.bench;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * One Payara Micro process on 127.0.0.1 holding the node's WAR at {@code /} and {@code echo.war} at
 * {@code /echo}. Started and stopped by the harness; its output goes to {@code payara.log} in the
 * work directory.
 */
final class PayaraNode implements AutoCloseable {
  private final Process process;
  final int port;
  final File log;

  private PayaraNode(Process process, int port, File log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts the node and waits (at most {@code startupSeconds}) until {@code /health/ready} is UP
   * with the node's own check in it.
   *
   * @param jvmOptions options for the Payara JVM (heap, JFR, querysub settings)
   */
  static PayaraNode start(
      File microJar, File war, File workDir, int port, List<String> jvmOptions, int startupSeconds)
      throws IOException, InterruptedException {
    workDir.mkdirs();
    File echo = new File(workDir, "echo.war");
    ShrinkWrap.create(WebArchive.class, "echo.war")
        .addClasses(EchoEndpoint.class, ProtocolEchoEndpoint.class)
        .addClass(io.querysub.websocket.internal.ContainerIdleTimer.class)
        .as(ZipExporter.class)
        .exportTo(echo, true);
    List<String> cmd = new ArrayList<>();
    cmd.add(new File(System.getProperty("java.home"), "bin/java").getPath());
    // Anonymous callers and rules that let them do everything, unless the options say otherwise
    // (a later -D wins).
    cmd.add("-Dquerysub.auth.anonymous=true");
    cmd.add(
        "-Dquerysub.rules="
            + io.querysub.it.crash.OpenRules.file(workDir.toPath().toAbsolutePath()));
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-Dquerysub.dataDir=" + new File(workDir, "node-data"),
            "-jar",
            microJar.getPath(),
            "--deploy",
            war.getPath(),
            "--contextroot",
            "/",
            "--deploy",
            echo.getPath(),
            "--port",
            Integer.toString(port),
            "--nocluster",
            "--rootdir",
            new File(workDir, "payara-root").getPath()));
    File log = new File(workDir, "payara.log");
    System.out.println("starting: " + String.join(" ", cmd));
    Process p =
        new ProcessBuilder(cmd)
            .directory(workDir)
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    PayaraNode node = new PayaraNode(p, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(startupSeconds);
    while (!node.ready()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        node.close();
        throw new IllegalStateException(
            "Payara Micro did not become ready within " + startupSeconds + " s; see " + log);
      }
      Thread.sleep(250);
    }
    return node;
  }

  /** A free port on the loopback interface. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** CPU time the node's process has used so far, in nanoseconds (0 if the OS does not say). */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
  }

  URI ws(String path) {
    return URI.create("ws://127.0.0.1:" + port + path);
  }

  private boolean ready() {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              new URL("http://127.0.0.1:" + port + "/health/ready").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        // Payara answers UP before the WAR's own check is deployed: wait for that check.
        return c.getResponseCode() == 200
            && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .contains("querysub-engine");
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the node (SIGTERM, so a flight recording is dumped), forcibly after 60 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
