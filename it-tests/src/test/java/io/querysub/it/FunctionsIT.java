package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.websocket.client.AnswerWhen;
import io.querysub.websocket.client.CallResult;
import io.querysub.websocket.client.SyncClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server functions over REST on the real WAR: listing, calls, idempotent call ids, every failure
 * code with nothing applied, a function on a stateless bean, and many concurrent {@code
 * bank.transfer} calls over few accounts keeping the total exact.
 */
@ExtendWith(ArquillianExtension.class)
class FunctionsIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war().addClasses(ItFunctions.class, ItStatelessFunctions.class);
  }

  @ArquillianResource URL base;

  private Api.Reply call(Api api, String fn, String callId, String args) {
    return api.send(
        "POST",
        "api/v1/calls/" + fn,
        "{\"callId\":\"" + callId + "\"" + (args == null ? "" : ",\"args\":" + args) + "}");
  }

  @Test
  void functionsAreListedWithTheirArgumentsAndConstraints() {
    Api.Reply r = new Api(base).send("GET", "api/v1/functions", null);
    assertThat(r.status()).isEqualTo(200);
    JsonArray list = jakarta.json.Json.createReader(new java.io.StringReader(r.text())).readArray();
    List<String> names =
        list.getValuesAs(JsonObject.class).stream().map(o -> o.getString("name")).toList();
    assertThat(names).contains("bank.transfer", "it.sleepy", "it.throws", "it.echo", "it.count");
    JsonObject transfer =
        list.getValuesAs(JsonObject.class).stream()
            .filter(o -> o.getString("name").equals("bank.transfer"))
            .findFirst()
            .orElseThrow();
    assertThat(transfer.getString("argType")).isEqualTo("Transfer");
    assertThat(transfer.getJsonArray("fields").toString())
        .contains("\"amount\"")
        .contains("Positive")
        .contains("Pattern");
    assertThat(transfer.getJsonNumber("timeoutMillis").longValue()).isEqualTo(5000);
  }

  @Test
  void aCallRunsOnceForItsIdAndItsRecordCanBeRead() {
    Api api = new Api(base);
    api.put("/bank/accounts/x1", "100");
    Api.Reply first =
        call(api, "bank.transfer", "idem-1", "{\"from\":\"x1\",\"to\":\"x2\",\"amount\":40}");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().getString("status")).isEqualTo("ok");
    assertThat(first.json().getJsonObject("result").getInt("from")).isEqualTo(60);
    Api.Reply again =
        call(api, "bank.transfer", "idem-1", "{\"from\":\"x1\",\"to\":\"x2\",\"amount\":40}");
    assertThat(again.json().getString("version")).isEqualTo(first.json().getString("version"));
    assertThat(api.get("/bank/accounts/x1").json().getInt("value")).isEqualTo(60);
    assertThat(api.get("/bank/accounts/x2").json().getInt("value")).isEqualTo(40);

    Api.Reply record = api.get("/.calls/idem-1");
    assertThat(record.status()).as(record.toString()).isEqualTo(200);
    JsonObject rec = record.json().getJsonObject("value");
    assertThat(rec.getString("status")).isEqualTo("ok");
    assertThat(rec.getString("function")).isEqualTo("bank.transfer");
    assertThat(rec.getJsonObject("args").getInt("amount")).isEqualTo(40);
    assertThat(record.json().getString("version")).isEqualTo(first.json().getString("version"));
    // Call records are read-only for clients.
    assertThat(api.put("/.calls/idem-1", "{}").code()).isEqualTo("PATH_INVALID");
  }

  @Test
  void everyFailureHasItsCodeAndAppliesNothing() throws Exception {
    Api api = new Api(base);
    Api.Reply invalid =
        call(api, "bank.transfer", "bad-1", "{\"from\":\"a b\",\"to\":\"x2\",\"amount\":0}");
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.code()).isEqualTo("INVALID_ARGUMENT");
    assertThat(invalid.json().getJsonArray("fields").getValuesAs(JsonObject.class))
        .extracting(f -> f.getString("field"))
        .containsExactly("amount", "from");

    Api.Reply unknown = call(api, "no.such.function", "bad-2", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("UNKNOWN_FUNCTION");

    Api.Reply thrown = call(api, "it.throws", "bad-3", null);
    assertThat(thrown.status()).isEqualTo(422);
    assertThat(thrown.code()).isEqualTo("FUNCTION_ERROR");
    assertThat(thrown.json().getString("message")).isEqualTo("the function failed on purpose");
    assertThat(api.get("/it/thrown").status()).isEqualTo(404);

    // The overrunning call does not hold up others.
    CompletableFuture<Api.Reply> slow =
        CompletableFuture.supplyAsync(() -> call(api, "it.sleepy", "bad-4", null));
    // Once the overrunning call is stored as running, a quick call is answered while it runs.
    await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/.calls/bad-4").status() == 200);
    long t0 = System.nanoTime();
    Api.Reply quick = call(api, "it.echo", "quick-1", null);
    long quickNanos = System.nanoTime() - t0;
    assertThat(quick.json().getString("result")).isEqualTo("quick-1");
    assertThat(slow).as("the overrunning call is still running").isNotDone();
    Api.Reply timedOut = slow.get(30, TimeUnit.SECONDS);
    assertThat(timedOut.status()).isEqualTo(504);
    assertThat(timedOut.code()).isEqualTo("TIMEOUT");
    assertThat(api.get("/it/sleepy").status()).isEqualTo(404);
    assertThat(
            api.get("/.calls/bad-4")
                .json()
                .getJsonObject("value")
                .getJsonObject("error")
                .getString("code"))
        .isEqualTo("TIMEOUT");
    System.out.printf(
        "a quick call was answered in %.1f ms while another call overran%n", quickNanos / 1e6);

    Api.Reply noId = api.send("POST", "api/v1/calls/it.echo", "{\"args\":{}}");
    assertThat(noId.code()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void aFunctionOnAStatelessBeanRuns() {
    Api api = new Api(base);
    assertThat(call(api, "it.count", "ejb-1", null).json().getInt("result")).isEqualTo(1);
    assertThat(call(api, "it.count", "ejb-2", null).json().getInt("result")).isEqualTo(2);
    assertThat(call(api, "it.count", "ejb-2", null).json().getInt("result")).isEqualTo(2);
  }

  @Test
  void concurrentTransfersOverFewAccountsKeepTheTotalExact() throws Exception {
    long seed = Long.getLong("functions.seed", new Random().nextLong());
    System.out.println("FunctionsIT transfers seed " + seed + " (-Dfunctions.seed=N to repeat)");
    Api api = new Api(base);
    int accounts = 4;
    int start = 50;
    for (int i = 0; i < accounts; i++) {
      api.put("/bank/accounts/h" + i, Integer.toString(start));
    }
    int threads = 8;
    int perThread = 60;
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random rnd = new Random(seed + t);
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  int from = rnd.nextInt(accounts);
                  int to = (from + 1 + rnd.nextInt(accounts - 1)) % accounts;
                  int amount = 1 + rnd.nextInt(30);
                  Api.Reply r =
                      call(
                          api,
                          "bank.transfer",
                          UUID.randomUUID().toString(),
                          "{\"from\":\"h"
                              + from
                              + "\",\"to\":\"h"
                              + to
                              + "\",\"amount\":"
                              + amount
                              + "}");
                  switch (r.status()) {
                    case 200 -> ok.incrementAndGet();
                    case 422 -> refused.incrementAndGet(); // insufficient funds
                    case 409 -> conflicts.incrementAndGet();
                    default -> throw new AssertionError(r.toString());
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    long total = 0;
    for (int i = 0; i < accounts; i++) {
      long b = api.get("/bank/accounts/h" + i).json().getJsonNumber("value").longValue();
      assertThat(b).as("balance of h" + i).isNotNegative();
      total += b;
    }
    JsonObject stats =
        jakarta.json.Json.createReader(
                new java.io.StringReader(api.send("GET", "api/v1/functions/stats", null).text()))
            .readObject()
            .getJsonObject("bank.transfer");
    System.out.printf(
        "FunctionsIT transfers: calls=%d ok=%d insufficient=%d conflict=%d reruns/call=%.3f rejection rate=%.3f p99=%.2f ms%n",
        threads * perThread,
        ok.get(),
        refused.get(),
        conflicts.get(),
        stats.getJsonNumber("rerunsPerCall").doubleValue(),
        stats.getJsonNumber("rejectionRate").doubleValue(),
        stats.getJsonNumber("p99Millis").doubleValue());
    assertThat(total).isEqualTo((long) accounts * start);
    assertThat(ok.get() + refused.get() + conflicts.get()).isEqualTo(threads * perThread);
    assertThat(ok.get()).isPositive();
    assertThat(stats.getJsonNumber("calls").longValue())
        .isGreaterThanOrEqualTo(threads * perThread);

    String metrics = api.send("GET", "metrics", null).text();
    assertThat(metrics).contains("querysub_function_calls").contains("function=\"bank.transfer\"");
  }

  @Test
  void callsOverWebSocketAndTheCallerWatchesItsRecord() throws Exception {
    Api api = new Api(base);
    api.put("/bank/accounts/w1", "10");
    try (SyncClient c = Sync.connect(base, "fn-tab")) {
      Sync.Recorder record = new Sync.Recorder();
      c.watch("/.calls/ws-1", record);
      await().atMost(Duration.ofSeconds(20)).until(() -> record.snapshots.size() == 1);
      JsonObject args =
          jakarta.json.Json.createObjectBuilder()
              .add("from", "w1")
              .add("to", "w2")
              .add("amount", 4)
              .build();
      CallResult ok = c.call("bank.transfer", "ws-1", args).get(20, TimeUnit.SECONDS);
      assertThat(ok.ok()).isTrue();
      assertThat(ok.result().asJsonObject().getInt("from")).isEqualTo(6);
      assertThat(ok.attempts()).isEqualTo(1);
      // The watch saw the record stored as running, then its outcome at the call's version.
      await().atMost(Duration.ofSeconds(20)).until(() -> ok.version().equals(record.lastVersion()));
      List<JsonObject> states =
          record.batches.stream()
              .flatMap(b -> b.changes().stream())
              .map(ch -> ch.value().asJsonObject())
              .toList();
      assertThat(states).hasSize(2);
      assertThat(states.get(0).getString("status")).isEqualTo("running");
      // The caller is who the connection's token names (no token here: anonymous), not its id.
      assertThat(states.get(0).getString("caller")).isEqualTo("anonymous");
      assertThat(states.get(states.size() - 1).getString("status")).isEqualTo("ok");
      assertThat(record.lastVersion()).isEqualTo(ok.version());

      CallResult again = c.call("bank.transfer", "ws-1", args).get(20, TimeUnit.SECONDS);
      assertThat(again.version()).isEqualTo(ok.version());
      assertThat(api.get("/bank/accounts/w1").json().getInt("value")).isEqualTo(6);

      CallResult invalid =
          c.call(
                  "bank.transfer",
                  "ws-2",
                  jakarta.json.Json.createObjectBuilder().add("amount", -1).build())
              .get(20, TimeUnit.SECONDS);
      assertThat(invalid.code()).isEqualTo("INVALID_ARGUMENT");
      assertThat(invalid.fields().getValuesAs(JsonObject.class))
          .extracting(f -> f.getString("field"))
          .containsExactly("amount", "from", "to");
      assertThat(c.call("no.such", "ws-3", null).get(20, TimeUnit.SECONDS).code())
          .isEqualTo("UNKNOWN_FUNCTION");
      CallResult thrown = c.call("it.throws", "ws-4", null).get(20, TimeUnit.SECONDS);
      assertThat(thrown.code()).isEqualTo("FUNCTION_ERROR");
      assertThat(thrown.message()).isEqualTo("the function failed on purpose");
    }
  }

  @Test
  void aCallOverWebSocketGetsItsResultThenADurableNoticeUnlessItAskedToWait() throws Exception {
    Api api = new Api(base);
    api.put("/bank/accounts/d1", "10");
    JsonObject args =
        jakarta.json.Json.createObjectBuilder()
            .add("from", "d1")
            .add("to", "d2")
            .add("amount", 1)
            .build();
    try (SyncClient c = Sync.connect(base, "fn-durable")) {
      Sync.Frames frames = new Sync.Frames(c);
      CallResult ok = c.call("bank.transfer", "wsd-1", args).get(20, TimeUnit.SECONDS);
      assertThat(ok.ok()).isTrue();
      ok.durable().get(20, TimeUnit.SECONDS);
      JsonObject result = frames.next("callResult");
      JsonObject notice = frames.next("durable");
      assertThat(notice.get("id")).isEqualTo(result.get("id"));
      assertThat(notice.getString("version")).isEqualTo(ok.version());

      // The same call id again: the first outcome, from its record, and durable like it.
      CallResult again = c.call("bank.transfer", "wsd-1", args).get(20, TimeUnit.SECONDS);
      assertThat(again.version()).isEqualTo(ok.version());
      again.durable().get(20, TimeUnit.SECONDS);
      assertThat(frames.next("durable").getString("version")).isEqualTo(ok.version());

      // Asked to wait: the callResult comes once durable, and no notice follows.
      CallResult waited =
          c.call("bank.transfer", "wsd-2", args, AnswerWhen.DURABLE).get(20, TimeUnit.SECONDS);
      assertThat(waited.ok()).isTrue();
      assertThat(waited.durable()).isCompleted();
      // A failed call applied nothing: no notice either.
      CallResult thrown = c.call("it.throws", "wsd-3", null).get(20, TimeUnit.SECONDS);
      assertThat(thrown.code()).isEqualTo("FUNCTION_ERROR");
      assertThat(thrown.durable()).isCompleted();
      c.ping().get(20, TimeUnit.SECONDS);
      assertThat(frames.queue).noneMatch(m -> m.contains("\"durable\""));
      assertThat(api.get("/bank/accounts/d1").json().getInt("value")).isEqualTo(8);
    }
  }
}
