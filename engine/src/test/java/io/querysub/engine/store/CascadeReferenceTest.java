package io.querysub.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Random histories ingested in random orders must end in the state a naive reference computes from
 * scratch: every commit judged in version order by the definitions of docs/model.md, written out
 * directly (no indexes, no shortcuts). Prints its seed; rerun one with -Dcascade.seed=N.
 */
class CascadeReferenceTest {
  private static final String[] PATHS = {
    "/a", "/b", "/p/x", "/p/y", "/p/x/d", "/p/y/d/e", "/p/z/d", "/q/r", "/q/s"
  };
  private static final String[] PARENTS = {"/p", "/p/x", "/q", "/"};

  record Commit(long version, List<ReadLock> locks, List<Write> writes) {}

  @Test
  void incrementalValidityMatchesTheReferenceInAnyArrivalOrder() {
    long seed = Long.getLong("cascade.seed", System.nanoTime());
    System.out.println("CascadeReferenceTest seed=" + seed);
    Random rnd = new Random(seed);
    int scenarios = 300;
    int flips = 0;
    for (int s = 0; s < scenarios; s++) {
      List<Commit> commits = randomHistory(rnd, 4 + rnd.nextInt(10));
      Map<Long, Boolean> expected = reference(commits);
      for (int order = 0; order < 3; order++) {
        List<Commit> shuffled = new ArrayList<>(commits);
        Collections.shuffle(shuffled, rnd);
        Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1, () -> 0L));
        for (Commit c : shuffled) {
          store.ingest(v(c.version), c.locks, c.writes);
        }
        String where = "seed " + seed + " scenario " + s + " order " + order + " " + commits;
        for (Commit c : commits) {
          Validity got = store.validity(c.writes.get(0).path(), v(c.version));
          assertThat(got)
              .as(where + " commit " + c.version)
              .isEqualTo(expected.get(c.version) ? Validity.VALID : Validity.REJECTED);
        }
        for (String p : PATHS) {
          Value want = currentValue(commits, expected, Path.parse(p));
          assertThat(store.read(Path.parse(p)).value()).as(where + " current " + p).isEqualTo(want);
        }
      }
      flips += expected.values().stream().filter(b -> !b).count();
    }
    System.out.println("CascadeReferenceTest scenarios=" + scenarios + " rejected=" + flips);
    assertThat(flips).as("the generator produces rejections").isGreaterThan(scenarios / 2);
  }

  private static List<Commit> randomHistory(Random rnd, int n) {
    List<Long> versions = new ArrayList<>();
    Set<Long> used = new TreeSet<>();
    while (versions.size() < n) {
      long v = 1 + rnd.nextInt(100);
      if (used.add(v)) {
        versions.add(v);
      }
    }
    List<Commit> out = new ArrayList<>();
    List<long[]> written = new ArrayList<>(); // {version, pathIndex}
    for (long v : versions) {
      List<ReadLock> locks = new ArrayList<>();
      int nl = rnd.nextInt(3);
      for (int i = 0; i < nl; i++) {
        if (rnd.nextInt(4) == 0) {
          long r = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt((int) v);
          locks.add(ReadLock.children(Path.parseAllowingRoot(pick(rnd, PARENTS)), v(r)));
        } else if (!written.isEmpty() && rnd.nextBoolean()) {
          long[] w = written.get(rnd.nextInt(written.size()));
          if (w[0] < v) {
            locks.add(ReadLock.value(Path.parse(PATHS[(int) w[1]]), v(w[0])));
          }
        } else {
          locks.add(ReadLock.value(Path.parse(pick(rnd, PATHS)), Version.ZERO));
        }
      }
      List<Write> writes = new ArrayList<>();
      int nw = 1 + rnd.nextInt(2);
      Set<String> paths = new TreeSet<>();
      for (int i = 0; i < nw; i++) {
        int pi = rnd.nextInt(PATHS.length);
        if (paths.add(PATHS[pi])) {
          Value val = rnd.nextInt(4) == 0 ? Value.ABSENT : Value.ofJson(Long.toString(v));
          writes.add(new Write(Path.parse(PATHS[pi]), val));
          written.add(new long[] {v, pi});
        }
      }
      out.add(new Commit(v, dedupe(locks), writes));
    }
    return out;
  }

  private static List<ReadLock> dedupe(List<ReadLock> locks) {
    return new ArrayList<>(new java.util.LinkedHashSet<>(locks));
  }

  private static String pick(Random rnd, String[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private static Version v(long n) {
    return n == 0 ? Version.ZERO : new Version(n, 0);
  }

  /** Validity of every commit, decided in version order straight from the definitions. */
  static Map<Long, Boolean> reference(List<Commit> commits) {
    List<Commit> sorted = new ArrayList<>(commits);
    sorted.sort((x, y) -> Long.compare(x.version, y.version));
    Map<Long, Boolean> valid = new HashMap<>();
    for (Commit c : sorted) {
      boolean ok = true;
      for (ReadLock l : c.locks) {
        long r = l.readVersion().stamp();
        if (l.children()) {
          ok &= !keysChange(sorted, valid, l.path(), r, c.version);
        } else {
          if (r != 0) {
            ok &=
                sorted.stream()
                    .anyMatch(
                        o ->
                            o.version == r
                                && writes(o, l.path())
                                && valid.getOrDefault(o.version, false));
          }
          ok &=
              sorted.stream()
                  .noneMatch(
                      o ->
                          o.version > r
                              && o.version < c.version
                              && writes(o, l.path())
                              && valid.get(o.version));
        }
      }
      valid.put(c.version, ok);
    }
    return valid;
  }

  private static boolean writes(Commit c, Path p) {
    return c.writes.stream().anyMatch(w -> w.path().equals(p));
  }

  private static boolean keysChange(
      List<Commit> sorted, Map<Long, Boolean> valid, Path parent, long r, long end) {
    for (Commit o : sorted) {
      if (o.version > r
          && o.version < end
          && valid.get(o.version)
          && o.writes.stream().anyMatch(w -> parent.contains(w.path()) && !w.path().equals(parent))
          && !keysAt(sorted, valid, parent, o.version - 1)
              .equals(keysAt(sorted, valid, parent, o.version))) {
        return true;
      }
    }
    return false;
  }

  /** The child keys of {@code parent} as of version {@code t}, from valid commits only. */
  private static Set<String> keysAt(
      List<Commit> sorted, Map<Long, Boolean> valid, Path parent, long t) {
    Map<Path, Value> state = new HashMap<>();
    for (Commit o : sorted) {
      if (o.version <= t && Boolean.TRUE.equals(valid.get(o.version))) {
        for (Write w : o.writes) {
          state.put(w.path(), w.value());
        }
      }
    }
    Set<String> keys = new TreeSet<>();
    state.forEach(
        (p, val) -> {
          if (!val.isAbsent() && parent.contains(p) && p.size() > parent.size()) {
            keys.add(p.segment(parent.size()));
          }
        });
    return keys;
  }

  private static Value currentValue(List<Commit> commits, Map<Long, Boolean> valid, Path p) {
    long best = -1;
    Value val = Value.ABSENT;
    for (Commit c : commits) {
      if (valid.get(c.version) && c.version > best) {
        for (Write w : c.writes) {
          if (w.path().equals(p)) {
            best = c.version;
            val = w.value();
          }
        }
      }
    }
    return val;
  }
}
