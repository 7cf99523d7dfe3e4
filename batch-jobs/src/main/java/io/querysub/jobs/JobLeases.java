package io.querysub.jobs;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Named leases that keep one job at a time on a partition or a backup location, across every member
 * of the data grid: an entry of the grid map {@code querysub-job-leases} with a time to live,
 * renewed at a third of it while held, so a member that dies frees its leases within the time to
 * live. A node without the grid (Payara Micro with {@code --nocluster}) keeps them in memory.
 */
@ApplicationScoped
public class JobLeases {
  private static final Logger LOG = Logger.getLogger(JobLeases.class.getName());
  static final String MAP = "querysub-job-leases";

  @Resource ManagedScheduledExecutorService managedScheduler;

  private ScheduledExecutorService scheduler;
  private IMap<String, String> grid;
  private final Map<String, Long> local = new ConcurrentHashMap<>();
  private final Map<String, String> localOwners = new ConcurrentHashMap<>();

  /** For the container. */
  public JobLeases() {}

  /**
   * Leases in {@code grid} (or in memory when null), renewed on {@code scheduler} (tests, tools).
   */
  JobLeases(IMap<String, String> grid, ScheduledExecutorService scheduler) {
    this.grid = grid;
    this.scheduler = scheduler;
  }

  @PostConstruct
  void connect() {
    scheduler = managedScheduler;
    try {
      Object hz = new InitialContext().lookup("payara/Hazelcast");
      if (hz instanceof HazelcastInstance h && h.getLifecycleService().isRunning()) {
        grid = h.getMap(MAP);
        LOG.info("job leases: in the data grid (" + MAP + ")");
        return;
      }
    } catch (NamingException | RuntimeException | LinkageError e) {
      LOG.log(Level.FINE, "no data grid for job leases", e);
    }
    LOG.info("job leases: in this node's memory (no data grid)");
  }

  /** True when leases are shared by the members of a data grid. */
  public boolean shared() {
    return grid != null;
  }

  /** A lease held; closing it releases it. */
  public final class Lease implements AutoCloseable {
    private final String name;
    private final String owner;
    private final ScheduledFuture<?> renewal;

    private Lease(String name, String owner, Duration ttl) {
      this.name = name;
      this.owner = owner;
      long every = Math.max(100, ttl.toMillis() / 3);
      this.renewal =
          scheduler.scheduleAtFixedRate(
              () -> renew(name, owner, ttl), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      renewal.cancel(false);
      release(name, owner);
    }
  }

  /**
   * Takes the lease {@code name} for {@code owner}, waiting up to {@code wait} while another owner
   * holds it.
   *
   * @throws QuerysubException {@code CONFLICT} naming the holder when it is not free in time
   */
  public Lease acquire(String name, String owner, Duration ttl, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      String holder = tryTake(name, owner, ttl);
      if (holder == null) {
        return new Lease(name, owner, ttl);
      }
      if (System.nanoTime() >= deadline) {
        throw new QuerysubException(
            ErrorCode.CONFLICT, name + " is held by " + holder + " (another job); try again later");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QuerysubException(ErrorCode.UNAVAILABLE, "interrupted waiting for " + name);
      }
    }
  }

  /** Null when taken; otherwise the current holder. */
  private String tryTake(String name, String owner, Duration ttl) {
    if (grid != null) {
      String had = grid.putIfAbsent(name, owner, ttl.toMillis(), TimeUnit.MILLISECONDS);
      return had == null || had.equals(owner) ? null : had;
    }
    synchronized (local) {
      Long until = local.get(name);
      String holder = localOwners.get(name);
      if (until == null || until < System.currentTimeMillis() || owner.equals(holder)) {
        local.put(name, System.currentTimeMillis() + ttl.toMillis());
        localOwners.put(name, owner);
        return null;
      }
      return holder;
    }
  }

  private void renew(String name, String owner, Duration ttl) {
    try {
      if (grid != null) {
        if (owner.equals(grid.get(name))) {
          grid.set(name, owner, ttl.toMillis(), TimeUnit.MILLISECONDS);
        }
        return;
      }
      synchronized (local) {
        if (owner.equals(localOwners.get(name))) {
          local.put(name, System.currentTimeMillis() + ttl.toMillis());
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot renew the job lease " + name, e);
    }
  }

  private void release(String name, String owner) {
    try {
      if (grid != null) {
        grid.remove(name, owner);
        return;
      }
      synchronized (local) {
        if (owner.equals(localOwners.get(name))) {
          local.remove(name);
          localOwners.remove(name);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot release the job lease " + name + "; it expires on its own", e);
    }
  }
}
