package io.querysub.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every worked example of {@code vectors/validity.json} (a copy of the design's vectors): once
 * in the order given, checking each expectation as it comes, and then with the scenario's writes
 * arriving in every order, checking that the end state is always the same.
 */
class ValidityVectorsTest {

  private static List<JsonObject> scenarios() throws Exception {
    try (InputStream in = ValidityVectorsTest.class.getResourceAsStream("/vectors/validity.json")) {
      JsonObject root = Json.createReader(in).readObject();
      List<JsonObject> out = new ArrayList<>();
      for (JsonValue v : root.getJsonArray("scenarios")) {
        out.add(v.asJsonObject());
      }
      return out;
    }
  }

  @TestFactory
  Stream<DynamicTest> inTheOrderGiven() throws Exception {
    return scenarios().stream()
        .map(s -> DynamicTest.dynamicTest(s.getString("name"), () -> runInOrder(s)));
  }

  @TestFactory
  Stream<DynamicTest> inEveryArrivalOrder() throws Exception {
    return scenarios().stream()
        .filter(s -> s.getJsonArray("steps").stream().noneMatch(st -> op(st).equals("golden")))
        .map(s -> DynamicTest.dynamicTest(s.getString("name"), () -> runAllOrders(s)));
  }

  private static String op(JsonValue step) {
    return step.asJsonObject().getString("op");
  }

  private void runInOrder(JsonObject scenario) {
    Store store = newStore();
    Map<String, JsonObject> writes = new HashMap<>();
    for (JsonValue sv : scenario.getJsonArray("steps")) {
      JsonObject step = sv.asJsonObject();
      switch (step.getString("op")) {
        case "ingest" -> {
          writes.put(step.getString("id"), step);
          if (step.containsKey("expectError")) {
            ErrorCode code = ErrorCode.valueOf(step.getString("expectError"));
            assertThatThrownBy(() -> ingest(store, step))
                .isInstanceOf(QuerysubException.class)
                .extracting(e -> ((QuerysubException) e).code())
                .isEqualTo(code);
          } else {
            ingest(store, step);
          }
        }
        case "golden" -> store.advanceGolden(v(step.getJsonNumber("to").longValue()));
        case "expect" -> check(store, writes, step, scenario.getString("name"));
        default -> throw new IllegalArgumentException("unknown op " + step.getString("op"));
      }
    }
  }

  private void runAllOrders(JsonObject scenario) {
    List<JsonObject> ingests = new ArrayList<>();
    Map<String, JsonObject> writes = new HashMap<>();
    JsonObject finalExpect = mergedExpectations(scenario);
    for (JsonValue sv : scenario.getJsonArray("steps")) {
      if (op(sv).equals("ingest")) {
        ingests.add(sv.asJsonObject());
        writes.put(sv.asJsonObject().getString("id"), sv.asJsonObject());
      }
    }
    int orders = 0;
    for (List<JsonObject> order : permutations(ingests)) {
      Store store = newStore();
      for (JsonObject w : order) {
        ingest(store, w);
      }
      StringBuilder ids = new StringBuilder();
      order.forEach(w -> ids.append(w.getString("id")).append(' '));
      check(store, writes, finalExpect, scenario.getString("name") + " order " + ids);
      orders++;
    }
    assertThat(orders).isGreaterThan(0);
  }

  /** The expectations of a scenario folded in order: later ones override earlier ones. */
  private static JsonObject mergedExpectations(JsonObject scenario) {
    Map<String, String> state = new LinkedHashMap<>();
    Map<String, JsonValue> current = new LinkedHashMap<>();
    for (JsonValue sv : scenario.getJsonArray("steps")) {
      JsonObject step = sv.asJsonObject();
      if (!step.getString("op").equals("expect")) {
        continue;
      }
      for (String kind : List.of("valid", "rejected")) {
        if (step.containsKey(kind)) {
          step.getJsonArray(kind).getValuesAs(jakarta.json.JsonString.class).stream()
              .forEach(id -> state.put(id.getString(), kind));
        }
      }
      if (step.containsKey("current")) {
        current.putAll(step.getJsonObject("current"));
      }
    }
    var valid = Json.createArrayBuilder();
    var rejected = Json.createArrayBuilder();
    state.forEach((id, kind) -> (kind.equals("valid") ? valid : rejected).add(id));
    var cur = Json.createObjectBuilder();
    current.forEach(cur::add);
    return Json.createObjectBuilder()
        .add("valid", valid)
        .add("rejected", rejected)
        .add("current", cur)
        .build();
  }

  private static void check(
      Store store, Map<String, JsonObject> writes, JsonObject expect, String where) {
    for (String kind : List.of("valid", "rejected")) {
      if (!expect.containsKey(kind)) {
        continue;
      }
      Validity want = kind.equals("valid") ? Validity.VALID : Validity.REJECTED;
      for (JsonValue id : expect.getJsonArray(kind)) {
        JsonObject w = writes.get(((jakarta.json.JsonString) id).getString());
        Validity got = store.validity(Path.parse(w.getString("path")), version(w));
        assertThat(got).as(where + ": state of " + w.getString("id")).isEqualTo(want);
      }
    }
    if (expect.containsKey("current")) {
      for (var e : expect.getJsonObject("current").entrySet()) {
        ReadResult r = store.read(Path.parse(e.getKey()));
        JsonValue want = e.getValue();
        boolean wantAbsent =
            want.getValueType() == JsonValue.ValueType.OBJECT
                && want.asJsonObject().getBoolean("absent", false);
        if (wantAbsent) {
          assertThat(r.value().isAbsent()).as(where + ": " + e.getKey() + " absent").isTrue();
        } else {
          assertThat(r.value().isAbsent()).as(where + ": " + e.getKey() + " present").isFalse();
          assertThat(r.value().json()).as(where + ": " + e.getKey()).isEqualTo(want.toString());
        }
      }
    }
  }

  private static CommitResult ingest(Store store, JsonObject step) {
    List<ReadLock> locks = new ArrayList<>();
    JsonArray ls = step.getJsonArray("locks");
    for (JsonValue lv : ls) {
      JsonObject l = lv.asJsonObject();
      Version read = v(l.getJsonNumber("read").longValue());
      locks.add(
          l.containsKey("children")
              ? ReadLock.children(Path.parse(l.getString("children")), read)
              : ReadLock.value(Path.parse(l.getString("path")), read));
    }
    Path path = Path.parse(step.getString("path"));
    Value value =
        step.getBoolean("delete", false)
            ? Value.ABSENT
            : Value.ofJson(step.get("value").toString());
    return store.ingest(version(step), locks, List.of(new Write(path, value)));
  }

  private static Version version(JsonObject step) {
    return v(step.getJsonNumber("version").longValue());
  }

  private static Version v(long n) {
    return n == 0 ? Version.ZERO : new Version(n, 0);
  }

  private static Store newStore() {
    // A clock standing at time zero: the golden horizon moves only when a step says so.
    return new Store(StoreOptions.DEFAULTS, new HybridClock(1, () -> 0L));
  }

  private static <T> List<List<T>> permutations(List<T> items) {
    List<List<T>> out = new ArrayList<>();
    permute(new ArrayList<>(items), 0, out);
    return out;
  }

  private static <T> void permute(List<T> a, int k, List<List<T>> out) {
    if (k == a.size()) {
      out.add(new ArrayList<>(a));
      return;
    }
    for (int i = k; i < a.size(); i++) {
      java.util.Collections.swap(a, k, i);
      permute(a, k + 1, out);
      java.util.Collections.swap(a, k, i);
    }
  }
}
