package io.querysub.it;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps of this JVM and of the Payara Micro nodes on this machine, printed when a test sees
 * a hang (a handshake or an answer that never comes), so its cause is on record in the test log.
 */
final class ThreadDumps {
  private ThreadDumps() {}

  /**
   * Prints {@code why}, then this JVM's threads, then {@code jstack} of every Payara Micro node, to
   * standard output and to {@code target/thread-dumps-<millis>.txt} (Failsafe runs in the module
   * folder).
   *
   * @return one line naming the nodes' request, WebSocket and Querysub threads that were not
   *     running, with the frame each waited in, for a failure message (a test log may keep only
   *     that)
   */
  static String print(String why) {
    StringBuilder out = new StringBuilder("=== thread dumps: ").append(why).append('\n');
    out.append("--- test JVM\n");
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      out.append(t);
    }
    StringBuilder digest = new StringBuilder();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("payara-micro"))
        .forEach(
            p -> {
              String dump = jstack(p);
              out.append("--- node pid ").append(p.pid()).append('\n').append(dump);
              digest.append("node ").append(p.pid()).append(": ").append(waiting(dump));
            });
    System.out.println(out);
    try {
      Path dir = Files.isDirectory(Path.of("target")) ? Path.of("target") : Path.of(".");
      Files.writeString(
          dir.resolve("thread-dumps-" + System.currentTimeMillis() + ".txt"), out.toString());
    } catch (IOException e) {
      System.out.println("thread dumps not written: " + e);
    }
    return digest.toString();
  }

  /**
   * The threads of a {@code jstack} dump whose names say they serve requests or WebSockets or are
   * ours, that were not running: "name STATE at frame", by "; ".
   */
  static String waiting(String dump) {
    StringBuilder line = new StringBuilder();
    for (String block : dump.split("\n\n")) {
      String[] lines = block.strip().split("\n");
      if (lines.length < 3 || !lines[0].startsWith("\"")) {
        continue;
      }
      String name = lines[0].substring(1, Math.max(1, lines[0].indexOf('"', 1)));
      boolean watched =
          name.startsWith("http-thread-pool")
              || name.contains("Grizzly")
              || name.contains("tyrus")
              || name.startsWith("querysub")
              || name.startsWith("concurrent/");
      String state = lines[1].strip().replace("java.lang.Thread.State: ", "");
      if (watched && !state.startsWith("RUNNABLE")) {
        line.append(name).append(' ').append(state).append(" at ");
        line.append(lines[2].strip().replaceFirst("^at ", "")).append("; ");
      }
    }
    return line.length() == 0 ? "no request thread waiting; " : line.toString();
  }

  private static String jstack(ProcessHandle p) {
    String java = ProcessHandle.current().info().command().orElse("java");
    String jstack = java.replaceFirst("java$", "jstack");
    try {
      Process proc =
          new ProcessBuilder(jstack, Long.toString(p.pid())).redirectErrorStream(true).start();
      byte[] text = proc.getInputStream().readAllBytes();
      proc.waitFor(30, TimeUnit.SECONDS);
      return new String(text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "jstack failed: " + e + "\n";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted\n";
    }
  }
}
