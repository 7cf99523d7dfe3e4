package io.querysub.engine.store.internal;

import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.ChangeBatch;
import io.querysub.engine.watch.ChangeListener;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes every commit's changes to the listeners in version order, with no gap. Commits on
 * different shards finish in any order, so a commit registers its version as in flight when it
 * takes it ({@link #take}) and hands its batch in when done ({@link #publish}); a batch goes out
 * once no commit with a lower version is still in flight.
 *
 * <p>Threading: taking a version and registering it happen under one small lock, so a version is
 * never in flight unseen: any version taken after a drain looked at the in-flight set is above
 * every batch it delivered. Delivery runs on whichever publishing thread wins the drain lock, one
 * at a time; a thread that loses re-checks after the winner leaves, so no batch waits for the next
 * commit.
 */
public final class ChangeFeed {
  private static final System.Logger LOG = System.getLogger(ChangeFeed.class.getName());

  private final HybridClock clock;
  private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();
  private final Object take = new Object();
  private final ConcurrentSkipListSet<Version> inFlight = new ConcurrentSkipListSet<>();
  private final ConcurrentSkipListMap<Version, ChangeBatch> ready = new ConcurrentSkipListMap<>();
  private final ReentrantLock draining = new ReentrantLock();

  public ChangeFeed(HybridClock clock) {
    this.clock = clock;
  }

  /** Listeners added while commits run miss those commits: add them before serving. */
  public void addListener(ChangeListener l) {
    listeners.add(l);
  }

  public void removeListener(ChangeListener l) {
    listeners.remove(l);
  }

  /** True when someone listens: only then do commits pay for collecting and ordering changes. */
  public boolean active() {
    return !listeners.isEmpty();
  }

  /** A new version, registered as in flight until {@link #publish} or {@link #abandon}. */
  public Version take() {
    synchronized (take) {
      Version v = clock.now();
      inFlight.add(v);
      return v;
    }
  }

  /** The commit at {@code v} published nothing (rejected, read-only, or failed). */
  public void abandon(Version v) {
    inFlight.remove(v);
    drain();
  }

  public void publish(ChangeBatch batch) {
    if (!batch.changes().isEmpty()) {
      ready.put(batch.version(), batch);
    }
    inFlight.remove(batch.version());
    drain();
  }

  private void drain() {
    while (deliverable() && draining.tryLock()) {
      try {
        while (deliverable()) {
          Map.Entry<Version, ChangeBatch> e = ready.pollFirstEntry();
          for (ChangeListener l : listeners) {
            try {
              l.onCommit(e.getValue());
            } catch (RuntimeException ex) {
              LOG.log(System.Logger.Level.ERROR, "change listener failed; it goes on", ex);
            }
          }
        }
      } finally {
        draining.unlock();
      }
    }
  }

  private boolean deliverable() {
    Map.Entry<Version, ChangeBatch> first = ready.firstEntry();
    if (first == null) {
      return false;
    }
    Version low = inFlight.isEmpty() ? null : lowestInFlight();
    return low == null || first.getKey().compareTo(low) < 0;
  }

  private Version lowestInFlight() {
    try {
      return inFlight.first();
    } catch (java.util.NoSuchElementException emptied) {
      return null;
    }
  }
}
