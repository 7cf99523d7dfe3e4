package io.querysub.engine.archive.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Fields shared by segments and manifests: CRC32C, and short texts ({@code u16} length, then
 * UTF-8). Reads go through a {@link ByteBuffer} whose limit is the end of the enclosing payload, so
 * a field running past it throws {@link java.nio.BufferUnderflowException}. Stateless.
 */
public final class Fields {
  private Fields() {}

  public static int crc32c(byte[] buf, int at, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buf, at, length);
    return (int) crc.getValue();
  }

  /**
   * The UTF-8 bytes of a text that a {@code u16} length can hold.
   *
   * @throws IllegalArgumentException when it is longer than 65,535 bytes
   */
  public static byte[] shortText(String text, String what) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xFFFF) {
      throw new IllegalArgumentException(what + " is longer than 65535 bytes in UTF-8");
    }
    return b;
  }

  public static void putShortText(ByteBuffer b, byte[] utf8) {
    b.putShort((short) utf8.length);
    b.put(utf8);
  }

  /**
   * Reads a {@code u16} length and that many bytes of UTF-8.
   *
   * @throws java.nio.BufferUnderflowException when the text runs past the buffer's limit
   * @throws IllegalArgumentException when the bytes are not valid UTF-8
   */
  public static String getShortText(ByteBuffer b) {
    byte[] utf8 = new byte[Short.toUnsignedInt(b.getShort())];
    b.get(utf8);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a text field is not valid UTF-8");
    }
  }
}
