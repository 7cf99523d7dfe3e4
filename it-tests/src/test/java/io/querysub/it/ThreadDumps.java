package io.querysub.it;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps of this JVM and of the Payara Micro nodes on this machine, printed when a test sees
 * a hang (a handshake or an answer that never comes), so its cause is on record in the test log.
 */
final class ThreadDumps {
  private ThreadDumps() {}

  /**
   * Prints {@code why}, then this JVM's threads, then {@code jstack} of every Payara Micro node.
   */
  static void print(String why) {
    StringBuilder out = new StringBuilder("=== thread dumps: ").append(why).append('\n');
    out.append("--- test JVM\n");
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      out.append(t);
    }
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("payara-micro"))
        .forEach(p -> out.append("--- node pid ").append(p.pid()).append('\n').append(jstack(p)));
    System.out.println(out);
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
