package io.querysub.engine.fail;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named points in production code where tests make the process fail or crash exactly there, instead
 * of sleeping and hoping. {@link #hit} costs one volatile read while nothing is armed.
 *
 * <p>Points in use: {@link #WAL_AFTER_APPEND} (a record is in the log's buffer, not yet written),
 * {@link #WAL_BEFORE_WRITE} (a batch is about to be written to the segment file), {@link
 * #WAL_BEFORE_SYNC} (written, not yet forced), {@link #WAL_AFTER_SYNC} (forced, waiters not yet
 * told), {@link #WAL_BEFORE_DELETE} (a segment is about to be deleted). Reserved for the archive:
 * {@link #ARCHIVE_BEFORE_UPLOAD}, {@link #ARCHIVE_BEFORE_MANIFEST}.
 *
 * <p>Tests arm points with {@link #arm}; a process can be started with them armed through the
 * system property {@code querysub.failpoints}, a comma-separated list of {@code point=action},
 * where the action is {@code crash} (halt the JVM at once, as {@code kill -9} would, exit status
 * {@value #CRASH_STATUS}), {@code fail} (throw {@link FailPointException}) or {@code delay:N}
 * (sleep N milliseconds, to slow a job down so a test can act in its middle), optionally followed
 * by {@code @N} to fire only at the N-th hit: {@code wal.beforeSync=crash@250}.
 */
public final class FailPoints {
  public static final String WAL_AFTER_APPEND = "wal.afterAppend";
  public static final String WAL_BEFORE_WRITE = "wal.beforeWrite";
  public static final String WAL_BEFORE_SYNC = "wal.beforeSync";
  public static final String WAL_AFTER_SYNC = "wal.afterSync";
  public static final String WAL_BEFORE_DELETE = "wal.beforeDelete";
  public static final String ARCHIVE_BEFORE_UPLOAD = "archive.beforeUpload";

  /** After a commit's permission conditions were checked, before the commit is applied. */
  public static final String PERM_AFTER_CHECK = "perm.afterCheck";

  public static final String ARCHIVE_BEFORE_MANIFEST = "archive.beforeManifest";

  /** Before a superseded archive object (segment, large value) is deleted. */
  public static final String ARCHIVE_BEFORE_DELETE = "archive.beforeDelete";

  /** A backup copied one object to its location. */
  public static final String BACKUP_AFTER_COPY = "backup.afterCopy";

  /** A merge of one partition wrote a new segment (not yet listed by any manifest). */
  public static final String MERGE_AFTER_SEGMENT = "merge.afterSegment";

  /** A merge wrote all its new segments; the manifest that lists them is not written yet. */
  public static final String MERGE_BEFORE_MANIFEST = "merge.beforeManifest";

  /** A merge's manifest is written; the segments it replaced are still in the store. */
  public static final String MERGE_AFTER_MANIFEST = "merge.afterManifest";

  /** The exit status of a {@code crash} action. */
  public static final int CRASH_STATUS = 137;

  /** What an armed point does when hit. Runs on the thread that hit it. */
  @FunctionalInterface
  public interface Action {
    void fire(String point);
  }

  private static final Map<String, Action> ARMED = new ConcurrentHashMap<>();
  private static volatile boolean any;

  static {
    String spec = System.getProperty("querysub.failpoints");
    if (spec != null && !spec.isBlank()) {
      armAll(spec);
    }
  }

  private FailPoints() {}

  /** Runs the action armed at {@code point}, if any. */
  public static void hit(String point) {
    if (any) {
      Action a = ARMED.get(point);
      if (a != null) {
        a.fire(point);
      }
    }
  }

  public static void arm(String point, Action action) {
    ARMED.put(point, action);
    any = true;
  }

  public static void disarm(String point) {
    ARMED.remove(point);
    any = !ARMED.isEmpty();
  }

  public static void disarmAll() {
    ARMED.clear();
    any = false;
  }

  /** Throws {@link FailPointException}. */
  public static Action fail() {
    return point -> {
      throw new FailPointException(point);
    };
  }

  /** Halts the JVM at once: no shutdown hooks, no flushing, like {@code kill -9}. */
  public static Action crash() {
    return point -> {
      System.err.println("failpoint " + point + ": crashing the process");
      Runtime.getRuntime().halt(CRASH_STATUS);
    };
  }

  /** Sleeps {@code millis} (slows a step down so a test can act in the middle of it). */
  public static Action delay(long millis) {
    return point -> {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** {@code action} at the {@code n}-th hit only (counting from 1). */
  public static Action atHit(long n, Action action) {
    AtomicLong hits = new AtomicLong();
    return point -> {
      if (hits.incrementAndGet() == n) {
        action.fire(point);
      }
    };
  }

  /**
   * Arms every point named in {@code spec} (the format of {@code querysub.failpoints}).
   *
   * @throws IllegalArgumentException naming the part that does not parse
   */
  public static void armAll(String spec) {
    for (String part : spec.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("querysub.failpoints: expected point=action, got " + p);
      }
      String point = p.substring(0, eq).trim();
      String what = p.substring(eq + 1).trim();
      long nth = 0;
      int at = what.indexOf('@');
      if (at >= 0) {
        try {
          nth = Long.parseLong(what.substring(at + 1));
        } catch (NumberFormatException e) {
          nth = -1;
        }
        if (nth < 1) {
          throw new IllegalArgumentException(
              "querysub.failpoints: @N must be a positive count, got " + p);
        }
        what = what.substring(0, at);
      }
      Action a;
      if (what.startsWith("delay:")) {
        long ms;
        try {
          ms = Long.parseLong(what.substring("delay:".length()));
        } catch (NumberFormatException e) {
          ms = -1;
        }
        if (ms < 0) {
          throw new IllegalArgumentException(
              "querysub.failpoints: delay:N needs a number of milliseconds, got " + p);
        }
        a = delay(ms);
      } else {
        a =
            switch (what) {
              case "crash" -> crash();
              case "fail" -> fail();
              default ->
                  throw new IllegalArgumentException(
                      "querysub.failpoints: action must be crash, fail or delay:N, got " + p);
            };
      }
      arm(point, nth > 0 ? atHit(nth, a) : a);
    }
  }
}
