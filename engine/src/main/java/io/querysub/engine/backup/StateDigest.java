package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.LargeRef;
import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The state of the data as of one version, and its content digest: per path the newest write at or
 * below the version, deletes left out, in path order; the digest is a SHA-256 of every such path,
 * version and value (large values by their bytes), so two archives, backups or restores that hold
 * the same data as of a version have the same digest however their segments are cut. A database's
 * digest is the SHA-256 of its partitions' digests in partition order.
 */
public final class StateDigest {
  /** Reads the bytes of a large value. */
  @FunctionalInterface
  public interface LargeValues {
    byte[] bytes(LargeRef ref) throws IOException;
  }

  private StateDigest() {}

  /**
   * Per path, the newest of {@code writes} at or below {@code asOf}, without deletes, in path
   * order; only paths at or below {@code under} when it is not null.
   */
  public static List<ArchivedWrite> stateAsOf(
      Collection<ArchivedWrite> writes, Version asOf, Path under) {
    Map<Path, ArchivedWrite> newest = new HashMap<>();
    for (ArchivedWrite w : writes) {
      if (w.version().compareTo(asOf) > 0 || (under != null && !under.contains(w.path()))) {
        continue;
      }
      ArchivedWrite had = newest.get(w.path());
      if (had == null || had.version().compareTo(w.version()) < 0) {
        newest.put(w.path(), w);
      }
    }
    List<ArchivedWrite> out = new ArrayList<>(newest.size());
    for (ArchivedWrite w : newest.values()) {
      if (w.value() == null || !w.value().isAbsent()) {
        out.add(w);
      }
    }
    out.sort(Comparator.comparing(ArchivedWrite::path));
    return out;
  }

  /** The digest of one partition's state ({@link #stateAsOf}'s order). */
  public static byte[] digest(List<ArchivedWrite> state, LargeValues large) throws IOException {
    MessageDigest md = sha256();
    ByteBuffer head = ByteBuffer.allocate(8 + 4 + 4);
    for (ArchivedWrite w : state) {
      md.update(w.path().toString().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      byte[] value = w.value() != null ? w.value().jsonBytes() : large.bytes(w.large());
      head.clear();
      head.putLong(w.version().stamp()).putInt(w.version().node()).putInt(value.length);
      md.update(head.array());
      md.update(value);
    }
    return md.digest();
  }

  /** The digest of a database: of its partitions' digests, in partition order. */
  public static String combine(List<String> partitionDigests) {
    MessageDigest md = sha256();
    for (String d : partitionDigests) {
      md.update(HexFormat.of().parseHex(d));
    }
    return hex(md.digest());
  }

  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
