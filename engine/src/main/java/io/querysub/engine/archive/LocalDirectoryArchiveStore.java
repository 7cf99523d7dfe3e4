package io.querysub.engine.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * PLACEHOLDER so the S3 branch compiles: the real local-directory store is written in parallel on
 * another branch, and the merge takes that one (same constructor). Every method refuses.
 */
public final class LocalDirectoryArchiveStore implements ArchiveStore {
  private final Path root;

  public LocalDirectoryArchiveStore(Path root) {
    this.root = root;
  }

  @Override
  public void put(String key, byte[] bytes) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public byte[] get(String key) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public long size(String key) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public List<String> list(String prefix) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public void delete(String key) {
    throw new UnsupportedOperationException("placeholder");
  }

  @Override
  public String describe() {
    return "local directory " + root + " (placeholder)";
  }

  @Override
  public void close() {}
}
