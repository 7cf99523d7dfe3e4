package io.querysub.websocket.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Conflict;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Validity;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.Change;
import io.querysub.engine.watch.ChangeBatch;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
  private static final Version V1 = Version.of(1_700_000_000_000L, 0, 1);
  private static final Version V2 = Version.of(1_700_000_000_001L, 3, 1);

  private static JsonObject parse(String frame) {
    return Json.createReader(new StringReader(frame)).readObject();
  }

  @Test
  void copiesStoredJsonTextByteForByte() {
    String stored = "{ \"b\" : 1.50,\"a\":[true , null] }";
    String f =
        FrameWriter.pathSnapshot(
            "1", new ReadResult(Path.parse("/x"), Value.ofJson(stored), V1), true);
    assertThat(f).contains("\"value\":" + stored + ",");
    JsonObject o = parse(f);
    assertThat(o.getString("type")).isEqualTo("snapshot");
    assertThat(o.getBoolean("full")).isTrue();
    assertThat(o.getJsonArray("entries").getJsonObject(0).getString("version"))
        .isEqualTo(V1.toString());
  }

  @Test
  void absentHasNoValueFieldAndNullIsAValue() {
    JsonObject absent =
        parse(
            FrameWriter.pathSnapshot(
                "1", new ReadResult(Path.parse("/x"), Value.ABSENT, V1), true));
    assertThat(absent.getJsonArray("entries").getJsonObject(0).containsKey("value")).isFalse();
    JsonObject nul =
        parse(
            FrameWriter.pathSnapshot("1", new ReadResult(Path.parse("/x"), Value.NULL, V1), true));
    assertThat(nul.getJsonArray("entries").getJsonObject(0).isNull("value")).isTrue();
    JsonObject skipped =
        parse(
            FrameWriter.pathSnapshot("1", new ReadResult(Path.parse("/x"), Value.NULL, V1), false));
    assertThat(skipped.getJsonArray("entries")).isEmpty();
    assertThat(skipped.getBoolean("full")).isFalse();
  }

  @Test
  void childrenEntriesAreFullPathsAndEscaped() {
    ChildrenPage page =
        new ChildrenPage(
            Path.parse("/room"),
            List.of(
                new ChildrenPage.Child("a/\"b\"", Value.ofJson("1"), V1),
                new ChildrenPage.Child("deep", Value.ABSENT, V2)),
            V2,
            null);
    JsonObject o = parse(FrameWriter.childrenSnapshot("\"w\"", page));
    assertThat(o.getString("id")).isEqualTo("w");
    assertThat(o.getJsonArray("entries").getJsonObject(0).getString("path"))
        .isEqualTo("/room/a%2F\"b\"");
    assertThat(o.getJsonArray("entries").getJsonObject(1).containsKey("value")).isFalse();
  }

  @Test
  void changesCarryEveryBatchInOrder() {
    Path p = Path.parse("/a/k");
    String f =
        FrameWriter.changes(
            "9",
            List.of(
                new ChangeBatch(V1, List.of(Change.value(p, Value.ofJson("\"x\""), V1))),
                new ChangeBatch(
                    V2,
                    List.of(
                        Change.value(p, Value.ABSENT, V2),
                        new Change(Change.Kind.KEY_REMOVED, p, Value.ABSENT, V2)))),
            false);
    JsonObject o = parse(f);
    assertThat(o.containsKey("coalesced")).isFalse();
    assertThat(o.getJsonArray("batches")).hasSize(2);
    JsonObject second = o.getJsonArray("batches").getJsonObject(1);
    assertThat(second.getString("version")).isEqualTo(V2.toString());
    assertThat(second.getJsonArray("changes").getJsonObject(0).containsKey("value")).isFalse();
    assertThat(second.getJsonArray("changes").getJsonObject(1).getString("op"))
        .isEqualTo("keyRemoved");
  }

  @Test
  void resultsAndErrors() {
    JsonObject valid = parse(FrameWriter.result("1", new CommitResult(V2, Validity.VALID, null)));
    assertThat(valid.getString("status")).isEqualTo("valid");
    assertThat(valid.getString("version")).isEqualTo(V2.toString());
    JsonObject rejected =
        parse(
            FrameWriter.result(
                "1",
                new CommitResult(
                    V2, Validity.REJECTED, new Conflict(Path.parse("/a"), V1, false, "changed"))));
    assertThat(rejected.getString("status")).isEqualTo("rejected");
    assertThat(rejected.getJsonObject("conflict").getString("path")).isEqualTo("/a");
    assertThat(rejected.getJsonObject("conflict").getString("version")).isEqualTo(V1.toString());
    JsonObject dependent =
        parse(FrameWriter.dependencyRejected("\"b\"", "/a", true, "\"a\"", "commit \"a\" failed"));
    assertThat(dependent.getString("id")).isEqualTo("b");
    assertThat(dependent.getString("status")).isEqualTo("rejected");
    assertThat(dependent.getJsonObject("conflict").getString("commit")).isEqualTo("a");
    assertThat(dependent.getJsonObject("conflict").getBoolean("children")).isTrue();
    assertThat(dependent.getJsonObject("conflict").containsKey("version")).isFalse();
    assertThat(dependent.getJsonObject("conflict").getString("reason")).contains("\"a\"");
    JsonObject err = parse(FrameWriter.error(null, "BAD_REQUEST", "line\n\"x\"", null));
    assertThat(err.containsKey("id")).isFalse();
    assertThat(err.getString("message")).isEqualTo("line\n\"x\"");
    assertThat(parse(FrameWriter.pong("\"p\"")).getString("id")).isEqualTo("p");
  }

  @Test
  void durableAndNotDurableNotices() {
    assertThat(FrameWriter.durable("7", V2))
        .isEqualTo("{\"type\":\"durable\",\"id\":7,\"version\":\"" + V2 + "\"}");
    JsonObject lost = parse(FrameWriter.notDurable("\"c\"", V2, "UNAVAILABLE", "disk \"gone\""));
    assertThat(lost.getString("type")).isEqualTo("notDurable");
    assertThat(lost.getString("id")).isEqualTo("c");
    assertThat(lost.getString("version")).isEqualTo(V2.toString());
    assertThat(lost.getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(lost.getString("message")).isEqualTo("disk \"gone\"");
  }
}
