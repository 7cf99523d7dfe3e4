package io.querysub.web.protocol;

import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Value;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes responses that carry stored values, copying each value's JSON text into the body byte for
 * byte: the server never parses or re-serializes what it only stores and forwards, so a client gets
 * back exactly the text it wrote (spacing, number spelling and key order included). Only the
 * surrounding fields are generated here, with JSON-P escaping for strings.
 */
public final class RawJsonWriter {
  // Looked up once: JsonProvider.provider() searches the class path on every call.
  private static final JsonProvider JSON = JsonProvider.provider();

  private final ByteArrayOutputStream out;

  private RawJsonWriter(int sizeHint) {
    out = new ByteArrayOutputStream(sizeHint);
  }

  /** {@code {"path":..,"value":<stored text>,"version":..}} for a value that exists. */
  public static byte[] data(ReadResult r) {
    RawJsonWriter w = new RawJsonWriter(r.value().size() + 96);
    w.ascii("{\"path\":").string(r.path().toString());
    w.ascii(",\"value\":").raw(r.value());
    w.ascii(",\"version\":").string(r.version().toString()).ascii("}");
    return w.out.toByteArray();
  }

  /**
   * {@code {"path","readVersion","children":[{"key"[,"value","version"]}],"next"}}. With values, a
   * key whose own value is absent (it exists because of paths below it) has no {@code value} field,
   * so absent stays distinct from {@code null}.
   */
  public static byte[] children(ChildrenPage page, boolean withValues) {
    int hint = 128;
    for (ChildrenPage.Child c : page.children()) {
      hint += c.key().length() + 16 + (withValues ? c.value().size() + 48 : 0);
    }
    RawJsonWriter w = new RawJsonWriter(hint);
    w.ascii("{\"path\":").string(page.parent().toString());
    w.ascii(",\"readVersion\":").string(page.readVersion().toString());
    w.ascii(",\"children\":[");
    boolean first = true;
    for (ChildrenPage.Child c : page.children()) {
      w.ascii(first ? "{\"key\":" : ",{\"key\":").string(c.key());
      first = false;
      if (withValues) {
        if (!c.value().isAbsent()) {
          w.ascii(",\"value\":").raw(c.value());
        }
        w.ascii(",\"version\":").string(c.version().toString());
      }
      w.ascii("}");
    }
    w.ascii("],\"next\":");
    if (page.next() == null) {
      w.ascii("null");
    } else {
      w.string(page.next());
    }
    w.ascii("}");
    return w.out.toByteArray();
  }

  private RawJsonWriter ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  private RawJsonWriter string(String s) {
    out.writeBytes(JSON.createValue(s).toString().getBytes(StandardCharsets.UTF_8));
    return this;
  }

  private RawJsonWriter raw(Value v) {
    out.writeBytes(v.jsonBytes());
    return this;
  }
}
