package io.querysub.engine.bench;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Blind single-path writes: a commit with one write and no read locks, on one of 10,000 paths (each
 * in a shard of its own). The horizon is moved every {@value Golden#EVERY} commits per thread, as a
 * node's housekeeping would, so history stays at about {@code maxChangeAgeMillis}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class BlindWriteBench {
  @Param("1000")
  long maxChangeAgeMillis;

  Store store;
  Path[] paths;
  Value value = Value.ofJson("{\"n\":12345}");

  @Setup
  public void setUp() {
    store =
        new Store(
            StoreOptions.DEFAULTS.withMaxChangeAge(Duration.ofMillis(maxChangeAgeMillis)),
            new HybridClock(1));
    paths = new Path[10_000];
    for (int i = 0; i < paths.length; i++) {
      paths[i] = Path.of("items", "i" + i);
    }
  }

  @State(Scope.Thread)
  public static class Worker {
    final SplittableRandom rnd = new SplittableRandom();
    final Golden golden = new Golden();
  }

  @Benchmark
  public CommitResult blindWrite(Worker w) {
    w.golden.tick(store);
    Path p = paths[w.rnd.nextInt(paths.length)];
    return store.commit(List.of(), List.of(new Write(p, value)));
  }
}
