package io.querysub.engine.tx;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The committed transactions of a run, and the serializability check over them: replayed one at a
 * time in version order on a plain map, each must have read exactly the state that the commits
 * before it left (value and version), and the replay must end in the store's state.
 *
 * <p>Threading: {@link #record} is safe from any thread; {@link #check} runs after the workers.
 */
final class BankHistory {
  /** What one committed transaction saw and did. {@code reads} holds each path's first read. */
  record Committed(Version version, Map<Path, ReadResult> reads, Map<Path, Value> writes) {}

  private final ConcurrentLinkedQueue<Committed> committed = new ConcurrentLinkedQueue<>();

  void record(Version version, Map<Path, ReadResult> reads, Map<Path, Value> writes) {
    committed.add(new Committed(version, Map.copyOf(reads), Map.copyOf(writes)));
  }

  int size() {
    return committed.size();
  }

  /** Every committed transaction, in version order. */
  List<Committed> inVersionOrder() {
    List<Committed> all = new ArrayList<>(committed);
    all.sort(Comparator.comparing(Committed::version));
    return all;
  }

  /**
   * Replays the history and returns every violation found (empty when the history is serializable
   * in version order and ends in the store's state for {@code paths}).
   */
  List<String> check(Store store, List<Path> paths) {
    List<String> problems = new ArrayList<>();
    Map<Path, ReadResult> state = new HashMap<>();
    Version previous = Version.ZERO;
    for (Committed c : inVersionOrder()) {
      if (c.version().compareTo(previous) <= 0) {
        problems.add("two commits share version " + c.version());
      }
      previous = c.version();
      for (ReadResult r : c.reads().values()) {
        ReadResult expected = stateOf(state, r.path());
        if (r.version().compareTo(c.version()) >= 0) {
          problems.add(c.version() + " read " + r.path() + " at a later version " + r.version());
        }
        if (!expected.version().equals(r.version()) || !expected.value().equals(r.value())) {
          problems.add(
              c.version()
                  + " read "
                  + r.path()
                  + " = "
                  + r.value()
                  + "@"
                  + r.version()
                  + " but the replay had "
                  + expected.value()
                  + "@"
                  + expected.version());
        }
      }
      for (var w : c.writes().entrySet()) {
        state.put(w.getKey(), new ReadResult(w.getKey(), w.getValue(), c.version()));
      }
    }
    for (Path p : paths) {
      ReadResult replayed = stateOf(state, p);
      ReadResult stored = store.read(p);
      if (!replayed.equals(stored)) {
        problems.add("store has " + p + " = " + stored + " but the replay ends with " + replayed);
      }
    }
    return problems;
  }

  private static ReadResult stateOf(Map<Path, ReadResult> state, Path p) {
    ReadResult r = state.get(p);
    return r != null ? r : new ReadResult(p, Value.ABSENT, Version.ZERO);
  }
}
