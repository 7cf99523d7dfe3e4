package io.querysub.websocket.internal;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes the container's per-frame idle-timer work off a session whose idle timeout is 0.
 *
 * <p>Tyrus (2.1.5 in Payara 6) restarts a session's idle timer on every frame received and every
 * frame sent, by scheduling a task on the scheduler it was given, even when the idle timeout is 0
 * (the task then does nothing). On Payara that scheduler is the default {@code
 * ManagedScheduledExecutorService}, and every task it accepts captures the caller's context with a
 * {@code ServiceLoader} search of the runtime's class path: measured as most of the node's CPU per
 * frame. The endpoints here switch the container's idle timeout off (the sync service sweeps idle
 * connections itself), so the scheduled task is dead work.
 *
 * <p>{@link #bypass} replaces the session's scheduler (the private field {@code service} of {@code
 * TyrusSession}, found by reflection) with {@link #SCHEDULER}: a task with no delay (the idle
 * timeout is 0: it would do nothing) is dropped; one with a delay (somebody set an idle timeout)
 * runs on one plain daemon thread, so an idle timeout still works. When the container is not Tyrus,
 * or its field is not there, nothing changes and the reason is logged once.
 */
public final class ContainerIdleTimer {
  private static final Logger LOG = Logger.getLogger(ContainerIdleTimer.class.getName());

  /** The scheduler given to sessions instead of the container's. */
  public static final ScheduledExecutorService SCHEDULER = new DropImmediate();

  private static volatile boolean reported;

  private ContainerIdleTimer() {}

  /**
   * Sets {@code session}'s idle timeout to 0 and gives it {@link #SCHEDULER}.
   *
   * @return whether the container's scheduler was replaced
   */
  public static boolean bypass(Session session) {
    session.setMaxIdleTimeout(0);
    Field f = field(session.getClass());
    if (f == null) {
      report(Level.INFO, "no Tyrus idle-timer field in " + session.getClass().getName(), null);
      return false;
    }
    try {
      f.set(session, SCHEDULER);
      report(Level.INFO, "container idle-timer tasks bypassed (idle timeout 0)", null);
      return true;
    } catch (IllegalAccessException | RuntimeException e) {
      report(Level.INFO, "cannot bypass the container idle timer", e);
      return false;
    }
  }

  private static Field field(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (!c.getName().equals("org.glassfish.tyrus.core.TyrusSession")) {
        continue;
      }
      try {
        Field f = c.getDeclaredField("service");
        if (f.getType() != ScheduledExecutorService.class) {
          return null;
        }
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private static void report(Level level, String message, Throwable t) {
    if (!reported) {
      reported = true;
      LOG.log(level, message, t);
    }
  }

  /** Drops tasks without delay; runs delayed ones on one plain daemon thread. */
  private static final class DropImmediate extends AbstractExecutorService
      implements ScheduledExecutorService {
    private static final ScheduledFuture<Object> DROPPED = new Dropped();

    private volatile ScheduledExecutorService delayed;

    private ScheduledExecutorService delayed() {
      ScheduledExecutorService d = delayed;
      if (d == null) {
        synchronized (this) {
          d = delayed;
          if (d == null) {
            d =
                Executors.newSingleThreadScheduledExecutor(
                    r -> {
                      Thread t = new Thread(r, "querysub-ws-idle");
                      t.setDaemon(true);
                      return t;
                    });
            delayed = d;
          }
        }
      }
      return d;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      return delay <= 0 ? DROPPED : delayed().schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      return delayed().schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
        Runnable command, long initialDelay, long period, TimeUnit unit) {
      return delayed().scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      return delayed().scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
      delayed().execute(command);
    }

    @Override
    public void shutdown() {
      // Shared by every session: never shut down by one of them.
    }

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }
  }

  /** The future of a dropped task: done, never run, cancelling it is harmless. */
  private static final class Dropped implements ScheduledFuture<Object> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(0, o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
