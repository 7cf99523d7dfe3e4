package io.querysub.web.api;

import io.querysub.core.fn.CallOutcome;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;

/**
 * A call's outcome as JSON. Success: {@code {"callId","function","status":"ok","result",
 * "version","attempts"}} with the result spliced in as stored. Failure: the error shape of every
 * refusal ({@code code}, {@code message}, {@code path}) plus {@code callId}, {@code function},
 * {@code status: "failed"}, {@code attempts} and, for {@code INVALID_ARGUMENT}, {@code fields}.
 */
final class CallJson {
  private static final JsonProvider JSON = JsonProvider.provider();

  private CallJson() {}

  static String of(CallOutcome o) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (o.status() == CallOutcome.Status.FAILED) {
        g.write("code", o.code().name()).write("message", o.message()).writeNull("path");
      }
      g.write("callId", o.callId()).write("function", o.function());
      g.write("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
      if (o.version() != null && o.status() != CallOutcome.Status.FAILED) {
        g.write("version", o.version().toString());
      }
      g.write("attempts", o.attempts());
      if (!o.fields().isEmpty()) {
        g.writeStartArray("fields");
        for (CallOutcome.FieldError f : o.fields()) {
          g.writeStartObject().write("field", f.field()).write("message", f.message()).writeEnd();
        }
        g.writeEnd();
      }
      if (o.status() == CallOutcome.Status.OK) {
        g.write("result", "\u0000"); // placeholder, replaced by the raw result below
      }
      g.writeEnd();
    }
    String text = out.toString();
    return o.status() == CallOutcome.Status.OK ? text.replace("\"\\u0000\"", o.resultJson()) : text;
  }
}
