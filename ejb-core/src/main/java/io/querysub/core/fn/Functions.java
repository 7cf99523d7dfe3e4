package io.querysub.core.fn;

import io.querysub.core.auth.Caller;
import io.querysub.core.node.NodeEngine;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.validation.Validator;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The node's server functions: registers every {@link ServerFunction} method of the deployment's
 * beans when the application starts (a bad definition stops the deployment with a message naming
 * the method), runs calls with a {@link FunctionRunner}, and exports each function's counters as
 * MicroProfile Metrics ({@code querysub_function_*}, tag {@code function}).
 *
 * <p>Functions run on a pool of {@code querysub.fn.threads} container-managed threads (from the
 * {@link ManagedThreadFactory}, so each thread carries the application's context) and their time
 * limits and reruns wait on a scheduler of one such thread.
 */
@ApplicationScoped
public class Functions {
  private static final Logger LOG = Logger.getLogger(Functions.class.getName());

  @Inject FunctionExtension extension;
  @Inject BeanManager beans;
  @Inject NodeEngine engine;
  @Inject Validator validator;
  @Inject Config config;
  @Inject io.querysub.core.perm.Permissions permissions;
  @Inject Instance<MetricRegistry> metrics;

  private ThreadPoolExecutor pool;
  private ScheduledThreadPoolExecutor timers;
  private FunctionRunner runner;

  /** Starts with the application, so a bad function definition fails the deployment. */
  void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
    runner.registry(); // touch the proxy: builds the bean now
  }

  @PostConstruct
  void start() {
    try {
      build();
    } catch (RuntimeException e) {
      // The container reports only that the bean could not start; say why.
      LOG.log(Level.SEVERE, "server functions could not be registered: " + e.getMessage(), e);
      throw e;
    }
  }

  private void build() {
    FunctionSettings settings =
        FunctionSettings.read(key -> config.getOptionalValue(key, String.class));
    List<FunctionDef> defs = new ArrayList<>();
    for (Class<?> c : extension.classes()) {
      Bean<?> bean = beans.resolve(beans.getBeans(c));
      if (bean == null) {
        throw new IllegalStateException(
            c.getName() + " has @ServerFunction methods but is not a bean (give it a scope)");
      }
      Object ref = beans.getReference(bean, c, beans.createCreationalContext(bean));
      for (Method m : c.getMethods()) {
        if (m.isAnnotationPresent(ServerFunction.class)) {
          defs.add(FunctionDef.of(ref, m, settings.timeout()));
        }
      }
    }
    FunctionRegistry registry = FunctionRegistry.of(defs);
    ThreadFactory threadFactory = threadFactory();
    pool =
        new ThreadPoolExecutor(
            settings.threads(),
            settings.threads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            threadFactory);
    pool.allowCoreThreadTimeOut(true);
    timers = new ScheduledThreadPoolExecutor(1, threadFactory);
    timers.setRemoveOnCancelPolicy(true);
    Jsonb jsonb =
        JsonbBuilder.create(
            new JsonbConfig().setProperty("jsonb.fail-on-unknown-properties", true));
    runner =
        new FunctionRunner(
            () -> engine.store(), registry, settings, pool, timers, jsonb, validator);
    runner.checking(permissions);
    if (metrics.isResolvable()) {
      export(metrics.get(), registry);
    }
    LOG.info(
        () ->
            "Querysub server functions: "
                + registry.all().stream().map(FunctionDef::name).toList()
                + ", "
                + settings);
  }

  /**
   * The container's default {@link ManagedThreadFactory}, or, where the server defines none (a
   * Payara Server domain has no default thread factory), plain daemon threads with the
   * application's class loader.
   */
  private static ThreadFactory threadFactory() {
    try {
      return (ManagedThreadFactory)
          new InitialContext().lookup("java:comp/DefaultManagedThreadFactory");
    } catch (NamingException | ClassCastException e) {
      LOG.info(
          "no default ManagedThreadFactory on this server; server functions run on plain threads"
              + " with the application's class loader");
      ClassLoader app = Thread.currentThread().getContextClassLoader();
      AtomicInteger n = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, "querysub-fn-" + n.incrementAndGet());
        t.setDaemon(true);
        t.setContextClassLoader(app);
        return t;
      };
    }
  }

  @PreDestroy
  void stop() {
    if (pool != null) {
      pool.shutdownNow();
      timers.shutdownNow();
    }
  }

  /** Calls a function and answers once its commit is durable; see {@link FunctionRunner#call}. */
  public CompletableFuture<CallOutcome> call(
      String function, String callId, JsonValue args, Caller caller) {
    return runner.call(function, callId, args, caller);
  }

  /**
   * Calls a function and answers as soon as its commit is applied, with when it is durable; see
   * {@link FunctionRunner#submit}.
   */
  public CompletableFuture<CallAnswer> submit(
      String function, String callId, JsonValue args, Caller caller) {
    return runner.submit(function, callId, args, caller);
  }

  public FunctionRegistry registry() {
    return runner.registry();
  }

  public FunctionStats stats(String function) {
    return runner.stats(function);
  }

  /** Every function as listed: name, argument type and constraints, time limit. */
  public List<FunctionDef.Info> describe() {
    List<FunctionDef.Info> out = new ArrayList<>();
    for (FunctionDef d : runner.registry().all()) {
      out.add(d.describe(validator));
    }
    return out;
  }

  private void export(MetricRegistry registry, FunctionRegistry functions) {
    for (FunctionDef d : functions.all()) {
      FunctionStats s = runner.stats(d.name());
      Tag tag = new Tag("function", d.name());
      registry.gauge("querysub_function_calls", s, x -> x.snapshot().calls(), tag);
      registry.gauge(
          "querysub_function_failures",
          s,
          x -> x.snapshot().failures().values().stream().mapToLong(Long::longValue).sum(),
          tag);
      registry.gauge("querysub_function_mean_ms", s, x -> x.snapshot().meanMillis(), tag);
      registry.gauge("querysub_function_p99_ms", s, x -> x.snapshot().p99Millis(), tag);
      registry.gauge("querysub_function_locks_per_call", s, x -> x.snapshot().locksPerCall(), tag);
      registry.gauge(
          "querysub_function_reruns_per_call", s, x -> x.snapshot().rerunsPerCall(), tag);
      registry.gauge("querysub_function_rejection_rate", s, x -> x.snapshot().rejectionRate(), tag);
    }
  }
}
