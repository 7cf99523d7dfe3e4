package io.querysub.engine.archive.internal;

import io.querysub.engine.archive.ArchiveKeys;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.LargeRef;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The payload of one segment record: {@code i64} version stamp, {@code i32} version node, {@code
 * u16} path length and the path's canonical text in UTF-8, then a kind byte and what the kind
 * needs: {@link #INLINE} ({@code i32} length and the value's JSON text), {@link #ABSENT} (nothing:
 * a delete) or {@link #LARGE} ({@code u16} key length and the key, {@code i64} size, {@code i32}
 * CRC32C). Big-endian. Stateless and thread-safe.
 */
public final class WriteCodec {
  public static final byte INLINE = 0;
  public static final byte ABSENT = 1;
  public static final byte LARGE = 2;

  /** The smallest payload: stamp, node, a path of two bytes ({@code /a}) and the kind. */
  public static final int MIN_PAYLOAD = 8 + 4 + 2 + 2 + 1;

  private WriteCodec() {}

  /** A write checked and measured for encoding: its texts as bytes and its payload's size. */
  public record Prepared(ArchivedWrite write, byte[] path, byte[] key, int size) {}

  /**
   * @throws IllegalArgumentException when the write cannot be encoded so that it decodes back: an
   *     invalid large-value key or a negative size
   */
  public static Prepared prepare(ArchivedWrite w) {
    byte[] path = Fields.shortText(w.path().toString(), "a path");
    long size = 8 + 4 + 2 + path.length + 1;
    byte[] key = null;
    if (w.large() != null) {
      LargeRef r = w.large();
      key = Fields.shortText(ArchiveKeys.check(r.key()), "a large value key");
      if (r.size() < 0) {
        throw new IllegalArgumentException("a large value's size must not be negative");
      }
      size += 2 + key.length + 8 + 4;
    } else if (!w.value().isAbsent()) {
      size += 4 + w.value().size();
    }
    if (size > Integer.MAX_VALUE - SegmentLayout.HEADER - SegmentLayout.RECORD_HEADER) {
      throw new IllegalArgumentException("a record of " + size + " bytes is too large");
    }
    return new Prepared(w, path, key, (int) size);
  }

  public static void put(ByteBuffer b, Prepared p) {
    ArchivedWrite w = p.write();
    b.putLong(w.version().stamp());
    b.putInt(w.version().node());
    Fields.putShortText(b, p.path());
    if (w.large() != null) {
      b.put(LARGE);
      Fields.putShortText(b, p.key());
      b.putLong(w.large().size());
      b.putInt(w.large().crc32c());
    } else if (w.value().isAbsent()) {
      b.put(ABSENT);
    } else {
      b.put(INLINE);
      b.putInt(w.value().size());
      b.put(w.value().jsonBytes());
    }
  }

  /**
   * Decodes a payload whose checksum matched.
   *
   * @throws IllegalArgumentException when the payload does not parse (a field running past its end,
   *     bytes left over, an unknown kind, a path that is not valid and canonical, a bad key): the
   *     caller treats it as damage
   */
  public static ArchivedWrite decode(byte[] buf, int at, int length) {
    ByteBuffer b = ByteBuffer.wrap(buf, at, length);
    try {
      long stamp = b.getLong();
      int node = b.getInt();
      if (stamp < 0 || node < 0) {
        throw new IllegalArgumentException("a negative version");
      }
      Version version = new Version(stamp, node);
      String text = Fields.getShortText(b);
      Path path = Path.parse(text);
      if (!path.toString().equals(text)) {
        throw new IllegalArgumentException("the path " + text + " is not in canonical form");
      }
      byte kind = b.get();
      ArchivedWrite w =
          switch (kind) {
            case INLINE -> ArchivedWrite.inline(path, version, inlineValue(b));
            case ABSENT -> ArchivedWrite.inline(path, version, Value.ABSENT);
            case LARGE -> new ArchivedWrite(path, version, null, largeRef(b));
            default -> throw new IllegalArgumentException("unknown value kind " + kind);
          };
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " bytes left after the value");
      }
      return w;
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("the payload ends inside a field", e);
    } catch (QuerysubException e) {
      throw new IllegalArgumentException("a bad path: " + e.getMessage(), e);
    }
  }

  private static Value inlineValue(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("a value length of " + n + " cannot be right");
    }
    byte[] json = new byte[n];
    b.get(json);
    return Value.ofJsonBytes(json);
  }

  private static LargeRef largeRef(ByteBuffer b) {
    String key = Fields.getShortText(b);
    String bad = ArchiveKeys.problem(key);
    if (bad != null) {
      throw new IllegalArgumentException("a bad large value key: " + bad);
    }
    long size = b.getLong();
    if (size < 0) {
      throw new IllegalArgumentException("a negative large value size");
    }
    return new LargeRef(key, size, b.getInt());
  }
}
