package io.querysub.core.archive;

import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import org.junit.jupiter.api.io.TempDir;

/** The archive store contract, run against the local directory store. */
class LocalDirectoryArchiveStoreContractTest extends ArchiveStoreContract {
  @TempDir java.nio.file.Path dir;

  @Override
  protected ArchiveStore newStore() {
    return new LocalDirectoryArchiveStore(dir.resolve("archive"));
  }
}
