package io.querysub.core.fn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.wal.FileWriteAheadLog;
import io.querysub.engine.wal.WalOptions;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against a real store, with real JSON-B and Bean Validation, no container. */
class FunctionRunnerTest {
  private static io.querysub.core.auth.Caller who(String name) {
    return new io.querysub.core.auth.Caller(name, java.util.Set.of(), Long.MAX_VALUE, null);
  }

  private static final Validator VALIDATOR =
      Validation.buildDefaultValidatorFactory().getValidator();

  @TempDir java.nio.file.Path dir;

  private Store store;
  private TestFunctions fns;
  private ExecutorService executor;
  private ScheduledExecutorService scheduler;
  private FunctionRunner runner;

  @BeforeEach
  void start() {
    store = new Store(StoreOptions.DEFAULTS, new io.querysub.engine.version.HybridClock(1));
    fns = new TestFunctions();
    fns.store = store;
    executor = Executors.newFixedThreadPool(4);
    scheduler = Executors.newScheduledThreadPool(1);
    FunctionSettings settings =
        FunctionSettings.read(
            k -> Optional.ofNullable(Map.of(FunctionSettings.MAX_ATTEMPTS, "4").get(k)));
    runner = runnerFor(settings);
  }

  private FunctionRunner runnerFor(FunctionSettings settings) {
    List<FunctionDef> defs = new ArrayList<>();
    for (Method m : TestFunctions.class.getMethods()) {
      if (m.isAnnotationPresent(ServerFunction.class)) {
        defs.add(FunctionDef.of(fns, m, settings.timeout()));
      }
    }
    Jsonb jsonb =
        JsonbBuilder.create(
            new JsonbConfig().setProperty("jsonb.fail-on-unknown-properties", true));
    return new FunctionRunner(
        store, FunctionRegistry.of(defs), settings, executor, scheduler, jsonb, VALIDATOR);
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    scheduler.shutdownNow();
  }

  private static JsonValue json(String text) {
    return Json.createReader(new StringReader(text)).readValue();
  }

  @Test
  void functionsRunWithTheirCallersRightsUnlessDeclaredToRunAsTheSystem() throws Exception {
    runner.checking(
        io.querysub.core.perm.Permissions.of(
            io.querysub.core.perm.RuleSet.parse(
                """
                {"rules": [{"path": "/acct/{a}", "read": true, "write": "a == caller.id"}],
                 "functions": [{"function": "bank.*", "call": "args.from == caller.id"},
                               {"function": "test.*", "call": true}]}
                """,
                "test")));
    store.commit(
        List.of(),
        List.of(
            new Write(Path.parse("/acct/tester"), Value.ofJson("50")),
            new Write(Path.parse("/acct/other"), Value.ofJson("0"))));
    String args = "{\"from\":\"tester\",\"to\":\"other\",\"amount\":5}";
    // As the caller: writing the other account is denied; the call fails and applies nothing.
    CallOutcome denied = call("bank.transfer", "p1", args);
    assertThat(denied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(denied.message()).contains("/acct/other");
    assertThat(store.read(Path.parse("/acct/tester")).value().json()).isEqualTo("50");
    // As the system: the same writes go through.
    CallOutcome ok = call("bank.transferAsSystem", "p2", args);
    assertThat(ok.status()).isEqualTo(CallOutcome.Status.OK);
    assertThat(store.read(Path.parse("/acct/other")).value().json()).isEqualTo("5");
    // Who may call is checked either way: not with someone else's account as the source.
    CallOutcome theft =
        call("bank.transferAsSystem", "p3", "{\"from\":\"other\",\"to\":\"tester\",\"amount\":5}");
    assertThat(theft.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(store.read(Path.parse("/.calls/p3")).exists()).isFalse(); // refused before storing
    assertThat(store.read(Path.parse("/acct/other")).value().json()).isEqualTo("5");
    // A call id is its caller's: another caller reusing it is refused, not shown the outcome.
    CallOutcome takeover =
        runner
            .call("bank.transferAsSystem", "p2", json(args), who("other"))
            .get(20, TimeUnit.SECONDS);
    assertThat(takeover.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
  }

  private CallOutcome call(String fn, String id, String args) throws Exception {
    return runner
        .call(fn, id, args == null ? null : json(args), who("tester"))
        .get(20, TimeUnit.SECONDS);
  }

  private String value(String path) {
    return store.read(Path.parse(path)).value().json();
  }

  private JsonObject record(String callId) {
    ReadResult r = store.read(FunctionRunner.callPath(callId));
    assertThat(r.exists()).as("record of " + callId).isTrue();
    return Json.createReader(new StringReader(r.value().json())).readObject();
  }

  private void fund(String acct, long n) throws Exception {
    store.commit(
        List.of(),
        List.of(
            new io.querysub.engine.store.Write(
                Path.parse("/acct/" + acct),
                io.querysub.engine.store.Value.ofJson(Long.toString(n)))));
  }

  @Test
  void aCallAppliesItsWritesAndItsRecordAtOneVersion() throws Exception {
    fund("a", 100);
    CallOutcome o = call("bank.transfer", "c1", "{\"from\":\"a\",\"to\":\"b\",\"amount\":30}");
    assertThat(o.status()).isEqualTo(CallOutcome.Status.OK);
    assertThat(o.resultJson()).isEqualTo("70");
    assertThat(o.attempts()).isEqualTo(1);
    assertThat(value("/acct/a")).isEqualTo("70");
    assertThat(value("/acct/b")).isEqualTo("30");
    assertThat(store.read(Path.parse("/acct/a")).version()).isEqualTo(o.version());
    assertThat(store.read(FunctionRunner.callPath("c1")).version()).isEqualTo(o.version());
    JsonObject rec = record("c1");
    assertThat(rec.getString("status")).isEqualTo("ok");
    assertThat(rec.getString("function")).isEqualTo("bank.transfer");
    assertThat(rec.getString("caller")).isEqualTo("tester");
    assertThat(rec.getJsonObject("args").getInt("amount")).isEqualTo(30);
    assertThat(rec.getInt("result")).isEqualTo(70);
    assertThat(rec.getJsonNumber("startedAt").longValue()).isPositive();
  }

  @Test
  void aRepeatedCallIdReturnsTheFirstOutcomeAndNeverRunsTwice() throws Exception {
    fund("a", 100);
    CallOutcome first =
        call("bank.transfer", "same", "{\"from\":\"a\",\"to\":\"b\",\"amount\":10}");
    CallOutcome again =
        call("bank.transfer", "same", "{\"from\":\"a\",\"to\":\"b\",\"amount\":10}");
    assertThat(again).isEqualTo(first);
    assertThat(fns.runs.get()).isEqualTo(1);
    assertThat(value("/acct/a")).isEqualTo("90");

    // Sixteen callers with one id at once: one run.
    List<CompletableFuture<CallOutcome>> all = new ArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<CompletableFuture<CallOutcome>>> sent = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        sent.add(
            CompletableFuture.supplyAsync(
                () ->
                    runner.call(
                        "bank.transfer",
                        "burst",
                        json("{\"from\":\"a\",\"to\":\"b\",\"amount\":5}"),
                        who("t")),
                callers));
      }
      for (var s : sent) {
        all.add(s.get(20, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdown();
    }
    CallOutcome o = all.get(0).get(20, TimeUnit.SECONDS);
    for (var f : all) {
      assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(CallOutcome.Status.OK);
      assertThat(f.get(20, TimeUnit.SECONDS).version()).isEqualTo(o.version());
    }
    assertThat(fns.runs.get()).isEqualTo(2);
    assertThat(value("/acct/a")).isEqualTo("85");
  }

  @Test
  void aBrokenLockRerunsTheFunctionInAFreshTransaction() throws Exception {
    fns.sabotagedRuns = 2;
    CallOutcome o = call("test.contended", "k1", null);
    assertThat(o.status()).isEqualTo(CallOutcome.Status.OK);
    assertThat(o.attempts()).isEqualTo(3);
    assertThat(o.resultJson()).isEqualTo("1001"); // the third run read the sabotaging write
    assertThat(value("/c")).isEqualTo("1001");
    FunctionStats.Snapshot s = runner.stats("test.contended").snapshot();
    assertThat(s.calls()).isEqualTo(1);
    assertThat(s.rerunsPerCall()).isEqualTo(2.0);
    assertThat(s.rejectionRate()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.locksPerCall()).isEqualTo(1.0);
    assertThat(record("k1").getInt("attempts")).isEqualTo(3);
  }

  @Test
  void pastTheAttemptLimitACallFailsWithConflictAndNothingIsApplied() throws Exception {
    fns.sabotagedRuns = Integer.MAX_VALUE;
    CallOutcome o = call("test.contended", "k2", null);
    assertThat(o.status()).isEqualTo(CallOutcome.Status.FAILED);
    assertThat(o.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(o.attempts()).isEqualTo(4);
    assertThat(o.message()).contains("/c");
    assertThat(fns.runs.get()).isEqualTo(4);
    assertThat(value("/c")).isEqualTo("1000"); // only the sabotaging writes
    JsonObject rec = record("k2");
    assertThat(rec.getString("status")).isEqualTo("failed");
    assertThat(rec.getJsonObject("error").getString("code")).isEqualTo("CONFLICT");
    assertThat(runner.stats("test.contended").snapshot().failures()).containsEntry("CONFLICT", 1L);
  }

  @Test
  void aFunctionPastItsTimeLimitIsStoppedWithoutBlockingOthersAndAppliesNothing() throws Exception {
    CompletableFuture<CallOutcome> slow = runner.call("test.sleepy", "s1", null, who("t"));
    CompletableFuture<CallOutcome> spin = runner.call("test.spinner", "s2", null, who("t"));
    assertThat(fns.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    // Other calls go on while both overrun.
    CallOutcome quick = call("test.noargs", "q1", null);
    assertThat(quick.status()).isEqualTo(CallOutcome.Status.OK);
    assertThat(quick.resultJson()).isEqualTo("\"q1\"");
    assertThat(slow.isDone()).isFalse();

    CallOutcome s = slow.get(10, TimeUnit.SECONDS);
    assertThat(s.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(s.message()).contains("300 ms");
    assertThat(spin.get(10, TimeUnit.SECONDS).code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(store.read(Path.parse("/sleepy")).exists()).isFalse();
    assertThat(store.read(Path.parse("/spin")).exists()).isFalse();
    assertThat(record("s1").getJsonObject("error").getString("code")).isEqualTo("TIMEOUT");
  }

  @Test
  void aThrowingFunctionFailsWithItsMessageAndAppliesNothing() throws Exception {
    CallOutcome o = call("test.throws", "t1", "{}");
    assertThat(o.code()).isEqualTo(ErrorCode.FUNCTION_ERROR);
    assertThat(o.message()).isEqualTo("no such thing");
    assertThat(store.read(Path.parse("/thrown")).exists()).isFalse();
    fund("poor", 5);
    CallOutcome broke =
        call("bank.transfer", "t2", "{\"from\":\"poor\",\"to\":\"b\",\"amount\":6}");
    assertThat(broke.code()).isEqualTo(ErrorCode.FUNCTION_ERROR);
    assertThat(broke.message()).contains("insufficient funds");
    assertThat(value("/acct/poor")).isEqualTo("5");
  }

  @Test
  void invalidArgumentsNameEachBadFieldAndRunNothing() throws Exception {
    CallOutcome o = call("bank.transfer", "i1", "{\"from\":\"\",\"to\":\"b\",\"amount\":-3}");
    assertThat(o.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(o.fields())
        .extracting(CallOutcome.FieldError::field)
        .containsExactly("amount", "from");
    assertThat(o.message()).contains("amount").contains("from");
    assertThat(record("i1").getJsonObject("error").getJsonArray("fields")).hasSize(2);

    CallOutcome missing = call("bank.transfer", "i2", null);
    assertThat(missing.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(missing.fields()).extracting(CallOutcome.FieldError::field).containsExactly("args");

    CallOutcome wrongType =
        call("bank.transfer", "i3", "{\"from\":\"a\",\"to\":\"b\",\"amount\":\"lots\"}");
    assertThat(wrongType.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    CallOutcome typo = call("bank.transfer", "i4", "{\"from\":\"a\",\"to\":\"b\",\"amout\":1}");
    assertThat(typo.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    CallOutcome extra = call("test.noargs", "i5", "{\"x\":1}");
    assertThat(extra.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(fns.runs.get()).isZero();
  }

  @Test
  void anUnknownFunctionIsRefusedAndNotStored() throws Exception {
    CallOutcome o = call("no.such", "u1", "{}");
    assertThat(o.code()).isEqualTo(ErrorCode.UNKNOWN_FUNCTION);
    assertThat(store.read(FunctionRunner.callPath("u1")).exists()).isFalse();
    assertThatThrownBy(() -> runner.call("test.noargs", "", null, who("t")))
        .isInstanceOf(QuerysubException.class);
  }

  @Test
  void definitionsAreCheckedAndDescribed() throws Exception {
    class Bad {
      @ServerFunction("bad name!")
      public void a(FunctionTx tx) {}

      @ServerFunction("x.y")
      public void b(String s) {}
    }
    assertThatThrownBy(
            () ->
                FunctionDef.of(
                    new Bad(), Bad.class.getMethod("a", FunctionTx.class), Duration.ofSeconds(5)))
        .hasMessageContaining("bad name!");
    assertThatThrownBy(
            () ->
                FunctionDef.of(
                    new Bad(), Bad.class.getMethod("b", String.class), Duration.ofSeconds(5)))
        .hasMessageContaining("takes a FunctionTx");
    Method t =
        TestFunctions.class.getMethod("transfer", FunctionTx.class, TestFunctions.Transfer.class);
    FunctionDef d = FunctionDef.of(fns, t, Duration.ofSeconds(5));
    assertThatThrownBy(() -> FunctionRegistry.of(List.of(d, d)))
        .hasMessageContaining("bank.transfer");
    FunctionDef.Info info = d.describe(VALIDATOR);
    assertThat(info.argType()).isEqualTo("Transfer");
    assertThat(info.argConstraints()).containsExactlyInAnyOrder("NotNull", "Valid");
    assertThat(info.fields())
        .extracting(FunctionDef.Field::name)
        .containsExactly("amount", "from", "to");
    assertThat(info.fields().get(0).constraints()).containsExactly("Positive");
    assertThat(info.timeoutMillis()).isEqualTo(5000);
  }

  @Test
  void submitAnswersWhenAppliedAndCallOnlyOnceTheLogHasSynced() throws Exception {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FileWriteAheadLog log = new FileWriteAheadLog(new WalOptions(dir, 0, 1 << 20));
    store = new Store(StoreOptions.DEFAULTS, new io.querysub.engine.version.HybridClock(1), log);
    log.open(r -> {});
    fns.store = store;
    FunctionRunner r = runnerFor(FunctionSettings.read(k -> Optional.empty()));
    FailPoints.arm(
        FailPoints.WAL_BEFORE_SYNC,
        p -> {
          reached.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      CallAnswer applied = r.submit("test.noargs", "d1", null, who("t")).get(20, TimeUnit.SECONDS);
      assertThat(applied.outcome().status()).isEqualTo(CallOutcome.Status.OK);
      assertThat(reached.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(applied.durable()).as("applied, not yet on disk").isNotDone();
      CompletableFuture<CallOutcome> rest = r.call("test.noargs", "d2", null, who("t"));
      CallAnswer sameRun = r.submit("test.noargs", "d2", null, who("t")).get(20, TimeUnit.SECONDS);
      assertThat(sameRun.outcome().status()).isEqualTo(CallOutcome.Status.OK);
      assertThat(rest).as("applied, but the REST answer waits for the log").isNotDone();
      // The same call id again, once applied: answered from its record, durable with the log.
      CallAnswer repeat = r.submit("test.noargs", "d1", null, who("t")).get(20, TimeUnit.SECONDS);
      assertThat(repeat.outcome().version()).isEqualTo(applied.outcome().version());
      assertThat(repeat.durable()).isNotDone();
      assertThat(r.call("test.noargs", "d1", null, who("t"))).isNotDone();
      CallAnswer failed = r.submit("test.throws", "d3", null, who("t")).get(20, TimeUnit.SECONDS);
      assertThat(failed.outcome().code()).isEqualTo(ErrorCode.FUNCTION_ERROR);
      assertThat(failed.durable()).as("a failure is durable with its stored record").isNotDone();
      CompletableFuture<CallOutcome> restFailed = r.call("test.throws", "d3", null, who("t"));
      assertThat(restFailed).as("the REST answer of a failure waits for its record").isNotDone();
      // A call refused before anything is stored is answered at once.
      CallAnswer unknown = r.submit("test.nosuch", "d4", null, who("t")).get(20, TimeUnit.SECONDS);
      assertThat(unknown.durable()).isDone();

      release.countDown();
      assertThat(restFailed.get(10, TimeUnit.SECONDS).code()).isEqualTo(ErrorCode.FUNCTION_ERROR);
      failed.durable().get(10, TimeUnit.SECONDS);
      applied.durable().get(10, TimeUnit.SECONDS);
      repeat.durable().get(10, TimeUnit.SECONDS);
      assertThat(rest.get(10, TimeUnit.SECONDS).status()).isEqualTo(CallOutcome.Status.OK);
    } finally {
      release.countDown();
      FailPoints.disarmAll();
      log.close();
    }
  }

  @Test
  void callRecordsExpireAfterTheRetentionAndTheIdMayBeUsedAgain() throws Exception {
    store = new Store(StoreOptions.DEFAULTS, new io.querysub.engine.version.HybridClock(1));
    fns.store = store;
    FunctionRunner short_ =
        runnerFor(
            FunctionSettings.read(
                k -> Optional.ofNullable(Map.of(FunctionSettings.CALL_RETENTION, "200ms").get(k))));
    CallOutcome first = short_.call("test.noargs", "e1", null, who("t")).get(20, TimeUnit.SECONDS);
    CallOutcome failed = short_.call("test.throws", "e2", null, who("t")).get(20, TimeUnit.SECONDS);
    assertThat(failed.code()).isEqualTo(ErrorCode.FUNCTION_ERROR);
    assertThat(store.read(FunctionRunner.callPath("e1")).exists()).isTrue();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !store.read(FunctionRunner.callPath("e1")).exists()
                    && !store.read(FunctionRunner.callPath("e2")).exists());
    CallOutcome again = short_.call("test.noargs", "e1", null, who("t")).get(20, TimeUnit.SECONDS);
    assertThat(again.status()).isEqualTo(CallOutcome.Status.OK);
    assertThat(again.version()).isNotEqualTo(first.version());
  }

  @Test
  void afterARestartInterruptedCallsRunAgainAndEndedOnesExpire() throws Exception {
    // A store of its own: the runner made before each test must not recover these records too.
    store = new Store(StoreOptions.DEFAULTS, new io.querysub.engine.version.HybridClock(1));
    fns.store = store;
    fund("r1", 10);
    // As a restarted node finds them: one call stored as running (its run never committed), one
    // that ended.
    store.commit(
        List.of(),
        List.of(
            new io.querysub.engine.store.Write(
                FunctionRunner.callPath("interrupted"),
                io.querysub.engine.store.Value.ofJson(
                    "{\"function\":\"bank.transfer\",\"caller\":\"before\",\"args\":{\"from\":\"r1\","
                        + "\"to\":\"r2\",\"amount\":4},\"startedAt\":1,\"status\":\"running\"}")),
            new io.querysub.engine.store.Write(
                FunctionRunner.callPath("ended"),
                io.querysub.engine.store.Value.ofJson(
                    "{\"function\":\"test.noargs\",\"caller\":\"before\",\"startedAt\":1,"
                        + "\"status\":\"ok\",\"result\":\"ended\",\"attempts\":1}"))));
    FunctionRunner restarted =
        runnerFor(
            FunctionSettings.read(
                k -> Optional.ofNullable(Map.of(FunctionSettings.CALL_RETENTION, "300ms").get(k))));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> record("interrupted").getString("status").equals("ok"));
    assertThat(value("/acct/r1")).isEqualTo("6");
    assertThat(value("/acct/r2")).isEqualTo("4");
    assertThat(record("interrupted").getString("caller")).isEqualTo("before");
    // Asking again returns the outcome, without a third run.
    CallOutcome again =
        restarted
            .call(
                "bank.transfer",
                "interrupted",
                json("{\"from\":\"r1\",\"to\":\"r2\",\"amount\":4}"),
                who("t"))
            .get(20, TimeUnit.SECONDS);
    assertThat(again.status()).isEqualTo(CallOutcome.Status.OK);
    assertThat(fns.runs.get()).isEqualTo(1);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !store.read(FunctionRunner.callPath("ended")).exists());
  }
}
