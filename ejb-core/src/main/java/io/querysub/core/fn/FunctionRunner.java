package io.querysub.core.fn;

import io.querysub.core.auth.Caller;
import io.querysub.core.perm.Permissions;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.tx.Transaction;
import io.querysub.engine.version.Version;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import jakarta.json.spi.JsonProvider;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Validator;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs server function calls. A call is first stored under {@code /.calls/<callId>} (function,
 * caller, arguments, start time, {@code "status":"running"}), with a lock that the path was empty,
 * so a call id runs once. Then the function runs in a transaction on the executor; when it returns,
 * its writes and the call's outcome ({@code "status":"ok"} with the result) are committed together,
 * so a call's effects and its record appear at one version or not at all. If a lock broke, the
 * function is rerun in a fresh transaction after a growing, jittered wait, up to {@link
 * FunctionSettings#maxAttempts()} runs, then the call fails with {@code CONFLICT}. A function that
 * throws fails the call with {@code FUNCTION_ERROR}; one that runs past its time limit is stopped
 * (its transaction refuses further use and its thread is interrupted) and fails with {@code
 * TIMEOUT}. A failed call's record holds the error; nothing the function wrote is applied.
 *
 * <p>A call id seen again returns the first call's outcome: from the record once it is stored, or
 * the same future while the call runs on this node. No thread waits for a call: runs, timers and
 * reruns are tasks on the executor and the scheduler. Thread-safe.
 */
public final class FunctionRunner {
  private static final Logger LOG = Logger.getLogger(FunctionRunner.class.getName());
  private static final JsonProvider JSON = JsonProvider.provider();

  /** Where calls are stored. */
  public static final Path CALLS = Path.of(".calls");

  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int STOPPED = 2;

  private final Supplier<Store> stores;
  private volatile Store store;
  private final FunctionRegistry registry;
  private final FunctionSettings settings;
  private final ExecutorService executor;
  private final ScheduledExecutorService scheduler;
  private final Jsonb jsonb;
  private final Validator validator;
  private volatile Permissions permissions = Permissions.off();

  /** A call running now, by call id: whose it is, and its answer to come. */
  private record InFlight(String caller, CompletableFuture<CallAnswer> future) {}

  private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
  private final Map<String, FunctionStats> stats = new ConcurrentHashMap<>();
  private final Queue<Expiry> expiries = new ConcurrentLinkedQueue<>();
  // Calls this runner began before its recovery finished: their records are its own, not left
  // over from before a restart. Null once recovery is done.
  private volatile Set<String> begunBeforeRecovery = ConcurrentHashMap.newKeySet();

  /** A call record to delete once the retention has passed. */
  private record Expiry(long deadlineNanos, Path path, Version version) {}

  public FunctionRunner(
      Store store,
      FunctionRegistry registry,
      FunctionSettings settings,
      ExecutorService executor,
      ScheduledExecutorService scheduler,
      Jsonb jsonb,
      Validator validator) {
    this(() -> store, registry, settings, executor, scheduler, jsonb, validator);
  }

  /** Checks calls, and the reads and writes of functions that run as their caller, from now on. */
  public void checking(Permissions p) {
    permissions = p;
  }

  /** A runner whose store is looked up on the first call (the store's owner may start later). */
  public FunctionRunner(
      Supplier<Store> store,
      FunctionRegistry registry,
      FunctionSettings settings,
      ExecutorService executor,
      ScheduledExecutorService scheduler,
      Jsonb jsonb,
      Validator validator) {
    this.stores = store;
    this.registry = registry;
    this.settings = settings;
    this.executor = executor;
    this.scheduler = scheduler;
    this.jsonb = jsonb;
    this.validator = validator;
    for (FunctionDef d : registry.all()) {
      stats.put(d.name(), new FunctionStats());
    }
    long retention = settings.callRetention().toNanos();
    if (retention > 0) {
      long period =
          Math.max(
              TimeUnit.MILLISECONDS.toNanos(50),
              Math.min(retention / 4, TimeUnit.SECONDS.toNanos(1)));
      scheduler.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.NANOSECONDS);
    }
    scheduler.execute(this::recover);
  }

  /**
   * Once the store is ready (it may be replaying its log): the records of calls that ended before a
   * restart are queued to expire, and calls that a restart interrupted (still {@code running}:
   * nothing of them was applied, since a call's writes and its outcome commit together) run again
   * from their stored function, arguments and caller, under their own call id.
   */
  private void recover() {
    Store st;
    try {
      st = store();
    } catch (QuerysubException e) {
      scheduler.schedule(this::recover, 250, TimeUnit.MILLISECONDS); // not ready yet
      return;
    }
    int ended = 0;
    int resumed = 0;
    String after = null;
    do {
      ChildrenPage page = st.children(CALLS, after, 1000, true);
      for (ChildrenPage.Child c : page.children()) {
        if (c.value() == null || c.value().json() == null) {
          continue;
        }
        Path path = CALLS.child(c.key());
        JsonObject o = JSON.createReader(new StringReader(c.value().json())).readObject();
        if ("running".equals(o.getString("status", ""))) {
          if (!begunBeforeRecovery.contains(c.key())) {
            resume(c.key(), o, c.version());
            resumed++;
          }
        } else {
          expireLater(path, c.version());
          ended++;
        }
      }
      after = page.next();
    } while (after != null);
    begunBeforeRecovery = null;
    if (ended + resumed > 0) {
      LOG.info(
          "server functions: "
              + resumed
              + " interrupted calls run again, "
              + ended
              + " ended calls to expire");
    }
  }

  /** The caller a call record names, with the roles it had. */
  private static Caller recordedCaller(JsonObject record) {
    String name = record.getString("caller", "");
    if (name.isEmpty()) {
      return Caller.SYSTEM; // records from before callers were named
    }
    Set<String> roles = new java.util.HashSet<>();
    JsonValue r = record.get("roles");
    if (r instanceof jakarta.json.JsonArray a) {
      for (JsonValue v : a) {
        if (v instanceof jakarta.json.JsonString js) {
          roles.add(js.getString());
        }
      }
    }
    return name.equals(Caller.SYSTEM.id()) ? Caller.SYSTEM : Caller.named(name, roles);
  }

  /** Runs again a call whose record says it was running when the node stopped. */
  private void resume(String callId, JsonObject record, Version recordVersion) {
    String function = record.getString("function", "");
    CompletableFuture<CallAnswer> future = new CompletableFuture<>();
    InFlight run = new InFlight(recordedCaller(record).id(), future);
    if (inFlight.putIfAbsent(callId, run) != null) {
      return; // a caller asked again meanwhile and it runs already
    }
    future.whenComplete((o, e) -> inFlight.remove(callId, run));
    FunctionDef def = registry.get(function);
    if (def == null) {
      FunctionStats none = new FunctionStats();
      Call orphan =
          new Call(
              new FunctionDef(function, null, null, null, settings.timeout()),
              callId,
              recordedCaller(record),
              record.get("args"),
              callPath(callId),
              future,
              none);
      orphan.recordVersion = recordVersion;
      orphan.finish(
          ErrorCode.UNKNOWN_FUNCTION,
          "no server function is named '" + function + "' any more",
          List.of(),
          0,
          0,
          null);
      return;
    }
    Call call =
        new Call(
            def,
            callId,
            recordedCaller(record),
            record.get("args"),
            callPath(callId),
            future,
            stats.get(def.name()));
    call.startedMillis =
        record.getJsonNumber("startedAt") == null
            ? call.startedMillis
            : record.getJsonNumber("startedAt").longValue();
    call.recordVersion = recordVersion;
    call.stats.started();
    try {
      call.arg = bind(def, call.args);
    } catch (InvalidArgument e) {
      call.finish(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e.fields, 0, 0, null);
      return;
    }
    attempt(call, 1);
  }

  private void expireLater(Path record, Version version) {
    long retention = settings.callRetention().toNanos();
    if (retention > 0) {
      expiries.add(new Expiry(System.nanoTime() + retention, record, version));
    }
  }

  /**
   * Deletes the records of calls that ended more than {@link FunctionSettings#callRetention()} ago
   * (in the order they ended), each under a lock on the version it ended at. Once deleted, a call
   * id may be used again.
   */
  private void expire() {
    try {
      long now = System.nanoTime();
      for (Expiry e = expiries.peek();
          e != null && e.deadlineNanos() - now <= 0;
          e = expiries.peek()) {
        expiries.poll();
        store()
            .commit(
                List.of(ReadLock.value(e.path(), e.version())), List.of(Write.delete(e.path())));
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "deleting expired call records failed; retrying", e);
    }
  }

  public FunctionRegistry registry() {
    return registry;
  }

  private Store store() {
    Store s = store;
    if (s == null) {
      s = stores.get();
      store = s;
    }
    return s;
  }

  /** The counters of a function, or null for an unknown name. */
  public FunctionStats stats(String function) {
    return stats.get(function);
  }

  /** The path of a call's record. */
  public static Path callPath(String callId) {
    return CALLS.child(callId);
  }

  /**
   * Calls {@code function} with {@code args} (null when none) as {@code caller} and answers once
   * the outcome is durable, as a REST write is: an {@code OK} outcome completes once its commit is
   * in the write-ahead log on disk (a {@code FAILED} one with {@code UNAVAILABLE} when the log
   * failed first); see {@link #submit}. The future completes with the outcome, never exceptionally;
   * an outcome of {@code UNKNOWN_FUNCTION} is not stored.
   *
   * @throws QuerysubException {@code BAD_REQUEST} when the call id is not 1 to 128 characters
   */
  public CompletableFuture<CallOutcome> call(
      String function, String callId, JsonValue args, Caller caller) {
    return submit(function, callId, args, caller).thenCompose(a -> a.whenDurable(executor));
  }

  /**
   * Calls {@code function} as {@link #call} does, but answers as soon as the outcome is known: an
   * {@code OK} call once its commit is applied, before it is durable, with {@link
   * CallAnswer#durable} telling when it is (the WebSocket answer, as for a commit there). Callers
   * that repeat a call id share the run, each deciding for itself whether to wait for the log. The
   * future completes with the answer, never exceptionally.
   *
   * @throws QuerysubException {@code BAD_REQUEST} when the call id is not 1 to 128 characters
   */
  public CompletableFuture<CallAnswer> submit(
      String function, String callId, JsonValue args, Caller caller) {
    if (callId == null || callId.isEmpty() || callId.length() > 128) {
      throw new QuerysubException(ErrorCode.BAD_REQUEST, "callId must be 1 to 128 characters");
    }
    Path recordPath = callPath(callId);
    InFlight running = inFlight.get(callId);
    if (running != null) {
      return join(running, callId, function, caller);
    }
    CompletableFuture<CallAnswer> future = new CompletableFuture<>();
    InFlight mine = new InFlight(caller.id(), future);
    running = inFlight.putIfAbsent(callId, mine);
    if (running != null) {
      return join(running, callId, function, caller);
    }
    future.whenComplete((o, e) -> inFlight.remove(callId, mine));
    try {
      ReadResult existing = store().read(recordPath);
      Permissions perms = permissions;
      if (existing.exists()) {
        if (perms.applies(caller) && !caller.isNamedIn(parse(existing.value()))) {
          future.complete(refused(callId, function, "this call id belongs to another caller"));
          return future;
        }
        future.complete(stored(callId, existing));
        return future;
      }
      FunctionDef def = registry.get(function);
      if (def != null && perms.applies(caller)) {
        Store st = store();
        try {
          perms.checkCall(caller, function, args, p -> parse(st.read(p).value()));
        } catch (QuerysubException e) {
          future.complete(refused(callId, function, e.getMessage()));
          return future;
        }
      }
      if (def == null) {
        future.complete(
            CallAnswer.settled(
                CallOutcome.failed(
                    callId,
                    function,
                    ErrorCode.UNKNOWN_FUNCTION,
                    "no server function is named '" + function + "'",
                    List.of(),
                    0)));
        return future;
      }
      Call call = new Call(def, callId, caller, args, recordPath, future, stats.get(def.name()));
      call.stats.started();
      Object arg;
      try {
        arg = bind(def, args);
      } catch (InvalidArgument e) {
        call.finish(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e.fields, 0, 0, existing.version());
        return future;
      }
      Version begun = begin(call, existing.version());
      if (begun == null) {
        future.complete(stored(callId, store().read(recordPath)));
        return future;
      }
      call.arg = arg;
      call.recordVersion = begun;
      attempt(call, 1);
    } catch (RuntimeException e) {
      if (!future.isDone()) {
        String incident = java.util.UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "call " + callId + " of " + function + ": incident " + incident, e);
        future.complete(
            CallAnswer.settled(
                CallOutcome.failed(
                    callId, function, ErrorCode.INTERNAL, "incident " + incident, List.of(), 0)));
      }
    }
    return future;
  }

  /**
   * The answer of a run of the same call id, for its own caller; another caller is refused as when
   * the call's record is found (a run still in flight must not show its outcome to anyone else).
   */
  private CompletableFuture<CallAnswer> join(
      InFlight running, String callId, String function, Caller caller) {
    if (permissions.applies(caller) && !running.caller().equals(caller.id())) {
      return CompletableFuture.completedFuture(
          refused(callId, function, "this call id belongs to another caller"));
    }
    return running.future();
  }

  private static JsonValue parse(Value v) {
    return v.isAbsent() ? null : JSON.createReader(new StringReader(v.json())).readValue();
  }

  /** A call refused before it began: nothing is stored. */
  private static CallAnswer refused(String callId, String function, String why) {
    return CallAnswer.settled(
        CallOutcome.failed(callId, function, ErrorCode.PERMISSION_DENIED, why, List.of(), 0));
  }

  /**
   * Stores the running record if the path is still as read (absent, at {@code absentAt}: never
   * written, or an expired record's delete); its version, or null if another call got there first.
   */
  private Version begin(Call c, Version absentAt) {
    Set<String> early = begunBeforeRecovery;
    if (early != null) {
      early.add(c.callId);
    }
    JsonObjectBuilder record = c.record("running");
    CommitResult r =
        store()
            .commit(
                List.of(ReadLock.value(c.recordPath, absentAt)),
                List.of(new Write(c.recordPath, Value.ofJson(record.build().toString()))));
    return r.isValid() ? r.version() : null;
  }

  private void attempt(Call c, int n) {
    Permissions checks = c.def.runsAsSystem() ? Permissions.off() : permissions;
    Run run =
        new Run(
            c, n, new FunctionTx(new Transaction(store()), jsonb, c.callId, c.caller, checks, n));
    run.timer = scheduler.schedule(run::timeUp, c.def.timeout().toNanos(), TimeUnit.NANOSECONDS);
    try {
      run.task = executor.submit(run::execute);
    } catch (RuntimeException e) { // the executor refused: shutting down or saturated
      if (run.state.compareAndSet(RUNNING, DONE)) {
        run.timer.cancel(false);
        c.finish(
            ErrorCode.UNAVAILABLE, "no thread to run the function: " + e, List.of(), n, 0, null);
      }
    }
  }

  /** One run of a call's function. */
  private final class Run {
    final Call c;
    final int n;
    final FunctionTx tx;
    final AtomicInteger state = new AtomicInteger(RUNNING);
    volatile Future<?> task;
    volatile ScheduledFuture<?> timer;

    Run(Call c, int n, FunctionTx tx) {
      this.c = c;
      this.n = n;
      this.tx = tx;
    }

    void timeUp() {
      if (!state.compareAndSet(RUNNING, STOPPED)) {
        return;
      }
      tx.stop();
      Future<?> t = task;
      if (t != null) {
        t.cancel(true);
      }
      c.finish(
          ErrorCode.TIMEOUT,
          "the function ran past its time limit of " + c.def.timeout().toMillis() + " ms",
          List.of(),
          n,
          tx.transaction().locks().size(),
          null);
    }

    void execute() {
      Object result;
      try {
        result =
            c.def.argType() == null
                ? c.def.method().invoke(c.def.target(), tx)
                : c.def.method().invoke(c.def.target(), tx, c.arg);
      } catch (InvocationTargetException | RuntimeException | IllegalAccessException e) {
        Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
        cause = unwrap(cause);
        if (cause instanceof QuerysubException q
            && q.code() == ErrorCode.PERMISSION_DENIED
            && state.compareAndSet(RUNNING, DONE)) {
          timer.cancel(false);
          String where = q.path() == null ? "" : " (" + q.path() + ")";
          c.finish(ErrorCode.PERMISSION_DENIED, q.getMessage() + where, List.of(), n, 0, null);
          return;
        }
        if (state.compareAndSet(RUNNING, DONE)) {
          timer.cancel(false);
          c.finish(
              ErrorCode.FUNCTION_ERROR,
              cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
              List.of(),
              n,
              tx.transaction().locks().size(),
              null);
        }
        return;
      } catch (Error e) {
        if (state.compareAndSet(RUNNING, DONE)) {
          timer.cancel(false);
          c.finish(ErrorCode.INTERNAL, e.toString(), List.of(), n, 0, null);
        }
        throw e;
      }
      if (!state.compareAndSet(RUNNING, DONE)) {
        return; // stopped at its time limit: the outcome is TIMEOUT and nothing is applied
      }
      timer.cancel(false);
      Transaction t = tx.transaction();
      String resultJson;
      try {
        resultJson =
            result == null
                ? "null"
                : result instanceof JsonValue j ? j.toString() : jsonb.toJson(result);
      } catch (JsonbException e) {
        c.finish(
            ErrorCode.FUNCTION_ERROR,
            "the result could not be written as JSON: " + e.getMessage(),
            List.of(),
            n,
            t.locks().size(),
            null);
        return;
      }
      int lockCount = t.locks().size();
      List<ReadLock> locks = new ArrayList<>(t.locks());
      locks.add(ReadLock.value(c.recordPath, c.recordVersion));
      List<Write> writes = new ArrayList<>(t.writes());
      JsonObjectBuilder record =
          c.record("ok")
              .add("result", JSON.createReader(new StringReader(resultJson)).readValue())
              .add("attempts", n);
      writes.add(new Write(c.recordPath, Value.ofJson(record.build().toString())));
      CommitResult r;
      try {
        r = store().commit(locks, writes);
      } catch (QuerysubException e) {
        c.finish(e.code(), e.getMessage(), List.of(), n, lockCount, null);
        return;
      }
      c.stats.committed(r.isValid());
      if (r.isValid()) {
        c.stats.finished(null, System.nanoTime() - c.started, lockCount, n);
        expireLater(c.recordPath, r.version());
        CallOutcome ok = CallOutcome.ok(c.callId, c.def.name(), resultJson, r.version(), n);
        c.future.complete(new CallAnswer(ok, store().whenDurable(r)));
      } else if (r.conflict().path().equals(c.recordPath)) {
        // The record changed under the call (another run of the same call id ended first, or it
        // was deleted): report what it says, and let it expire like any ended record.
        ReadResult now = store().read(c.recordPath);
        if (now.exists()) {
          expireLater(c.recordPath, now.version());
        }
        c.future.complete(stored(c.callId, now));
      } else if (n < settings.maxAttempts()) {
        scheduler.schedule(() -> attempt(c, n + 1), backoffNanos(n), TimeUnit.NANOSECONDS);
      } else {
        c.finish(
            ErrorCode.CONFLICT,
            "rejected " + n + " times; the last run's lock on " + r.conflict().path() + " broke",
            List.of(),
            n,
            lockCount,
            null);
      }
    }
  }

  private long backoffNanos(int n) {
    long base = settings.backoff().toNanos() << Math.min(20, n - 1);
    long capped = Math.min(base, settings.maxBackoff().toNanos());
    return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
  }

  private static Throwable unwrap(Throwable t) {
    // A bean proxy (an EJB, an interceptor) may wrap what the function threw.
    Throwable cur = t;
    while ((cur instanceof jakarta.ejb.EJBException
            || cur instanceof java.lang.reflect.UndeclaredThrowableException)
        && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  /** The argument object, bound with JSON-B and checked with Bean Validation. */
  private Object bind(FunctionDef def, JsonValue args) {
    Object arg = null;
    if (def.argType() != null && args != null && args != JsonValue.NULL) {
      try {
        arg = jsonb.fromJson(args.toString(), def.argType());
      } catch (JsonbException e) {
        throw new InvalidArgument(
            "args do not match "
                + def.method().getParameterTypes()[1].getSimpleName()
                + ": "
                + rootMessage(e),
            List.of(new CallOutcome.FieldError("args", rootMessage(e))));
      }
    } else if (def.argType() == null && args != null && args != JsonValue.NULL) {
      if (!(args instanceof JsonObject o && o.isEmpty())
          && !(args instanceof JsonArray a && a.isEmpty())) {
        throw new InvalidArgument(
            "function " + def.name() + " takes no arguments",
            List.of(new CallOutcome.FieldError("args", "must be empty")));
      }
    }
    if (def.argType() != null) {
      Object[] params = {null, arg};
      Set<ConstraintViolation<Object>> violations =
          validator.forExecutables().validateParameters(def.target(), def.method(), params);
      if (!violations.isEmpty()) {
        List<CallOutcome.FieldError> fields = new ArrayList<>();
        for (ConstraintViolation<Object> v : violations) {
          fields.add(new CallOutcome.FieldError(field(v), v.getMessage()));
        }
        fields.sort(Comparator.comparing(CallOutcome.FieldError::field));
        StringBuilder m = new StringBuilder("invalid arguments: ");
        for (int i = 0; i < fields.size(); i++) {
          m.append(i == 0 ? "" : "; ")
              .append(fields.get(i).field())
              .append(' ')
              .append(fields.get(i).message());
        }
        throw new InvalidArgument(m.toString(), fields);
      }
    }
    return arg;
  }

  /** A violation's field: the property path below the argument, or {@code args} for the whole. */
  private static String field(ConstraintViolation<?> v) {
    StringBuilder s = new StringBuilder();
    boolean below = false;
    for (jakarta.validation.Path.Node node : v.getPropertyPath()) {
      if (node.getKind() == ElementKind.PARAMETER) {
        below = true;
        continue;
      }
      if (below && node.getName() != null) {
        if (s.length() > 0) {
          s.append('.');
        }
        s.append(node.getName());
        if (node.getIndex() != null) {
          s.append('[').append(node.getIndex()).append(']');
        } else if (node.getKey() != null) {
          s.append('[').append(node.getKey()).append(']');
        }
      }
    }
    return s.length() == 0 ? "args" : s.toString();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? e.getMessage() : t.getMessage();
  }

  /**
   * The answer a stored record gives: its outcome, durable once every commit visible now is (the
   * record's own ticket is not known here, and its commit may not have reached the disk yet).
   */
  private CallAnswer stored(String callId, ReadResult r) {
    return new CallAnswer(fromRecord(callId, r), store().whenVisibleDurable());
  }

  /** The outcome a stored record describes. */
  private static CallOutcome fromRecord(String callId, ReadResult r) {
    JsonObject o = JSON.createReader(new StringReader(r.value().json())).readObject();
    String function = o.getString("function", "");
    int attempts = o.getInt("attempts", 0);
    return switch (o.getString("status", "")) {
      case "ok" ->
          CallOutcome.ok(callId, function, o.get("result").toString(), r.version(), attempts);
      case "failed" -> {
        JsonObject err = o.getJsonObject("error");
        List<CallOutcome.FieldError> fields = new ArrayList<>();
        JsonArray fs = err.getJsonArray("fields");
        if (fs != null) {
          for (JsonObject f : fs.getValuesAs(JsonObject.class)) {
            fields.add(new CallOutcome.FieldError(f.getString("field"), f.getString("message")));
          }
        }
        yield CallOutcome.failed(
            callId,
            function,
            ErrorCode.valueOf(err.getString("code")),
            err.getString("message"),
            fields,
            attempts);
      }
      default ->
          new CallOutcome(
              callId,
              function,
              CallOutcome.Status.RUNNING,
              null,
              r.version(),
              null,
              null,
              List.of(),
              attempts);
    };
  }

  /** A call in progress. */
  private final class Call {
    final FunctionDef def;
    final String callId;
    final Caller caller;
    final JsonValue args;
    final Path recordPath;
    final CompletableFuture<CallAnswer> future;
    final FunctionStats stats;
    final long started = System.nanoTime();
    long startedMillis = System.currentTimeMillis();
    volatile Object arg;
    volatile Version recordVersion;

    Call(
        FunctionDef def,
        String callId,
        Caller caller,
        JsonValue args,
        Path recordPath,
        CompletableFuture<CallAnswer> future,
        FunctionStats stats) {
      this.def = def;
      this.callId = callId;
      this.caller = caller;
      this.args = args;
      this.recordPath = recordPath;
      this.future = future;
      this.stats = stats;
    }

    JsonObjectBuilder record(String status) {
      JsonObjectBuilder b =
          JSON.createObjectBuilder().add("function", def.name()).add("caller", caller.id());
      if (!caller.roles().isEmpty()) {
        b.add("roles", JSON.createArrayBuilder(new java.util.TreeSet<>(caller.roles())));
      }
      if (args != null) {
        b.add("args", args);
      }
      return b.add("startedAt", startedMillis).add("status", status);
    }

    /**
     * Fails the call: stores the error in its record (created now if the call never began) and
     * completes the future. {@code lockOn} is the record's version to lock on, or null for the one
     * this call stored.
     */
    void finish(
        ErrorCode code,
        String message,
        List<CallOutcome.FieldError> fields,
        int runs,
        int lockCount,
        Version lockOn) {
      stats.finished(code, System.nanoTime() - started, lockCount, runs);
      JsonObjectBuilder err =
          JSON.createObjectBuilder().add("code", code.name()).add("message", message);
      if (!fields.isEmpty()) {
        var fs = JSON.createArrayBuilder();
        for (CallOutcome.FieldError f : fields) {
          fs.add(JSON.createObjectBuilder().add("field", f.field()).add("message", f.message()));
        }
        err.add("fields", fs);
      }
      String record = record("failed").add("error", err).add("attempts", runs).build().toString();
      try {
        CommitResult r =
            store()
                .commit(
                    List.of(ReadLock.value(recordPath, lockOn != null ? lockOn : recordVersion)),
                    List.of(new Write(recordPath, Value.ofJson(record))));
        if (!r.isValid()) {
          future.complete(stored(callId, store().read(recordPath)));
          return;
        }
        expireLater(recordPath, r.version());
        // Durable with its record: a failure answered before its record is on disk could be
        // followed, after a crash, by a rerun of the call (its `running` record) that succeeds.
        future.complete(
            new CallAnswer(
                CallOutcome.failed(callId, def.name(), code, message, fields, runs),
                store().whenDurable(r)));
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "call " + callId + ": could not store its failure", e);
      }
      future.complete(
          CallAnswer.settled(CallOutcome.failed(callId, def.name(), code, message, fields, runs)));
    }
  }

  /** Arguments that do not bind or break a constraint. */
  private static final class InvalidArgument extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<CallOutcome.FieldError> fields;

    InvalidArgument(String message, List<CallOutcome.FieldError> fields) {
      super(message, null, false, false);
      this.fields = fields;
    }
  }
}
