package io.querysub.it.crash;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The crash test's checker flags every kind of loss (so the crash test can fail). */
class LedgerTest {
  private static long[] v(long millis) {
    return new long[] {millis, 0};
  }

  @Test
  void theAcknowledgedStateOrALaterUnknownAttemptPasses() {
    Ledger l = new Ledger();
    l.attempt(1);
    l.ack(1, v(10));
    assertThat(l.check(1, v(10))).isNull();
    l.attempt(2); // in flight when the node died
    assertThat(l.check(2, v(12))).isNull();
    l.attempt(3);
    assertThat(l.check(2, v(12))).isNull(); // the unknown attempt was lost: allowed
  }

  @Test
  void anOlderStateThanTheAcknowledgedOneIsALoss() {
    Ledger l = new Ledger();
    l.attempt(1);
    l.ack(1, v(10));
    l.attempt(2);
    l.ack(2, v(11));
    assertThat(l.check(1, v(10))).contains("lost acknowledged seq 2");
    Ledger gone = new Ledger();
    gone.attempt(1);
    gone.ack(1, v(10));
    assertThat(gone.check(Ledger.DELETE, v(0))).contains("path absent");
    Ledger moved = new Ledger();
    moved.attempt(1);
    moved.ack(1, v(10));
    assertThat(moved.check(1, v(9))).contains("acknowledged at 10.0");
  }

  @Test
  void deletesMayReadAsNeverWrittenOnceGoldenButNotAsAnOlderDelete() {
    Ledger l = new Ledger();
    l.attempt(Ledger.DELETE);
    l.ack(Ledger.DELETE, v(20));
    assertThat(l.check(Ledger.DELETE, v(0))).isNull();
    Ledger m = new Ledger();
    m.attempt(Ledger.DELETE);
    m.ack(Ledger.DELETE, v(20));
    assertThat(m.check(Ledger.DELETE, v(19))).contains("older than");
    Ledger never = new Ledger();
    assertThat(never.check(7, v(5))).contains("never written");
  }
}
