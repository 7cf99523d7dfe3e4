package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadDumpsTest {
  private static final String DUMP =
      """
      "http-thread-pool::http-listener(3)" #71 daemon prio=5 os_prio=0 tid=0x1 nid=0x2 waiting on condition
         java.lang.Thread.State: WAITING (parking)
      \tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)
      \t- parking to wait for  <0x1> (a java.util.concurrent.locks.ReentrantLock$NonfairSync)

      "http-thread-pool::http-listener(4)" #72 daemon prio=5 os_prio=0 tid=0x1 nid=0x3 runnable
         java.lang.Thread.State: RUNNABLE
      \tat sun.nio.ch.EPoll.wait(java.base@17/Native Method)

      "hz.member.cached.thread-1" #80 daemon prio=5 os_prio=0 tid=0x1 nid=0x4 waiting on condition
         java.lang.Thread.State: TIMED_WAITING (parking)
      \tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)
      """;

  @Test
  void waitingNamesOnlyWatchedThreadsThatAreNotRunning() {
    assertThat(ThreadDumps.waiting(DUMP))
        .isEqualTo(
            "http-thread-pool::http-listener(3) WAITING (parking) at"
                + " jdk.internal.misc.Unsafe.park(java.base@17/Native Method); ");
  }

  @Test
  void aDumpWithNothingWaitingSaysSo() {
    assertThat(ThreadDumps.waiting("\"main\" #1\n   java.lang.Thread.State: RUNNABLE\n\tat x\n"))
        .isEqualTo("no request thread waiting; ");
  }
}
