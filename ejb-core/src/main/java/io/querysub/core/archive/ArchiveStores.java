package io.querysub.core.archive;

import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import java.io.IOException;
import java.util.Optional;

/** Opens the {@link ArchiveStore} the settings name. */
public final class ArchiveStores {
  private ArchiveStores() {}

  /**
   * The store of {@code settings}: a {@link LocalDirectoryArchiveStore} on {@link
   * ArchiveSettings#dir()}, an {@link S3ArchiveStore}, or empty for {@link
   * ArchiveSettings.Store#NONE} (no archive: the caller archives nothing). The S3 store makes no
   * request here; an unreachable server shows on the first call. The caller closes the store.
   *
   * @throws IOException when the local directory cannot be opened
   */
  public static Optional<ArchiveStore> open(ArchiveSettings settings) throws IOException {
    return switch (settings.store()) {
      case LOCAL -> Optional.of(new LocalDirectoryArchiveStore(settings.dir()));
      case S3 -> Optional.of(new S3ArchiveStore(settings.s3()));
      case NONE -> Optional.empty();
    };
  }
}
