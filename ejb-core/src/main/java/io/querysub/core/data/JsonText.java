package io.querysub.core.data;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks that bytes are exactly one JSON value in UTF-8, so the engine (which stores the text as it
 * is) never holds anything a client could not parse back. Stateless and thread-safe.
 */
public final class JsonText {
  // Looked up once: JsonProvider.provider() (behind every Json.create...) searches the class path
  // on every call; in Payara that was a fifth of the CPU of a WebSocket commit.
  private static final JsonProvider JSON = JsonProvider.provider();

  private JsonText() {}

  /**
   * Accepts the bytes as they are when they are strict UTF-8 holding one JSON value (any type,
   * including {@code null} and scalars) with nothing but whitespace around it.
   *
   * @throws QuerysubException {@code VALUE_INVALID} naming what is wrong
   */
  public static void check(byte[] utf8, String path) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8))
              .toString();
    } catch (CharacterCodingException e) {
      throw invalid("value is not valid UTF-8", path);
    }
    if (text.isBlank()) {
      throw invalid("value is empty; send JSON text (null, a number, a string, an array...)", path);
    }
    try (JsonParser parser = JSON.createParser(new StringReader(text))) {
      // Walk every event (skipArray/skipObject only tokenize, they do not check the grammar).
      int depth = 0;
      do {
        JsonParser.Event event = parser.next();
        if (event == JsonParser.Event.START_ARRAY || event == JsonParser.Event.START_OBJECT) {
          depth++;
        } else if (event == JsonParser.Event.END_ARRAY || event == JsonParser.Event.END_OBJECT) {
          depth--;
        }
      } while (depth > 0);
      if (parser.hasNext()) {
        throw invalid("value holds more than one JSON value", path);
      }
    } catch (JsonParsingException e) {
      throw invalid(
          "value is not valid JSON (at line "
              + e.getLocation().getLineNumber()
              + ", column "
              + e.getLocation().getColumnNumber()
              + ")",
          path);
    } catch (JsonException | java.util.NoSuchElementException e) {
      throw invalid("value is not valid JSON", path);
    }
  }

  /** The compact JSON text of a parsed value (used where a value arrives inside a larger body). */
  public static byte[] bytesOf(JsonValue value) {
    StringWriter out = new StringWriter();
    try (var writer = JSON.createWriter(out)) {
      writer.write(value);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A stored value parsed (null when absent), for conditions that look inside values. */
  public static JsonValue parse(io.querysub.engine.store.Value value) {
    if (value == null || value.isAbsent()) {
      return null;
    }
    try (var reader = JSON.createReader(new StringReader(value.json()))) {
      return reader.readValue();
    }
  }

  private static QuerysubException invalid(String message, String path) {
    return new QuerysubException(ErrorCode.VALUE_INVALID, message, path);
  }
}
