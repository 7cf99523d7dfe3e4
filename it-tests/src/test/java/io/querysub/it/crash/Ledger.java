package io.querysub.it.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * What the writers know about one path: the last acknowledged state (a value's sequence number or a
 * delete, with its version) and the attempts after it whose outcome is unknown (the node died or
 * refused while they were in flight), any of which may be what a restarted node holds. Each path is
 * written by one writer thread only; {@link #check} runs while no writer runs.
 */
final class Ledger {
  static final int DELETE = -1;

  private boolean acked;
  private int ackedSeq;
  private long[] ackedVersion;
  private final List<Integer> unknown = new ArrayList<>();

  synchronized void attempt(int seq) {
    unknown.add(seq);
  }

  synchronized void ack(int seq, long[] version) {
    acked = true;
    ackedSeq = seq;
    ackedVersion = version;
    unknown.clear();
  }

  /**
   * Whether what a restarted node holds is allowed: the acknowledged state, or one of the unknown
   * attempts made after it (then above its version). A delete may read as never written once it is
   * golden (its version is then 0). On success the observed state becomes the new baseline.
   *
   * @param seq the observed value's sequence number, or {@link #DELETE} when absent
   * @param version the observed version ({@code {0, 0}} for "never written")
   * @return null when allowed, otherwise what was lost
   */
  synchronized String check(int seq, long[] version) {
    String bad = null;
    if (!acked) {
      if (seq != DELETE && !unknown.contains(seq)) {
        bad = "holds seq " + seq + " that was never written";
      }
    } else if (seq == DELETE) {
      if (ackedSeq != DELETE && !unknown.contains(DELETE)) {
        bad = "lost acknowledged seq " + ackedSeq + " at " + text(ackedVersion) + ": path absent";
      } else if (ackedSeq == DELETE && version[0] != 0 && compare(version, ackedVersion) < 0) {
        bad = "a delete older than the acknowledged one at " + text(ackedVersion);
      }
    } else if (seq == ackedSeq) {
      if (compare(version, ackedVersion) != 0) {
        bad = "seq " + seq + " at " + text(version) + ", acknowledged at " + text(ackedVersion);
      }
    } else if (!unknown.contains(seq) || compare(version, ackedVersion) <= 0) {
      bad =
          "lost acknowledged "
              + (ackedSeq == DELETE ? "delete" : "seq " + ackedSeq)
              + " at "
              + text(ackedVersion)
              + ": holds seq "
              + seq
              + " at "
              + text(version);
    }
    if (bad == null) {
      acked = true;
      ackedSeq = seq;
      ackedVersion = version;
      unknown.clear();
    }
    return bad;
  }

  /** {@code millis.counter.node} as numbers; "0" is {0, 0}. */
  static long[] parse(String v) {
    if (v.equals("0")) {
      return new long[] {0, 0};
    }
    String[] p = v.split("\\.");
    return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])};
  }

  static int compare(long[] a, long[] b) {
    int c = Long.compare(a[0], b[0]);
    return c != 0 ? c : Long.compare(a[1], b[1]);
  }

  private static String text(long[] v) {
    return v[0] + "." + v[1];
  }
}
