package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchiveLoader;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.ArchiverOptions;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** A store whose golden writes an archiver writes to a store, as a node runs them. */
final class ArchiveFixture {
  final ArchiveStore archive;
  final Store store;
  final Archiver archiver;

  ArchiveFixture(ArchiveStore archive, int partitions, long largeValueBytes) throws IOException {
    this.archive = archive;
    this.store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    ArchiveLoader.Loaded loaded = ArchiveLoader.load(archive, store);
    store.advanceGolden(loaded.archivedUpTo());
    this.archiver =
        new Archiver(
            archive, options(partitions, largeValueBytes), loaded, null, System::currentTimeMillis);
    store.setGoldenSink(archiver);
  }

  static ArchiverOptions options(int partitions, long largeValueBytes) {
    return new ArchiverOptions(
        partitions,
        2,
        largeValueBytes,
        Duration.ofDays(1),
        100_000,
        64L << 20,
        Duration.ofSeconds(1),
        Duration.ofSeconds(4),
        Duration.ZERO);
  }

  Version put(String path, String json) {
    return store
        .commit(List.of(), List.of(new Write(Path.parse(path), Value.ofJson(json))))
        .version();
  }

  Version delete(String path) {
    return store.commit(List.of(), List.of(Write.delete(Path.parse(path)))).version();
  }

  /** Makes everything golden and archives it: one round, one segment per partition written. */
  Version archive() throws IOException {
    store.advanceGolden(store.clock().now());
    archiver.archiveNow();
    return archiver.current().archivedUpTo();
  }
}
