package io.querysub.web.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawJsonWriterTest {
  private static final Version V = Version.of(1764072000123L, 5, 1);

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static JsonObject parse(byte[] b) {
    return Json.createReader(new StringReader(text(b))).readObject();
  }

  @Test
  void splicesTheStoredTextUnchanged() {
    String stored = "{ \"n\" : 1.50,\n \"s\": \"caf\u00e9\" }";
    byte[] out = RawJsonWriter.data(new ReadResult(Path.parse("/a/b"), Value.ofJson(stored), V));
    assertThat(text(out))
        .isEqualTo(
            "{\"path\":\"/a/b\",\"value\":" + stored + ",\"version\":\"1764072000123.5.1\"}");
  }

  @Test
  void escapesPathsAndKeysAsJsonStrings() {
    Path p = Path.of("q\"uote", "a/b");
    byte[] out = RawJsonWriter.data(new ReadResult(p, Value.NULL, V));
    JsonObject o = parse(out);
    assertThat(o.getString("path")).isEqualTo("/q\"uote/a%2Fb");
    assertThat(o.isNull("value")).isTrue();

    var page =
        new ChildrenPage(p, List.of(new ChildrenPage.Child("k\\\"\n", null, null)), V, "k\\\"\n");
    JsonObject c = parse(RawJsonWriter.children(page, false));
    assertThat(c.getJsonArray("children").getJsonObject(0).getString("key")).isEqualTo("k\\\"\n");
    assertThat(c.getString("next")).isEqualTo("k\\\"\n");
  }

  @Test
  void childrenWithValuesOmitTheValueOfAKeyThatHoldsNone() {
    var page =
        new ChildrenPage(
            Path.ROOT,
            List.of(
                new ChildrenPage.Child("a", Value.ofJson("[1, 2]"), V),
                new ChildrenPage.Child("b", Value.ABSENT, Version.ZERO),
                new ChildrenPage.Child("c", Value.NULL, V)),
            V,
            null);
    String out = text(RawJsonWriter.children(page, true));
    assertThat(out)
        .isEqualTo(
            "{\"path\":\"/\",\"readVersion\":\"1764072000123.5.1\",\"children\":["
                + "{\"key\":\"a\",\"value\":[1, 2],\"version\":\"1764072000123.5.1\"},"
                + "{\"key\":\"b\",\"version\":\"0\"},"
                + "{\"key\":\"c\",\"value\":null,\"version\":\"1764072000123.5.1\"}],"
                + "\"next\":null}");
  }
}
