package io.querysub.websocket.protocol;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one text frame into {@link Request}s, strictly: a request is one JSON object with a known
 * {@code type}, the fields that type takes and no others (a typo must not silently change what a
 * request means). A frame is one request, or a JSON array of 1 to {@link #MAX_BATCH} of them
 * ({@link #readFrame}). Every refusal is a {@link ProtocolException} with code {@code BAD_REQUEST}
 * (or {@code NOT_SUPPORTED}) that carries the request id once it could be read. Stateless and
 * thread-safe.
 */
public final class RequestReader {
  /** Longest id string accepted. */
  public static final int MAX_ID_LENGTH = 128;

  /** Most requests in one array frame. */
  public static final int MAX_BATCH = 1000;

  /** One request of a frame as read: the request, or why it was refused. */
  public record Item(Request request, ProtocolException error) {
    /** The request's id, when it could be read. */
    public String id() {
      return request != null ? request.id() : error.id();
    }
  }

  // Looked up once: JsonProvider.provider() searches the class path on every call.
  private static final JsonProvider JSON = JsonProvider.provider();

  private static final Map<String, Set<String>> FIELDS =
      Map.of(
          "hello", Set.of("type", "protocol", "clientId", "batching", "token"),
          "auth", Set.of("type", "id", "token"),
          "watch", Set.of("type", "id", "kind", "path", "mode", "since"),
          "unwatch", Set.of("type", "id"),
          "read", Set.of("type", "id", "path"),
          "commit", Set.of("type", "id", "reads", "childReads", "writes", "durable"),
          "call", Set.of("type", "id", "function", "callId", "args", "durable"),
          "ping", Set.of("type", "id"));

  private RequestReader() {}

  /** Reads a frame that must hold one request (a JSON object). */
  public static Request read(String text) {
    return request(parse(text));
  }

  /**
   * Reads a frame: one request, or an array of 1 to {@link #MAX_BATCH} requests, each read on its
   * own (a bad element is refused in its {@link Item}, the others still count).
   *
   * @throws ProtocolException when the frame as a whole is not JSON, is an empty or too long array,
   *     or is neither an object nor an array
   */
  public static List<Item> readFrame(String text) {
    JsonValue parsed = parse(text);
    if (!(parsed instanceof JsonArray a)) {
      return List.of(new Item(request(parsed), null));
    }
    if (a.isEmpty() || a.size() > MAX_BATCH) {
      throw bad("an array frame holds 1 to " + MAX_BATCH + " requests, got " + a.size(), null);
    }
    List<Item> items = new ArrayList<>(a.size());
    for (JsonValue v : a) {
      try {
        if (!(v instanceof JsonObject)) {
          throw bad("each element of an array frame must be one JSON object", null);
        }
        items.add(new Item(request(v), null));
      } catch (ProtocolException e) {
        items.add(new Item(null, e));
      }
    }
    return items;
  }

  private static JsonValue parse(String text) {
    JsonValue parsed;
    try (JsonParser p = JSON.createParser(new StringReader(text))) {
      if (!p.hasNext()) {
        throw bad("frame is empty", null);
      }
      p.next();
      parsed = p.getValue();
      if (p.hasNext()) {
        throw bad("frame holds more than one JSON value", null);
      }
    } catch (JsonParsingException e) {
      throw bad(
          "frame is not valid JSON (line "
              + e.getLocation().getLineNumber()
              + ", column "
              + e.getLocation().getColumnNumber()
              + ")",
          null);
    } catch (JsonException e) {
      throw bad("frame is not valid JSON", null);
    }
    return parsed;
  }

  private static Request request(JsonValue parsed) {
    if (!(parsed instanceof JsonObject o)) {
      throw bad("a frame must be one JSON object (or an array of them)", null);
    }
    String id = o.containsKey("id") ? id(o.get("id"), "id", null) : null;
    if (!(o.get("type") instanceof JsonString t)) {
      throw bad("\"type\" must be a string naming the message", id);
    }
    String type = t.getString();
    Set<String> allowed = FIELDS.get(type);
    if (allowed == null) {
      throw bad("unknown message type '" + type + "'", id);
    }
    for (String key : o.keySet()) {
      if (!allowed.contains(key)) {
        throw bad("unknown field '" + key + "' in " + type, id);
      }
    }
    return switch (type) {
      case "hello" ->
          new Request.Hello(
              string(o, "protocol", true, id),
              string(o, "clientId", false, id),
              bool(o, "batching", id),
              string(o, "token", false, id));
      case "auth" -> new Request.Auth(required(id, type), string(o, "token", true, id));
      case "watch" -> watch(o, required(id, type));
      case "unwatch" -> new Request.Unwatch(required(id, type));
      case "read" -> new Request.Read(required(id, type), string(o, "path", true, id));
      case "commit" -> commit(o, required(id, type));
      case "call" -> call(o, required(id, type));
      default -> new Request.Ping(id);
    };
  }

  private static Request.Watch watch(JsonObject o, String id) {
    String kindText = string(o, "kind", true, id);
    WatchKind kind = WatchKind.of(kindText);
    if (kind == null) {
      throw bad("\"kind\" must be path, children or subtree, got '" + kindText + "'", id);
    }
    String modeText = string(o, "mode", false, id);
    WatchMode mode = modeText == null ? WatchMode.LATEST : WatchMode.of(modeText);
    if (mode == null) {
      throw bad("\"mode\" must be latest, once or history, got '" + modeText + "'", id);
    }
    return new Request.Watch(
        id, kind, string(o, "path", true, id), mode, string(o, "since", false, id));
  }

  private static Request.Commit commit(JsonObject o, String id) {
    List<Request.Lock> reads = new ArrayList<>();
    for (JsonObject l : objects(o, "reads", id)) {
      reads.add(lock(l, "reads", id));
    }
    List<Request.Lock> childReads = new ArrayList<>();
    for (JsonObject l : objects(o, "childReads", id)) {
      childReads.add(lock(l, "childReads", id));
    }
    List<Request.WriteOp> writes = new ArrayList<>();
    for (JsonObject w : objects(o, "writes", id)) {
      writes.add(write(w, id));
    }
    return new Request.Commit(id, reads, childReads, writes, bool(o, "durable", id));
  }

  private static Request.Call call(JsonObject o, String id) {
    String function = string(o, "function", true, id);
    String callId = string(o, "callId", true, id);
    if (callId.isEmpty() || callId.length() > MAX_ID_LENGTH) {
      throw bad("\"callId\" must be 1 to " + MAX_ID_LENGTH + " characters", id);
    }
    return new Request.Call(id, function, callId, o.get("args"), bool(o, "durable", id));
  }

  private static Request.Lock lock(JsonObject l, String list, String id) {
    for (String key : l.keySet()) {
      if (!key.equals("path") && !key.equals("version") && !key.equals("commit")) {
        throw bad("unknown field '" + key + "' in " + list, id);
      }
    }
    String path = string(l, "path", true, id);
    String version = string(l, "version", false, id);
    JsonValue commit = l.get("commit");
    if ((version == null) == (commit == null)) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST,
          "a lock in " + list + " has either a \"version\" or the \"commit\" it read, not both",
          id,
          path);
    }
    return new Request.Lock(path, version, commit == null ? null : id(commit, "commit", id));
  }

  private static Request.WriteOp write(JsonObject w, String id) {
    for (String key : w.keySet()) {
      if (!key.equals("path") && !key.equals("value") && !key.equals("delete")) {
        throw bad("unknown field '" + key + "' in writes", id);
      }
    }
    String path = string(w, "path", true, id);
    JsonValue delete = w.get("delete");
    if (delete != null && delete != JsonValue.TRUE && delete != JsonValue.FALSE) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST, "\"delete\" must be true or false", id, path);
    }
    boolean deleting = delete == JsonValue.TRUE;
    JsonValue value = w.get("value"); // JSON null is a value; a missing field is not
    if (deleting == (value != null)) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST,
          "a write has either a value (any JSON, null included) or \"delete\": true",
          id,
          path);
    }
    return new Request.WriteOp(path, value, deleting);
  }

  private static List<JsonObject> objects(JsonObject o, String field, String id) {
    JsonValue v = o.get(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw bad("\"" + field + "\" must be an array", id);
    }
    List<JsonObject> out = new ArrayList<>(a.size());
    for (JsonValue e : a) {
      if (!(e instanceof JsonObject eo)) {
        throw bad("every element of \"" + field + "\" must be an object", id);
      }
      out.add(eo);
    }
    return out;
  }

  private static String string(JsonObject o, String field, boolean required, String id) {
    JsonValue v = o.get(field);
    if (v == null) {
      if (required) {
        throw bad("\"" + field + "\" is required", id);
      }
      return null;
    }
    if (!(v instanceof JsonString s)) {
      throw bad("\"" + field + "\" must be a string", id);
    }
    return s.getString();
  }

  private static boolean bool(JsonObject o, String field, String id) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.FALSE) {
      return false;
    }
    if (v != JsonValue.TRUE) {
      throw bad("\"" + field + "\" must be true or false", id);
    }
    return true;
  }

  private static String required(String id, String type) {
    if (id == null) {
      throw bad("\"id\" is required in " + type, null);
    }
    return id;
  }

  /**
   * A request id ({@code field} names where it stands) as canonical JSON text: a string of 1..128
   * characters, or an integer. {@code requestId} is the id of the request holding it, if known.
   */
  private static String id(JsonValue v, String field, String requestId) {
    if (v instanceof JsonString s) {
      int n = s.getString().length();
      if (n == 0 || n > MAX_ID_LENGTH) {
        throw bad("\"" + field + "\" must be 1 to " + MAX_ID_LENGTH + " characters", requestId);
      }
      return s.toString();
    }
    if (v instanceof JsonNumber n && n.isIntegral() && n.bigIntegerValue().bitLength() < 64) {
      return Long.toString(n.longValue());
    }
    throw bad("\"" + field + "\" must be a string or an integer", requestId);
  }

  private static ProtocolException bad(String message, String id) {
    return new ProtocolException(WireCodes.BAD_REQUEST, message, id, null);
  }
}
