package io.querysub.engine.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.QuerysubException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {

  @Test
  void neverGoesBackwardsWhenPhysicalTimeDoes() {
    AtomicLong ms = new AtomicLong(1_000);
    HybridClock clock = new HybridClock(3, ms::get);
    Version a = clock.now();
    ms.set(500);
    Version b = clock.now();
    assertThat(b).isGreaterThan(a);
    assertThat(b.millis()).isEqualTo(1_000);
    assertThat(b.counter()).isEqualTo(a.counter() + 1);
    assertThat(b.node()).isEqualTo(3);
    ms.set(2_000);
    Version c = clock.now();
    assertThat(c.millis()).isEqualTo(2_000);
    assertThat(c.counter()).isZero();
  }

  @Test
  void mergesObservedVersions() {
    HybridClock clock = new HybridClock(1, () -> 100);
    Version remote = Version.of(5_000, 7, 9);
    clock.observe(remote);
    Version next = clock.now();
    assertThat(next).isGreaterThan(remote);
    assertThat(next.millis()).isEqualTo(5_000);
    assertThat(next.counter()).isEqualTo(8);
  }

  @Test
  void counterOverflowCarriesIntoMillis() {
    HybridClock clock = new HybridClock(1, () -> 10);
    clock.observe(Version.of(10, 65_535, 0));
    Version v = clock.now();
    assertThat(v.millis()).isEqualTo(11);
    assertThat(v.counter()).isZero();
  }

  @Test
  void uniqueAndIncreasingAcrossThreads() throws Exception {
    HybridClock clock = new HybridClock(2, () -> 42);
    Set<Version> all = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                Version prev = Version.ZERO;
                for (int i = 0; i < 20_000; i++) {
                  Version v = clock.now();
                  assertThat(v).isGreaterThan(prev);
                  prev = v;
                  all.add(v);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(all).hasSize(80_000);
  }

  @Test
  void textFormRoundTrips() {
    Version v = Version.of(1764072000123L, 5, 1);
    assertThat(v.toString()).isEqualTo("1764072000123.5.1");
    assertThat(Version.parse(v.toString())).isEqualTo(v);
    assertThat(Version.parse("0")).isEqualTo(Version.ZERO);
    assertThat(Version.ZERO.toString()).isEqualTo("0");
    for (String bad : new String[] {"", "1.2", "a.b.c", "1.2.3.4", "-1.0.0", "1.70000.0", "1..1"}) {
      assertThatThrownBy(() -> Version.parse(bad)).as(bad).isInstanceOf(QuerysubException.class);
    }
  }

  @Test
  void ordersByStampThenNode() {
    assertThat(Version.of(1, 0, 9)).isLessThan(Version.of(1, 1, 0));
    assertThat(Version.of(1, 1, 0)).isLessThan(Version.of(1, 1, 1));
    assertThat(Version.ZERO).isLessThan(Version.of(0, 1, 0));
  }
}
