package io.querysub.engine.wal.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import io.querysub.engine.wal.WalRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One record, as in {@code docs/wal-format.md}: {@code u32 length}, {@code u32 crc32c} (over the
 * length's four bytes, then the payload), then the payload: {@code u8 type} (1, a commit), {@code
 * i64 stamp}, {@code i32 node}, {@code u32 writes}, and per write {@code u16 path length}, the
 * path's canonical text in UTF-8, {@code i32 value length} ({@code -1}: absent, a delete) and the
 * value's JSON text. Big-endian throughout. Stateless and thread-safe.
 */
public final class RecordCodec {
  public static final int HEADER = 8;
  public static final byte COMMIT = 1;

  /** The smallest payload: type, stamp, node, write count. */
  public static final int MIN_PAYLOAD = 1 + 8 + 4 + 4;

  private RecordCodec() {}

  /** The whole record (length, checksum, payload) as bytes. */
  public static byte[] encode(Version version, List<Write> writes) {
    int n = writes.size();
    byte[][] paths = new byte[n][];
    int size = HEADER + MIN_PAYLOAD;
    for (int i = 0; i < n; i++) {
      Write w = writes.get(i);
      paths[i] = w.path().toString().getBytes(StandardCharsets.UTF_8);
      size += 2 + paths[i].length + 4 + w.value().size();
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
    b.putInt(size - HEADER);
    b.putInt(0); // the checksum, below
    b.put(COMMIT);
    b.putLong(version.stamp());
    b.putInt(version.node());
    b.putInt(n);
    for (int i = 0; i < n; i++) {
      b.putShort((short) paths[i].length);
      b.put(paths[i]);
      Value v = writes.get(i).value();
      if (v.isAbsent()) {
        b.putInt(-1);
      } else {
        b.putInt(v.size());
        b.put(v.jsonBytes());
      }
    }
    byte[] out = b.array();
    b.putInt(4, checksum(out, 0, size - HEADER));
    return out;
  }

  /**
   * The CRC32C of a record's length field followed by its payload; {@code at} is the record's first
   * byte and {@code payloadLength} the length field's value.
   */
  public static int checksum(byte[] buf, int at, int payloadLength) {
    CRC32C crc = new CRC32C();
    crc.update(buf, at, 4);
    crc.update(buf, at + HEADER, payloadLength);
    return (int) crc.getValue();
  }

  /**
   * Decodes a payload whose checksum matched.
   *
   * @throws IllegalArgumentException when the payload does not parse (a bug or a collision of the
   *     checksum): the caller treats it as damage
   */
  public static WalRecord decode(byte[] buf, int at, int length) {
    ByteBuffer b = ByteBuffer.wrap(buf, at, length).order(ByteOrder.BIG_ENDIAN);
    try {
      byte type = b.get();
      if (type != COMMIT) {
        throw new IllegalArgumentException("unknown record type " + type);
      }
      Version v = new Version(b.getLong(), b.getInt());
      int n = b.getInt();
      if (n < 1 || n > length) {
        throw new IllegalArgumentException("bad write count " + n);
      }
      List<Write> writes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int pl = Short.toUnsignedInt(b.getShort());
        String text = new String(buf, b.position(), pl, StandardCharsets.UTF_8);
        b.position(b.position() + pl);
        int vl = b.getInt();
        Value value;
        if (vl == -1) {
          value = Value.ABSENT;
        } else if (vl < 0 || vl > b.remaining()) {
          throw new IllegalArgumentException("bad value length " + vl);
        } else {
          int p = b.position();
          value = Value.ofJsonBytes(Arrays.copyOfRange(buf, p, p + vl));
          b.position(p + vl);
        }
        writes.add(new Write(Path.parse(text), value));
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " bytes left after the last write");
      }
      return new WalRecord(v, writes);
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("record ends inside a field", e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
