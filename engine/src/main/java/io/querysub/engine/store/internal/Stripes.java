package io.querysub.engine.store.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Write;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The commit locks: one per stripe of shards, always taken in ascending order, so two commits never
 * wait on each other in a cycle. Exclusive work takes every stripe, in the same order. There is no
 * store-wide lock on the commit path (a shared counter every commit touches would be a contended
 * cache line). Readers of current values take none of these.
 */
public final class Stripes {
  private final ReentrantLock[] locks;
  private final int depth;

  public Stripes(int count, int shardDepth) {
    locks = new ReentrantLock[count];
    for (int i = 0; i < count; i++) {
      locks[i] = new ReentrantLock();
    }
    depth = shardDepth;
  }

  /** The stripe of the shard that holds {@code p}: a hash of its first segments. */
  public int stripeOf(Path p) {
    return p.shardHash(depth) & (locks.length - 1);
  }

  public int[] ofPath(Path p) {
    return new int[] {stripeOf(p)};
  }

  /** The sorted, distinct stripes of every path a commit writes or locks. */
  public int[] of(List<ReadLock> readLocks, List<Write> writes) {
    int[] s = new int[readLocks.size() + writes.size()];
    int n = 0;
    for (ReadLock l : readLocks) {
      s[n++] = stripeOf(l.path());
    }
    for (Write w : writes) {
      s[n++] = stripeOf(w.path());
    }
    Arrays.sort(s, 0, n);
    int out = 0;
    for (int i = 0; i < n; i++) {
      if (out == 0 || s[out - 1] != s[i]) {
        s[out++] = s[i];
      }
    }
    return out == s.length ? s : Arrays.copyOf(s, out);
  }

  /** Takes the given stripes, or every stripe (exclusive) when {@code stripes} is null. */
  public void lock(int[] stripes) {
    if (stripes == null) {
      for (ReentrantLock l : locks) {
        l.lock();
      }
      return;
    }
    for (int s : stripes) {
      locks[s].lock();
    }
  }

  public void unlock(int[] stripes) {
    if (stripes == null) {
      for (int i = locks.length - 1; i >= 0; i--) {
        locks[i].unlock();
      }
      return;
    }
    for (int i = stripes.length - 1; i >= 0; i--) {
      locks[stripes[i]].unlock();
    }
  }
}
