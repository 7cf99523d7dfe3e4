package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchiveFormatException;
import io.querysub.engine.archive.ArchiveLoader;
import io.querysub.engine.archive.ArchiveObjectNotFoundException;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.LargeRef;
import io.querysub.engine.archive.SegmentCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads segments whole and checked: no damage, exactly the records the manifest lists. */
public final class Segments {
  private Segments() {}

  /**
   * The writes of {@code segments} (read from {@code store}), checked against their manifest
   * entries.
   *
   * @throws BackupException when a segment is missing, damaged, or holds another number of records
   *     or bytes than its entry says
   * @throws IOException when the store cannot be read
   */
  public static List<ArchivedWrite> read(ArchiveStore store, List<SourceSegment> segments)
      throws IOException {
    List<ArchivedWrite> out = new ArrayList<>();
    for (SourceSegment s : segments) {
      out.addAll(read(store, s));
    }
    return out;
  }

  /** One segment's writes; see {@link #read(ArchiveStore, List)}. */
  public static List<ArchivedWrite> read(ArchiveStore store, SourceSegment s) throws IOException {
    return check(s, get(store, s.key()));
  }

  /** Checks the bytes of {@code s} ({@link SegmentCodec#readWhole}) and returns its writes. */
  static List<ArchivedWrite> check(SourceSegment s, byte[] bytes) throws BackupException {
    try {
      return SegmentCodec.readWhole(s.key(), s.ref(), bytes);
    } catch (ArchiveFormatException e) {
      throw new BackupException(e.getMessage());
    }
  }

  /** The object under {@code key}; a missing one is a {@link BackupException}. */
  static byte[] get(ArchiveStore store, String key) throws IOException {
    try {
      return store.get(key);
    } catch (ArchiveObjectNotFoundException e) {
      throw new BackupException("object " + key + " is missing from " + store.describe());
    }
  }

  /**
   * Reads large values from {@code store}, where they are kept under {@code keys.get(ref.key())}
   * (or under {@code ref.key()} when the map has no entry), checking size and checksum.
   */
  public static StateDigest.LargeValues large(ArchiveStore store, Map<String, String> keys) {
    return ref -> {
      LargeRef at = new LargeRef(keys.getOrDefault(ref.key(), ref.key()), ref.size(), ref.crc32c());
      try {
        return ArchiveLoader.readLarge(store, at);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (IllegalStateException e) {
        throw new BackupException(e.getMessage());
      }
    };
  }
}
