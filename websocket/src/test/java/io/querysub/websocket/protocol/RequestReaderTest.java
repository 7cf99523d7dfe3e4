package io.querysub.websocket.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestReaderTest {
  private static ProtocolException refused(String frame) {
    return catchThrowableOfType(ProtocolException.class, () -> RequestReader.read(frame));
  }

  @Test
  void readsEveryMessageType() {
    assertThat(RequestReader.read("{\"type\":\"hello\",\"protocol\":\"v1\",\"clientId\":\"c\"}"))
        .isEqualTo(new Request.Hello("v1", "c"));
    assertThat(
            RequestReader.read(
                "{\"type\":\"watch\",\"id\":\"w\",\"kind\":\"children\",\"path\":\"/a\"}"))
        .isEqualTo(new Request.Watch("\"w\"", WatchKind.CHILDREN, "/a", WatchMode.LATEST, null));
    assertThat(
            RequestReader.read(
                "{\"type\":\"watch\",\"id\":7,\"kind\":\"path\",\"path\":\"/a\",\"mode\":\"once\",\"since\":\"1.0.1\"}"))
        .isEqualTo(new Request.Watch("7", WatchKind.PATH, "/a", WatchMode.ONCE, "1.0.1"));
    assertThat(RequestReader.read("{\"type\":\"unwatch\",\"id\":7}"))
        .isEqualTo(new Request.Unwatch("7"));
    assertThat(RequestReader.read("{\"type\":\"read\",\"id\":1,\"path\":\"/a\"}"))
        .isEqualTo(new Request.Read("1", "/a"));
    assertThat(RequestReader.read("{\"type\":\"ping\"}")).isEqualTo(new Request.Ping(null));
  }

  @Test
  void readsACommitKeepingNullApartFromDelete() {
    Request.Commit c =
        (Request.Commit)
            RequestReader.read(
                "{\"type\":\"commit\",\"id\":3,\"reads\":[{\"path\":\"/a\",\"version\":\"0\"}],"
                    + "\"childReads\":[{\"path\":\"/\",\"version\":\"0\"}],"
                    + "\"writes\":[{\"path\":\"/a\",\"value\":null},{\"path\":\"/b\",\"delete\":true}]}");
    assertThat(c.reads()).containsExactly(new Request.Lock("/a", "0"));
    assertThat(c.childReads()).containsExactly(new Request.Lock("/", "0"));
    assertThat(c.writes())
        .containsExactly(
            new Request.WriteOp("/a", JsonValue.NULL, false),
            new Request.WriteOp("/b", null, true));
  }

  @Test
  void aCommitOrACallMayAskToBeAnsweredOnceDurable() {
    Request.Commit plain =
        (Request.Commit)
            RequestReader.read(
                "{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/a\",\"value\":1}]}");
    assertThat(plain.durable()).isFalse();
    Request.Commit waiting =
        (Request.Commit)
            RequestReader.read(
                "{\"type\":\"commit\",\"id\":1,\"durable\":true,"
                    + "\"writes\":[{\"path\":\"/a\",\"value\":1}]}");
    assertThat(waiting.durable()).isTrue();
    assertThat(
            RequestReader.read(
                "{\"type\":\"call\",\"id\":2,\"function\":\"f\",\"callId\":\"c\",\"durable\":true}"))
        .isEqualTo(new Request.Call("2", "f", "c", null, true));
    ProtocolException notBoolean = refused("{\"type\":\"commit\",\"id\":3,\"durable\":\"yes\"}");
    assertThat(notBoolean.getMessage()).contains("\"durable\" must be true or false");
    assertThat(notBoolean.id()).isEqualTo("3");
    assertThat(refused("{\"type\":\"read\",\"id\":4,\"path\":\"/a\",\"durable\":true}").code())
        .as("only commits and calls wait for the log")
        .isEqualTo("BAD_REQUEST");
  }

  @Test
  void aLockMayNameAnEarlierCommitByItsId() {
    Request.Commit c =
        (Request.Commit)
            RequestReader.read(
                "{\"type\":\"commit\",\"id\":4,\"reads\":[{\"path\":\"/a\",\"commit\":3}],"
                    + "\"childReads\":[{\"path\":\"/\",\"commit\":\"c-2\"}],"
                    + "\"writes\":[{\"path\":\"/a\",\"value\":1}]}");
    assertThat(c.reads()).containsExactly(new Request.Lock("/a", null, "3"));
    assertThat(c.childReads()).containsExactly(new Request.Lock("/", null, "\"c-2\""));
    assertThat(c.reads().get(0).at("1.0.1")).isEqualTo(new Request.Lock("/a", "1.0.1"));
    ProtocolException both =
        refused(
            "{\"type\":\"commit\",\"id\":4,\"reads\":[{\"path\":\"/a\",\"commit\":3,\"version\":\"0\"}]}");
    assertThat(both.getMessage()).contains("not both");
    assertThat(both.id()).isEqualTo("4");
    assertThat(both.path()).isEqualTo("/a");
    assertThat(refused("{\"type\":\"commit\",\"id\":4,\"reads\":[{\"path\":\"/a\"}]}").code())
        .isEqualTo("BAD_REQUEST");
    ProtocolException badId =
        refused("{\"type\":\"commit\",\"id\":4,\"reads\":[{\"path\":\"/a\",\"commit\":1.5}]}");
    assertThat(badId.getMessage()).contains("\"commit\" must be a string or an integer");
    assertThat(badId.id()).isEqualTo("4");
  }

  @Test
  void refusesMalformedFramesWithBadRequest() {
    assertThat(refused("{not json").code()).isEqualTo("BAD_REQUEST");
    assertThat(refused("[1,2]").getMessage()).contains("one JSON object");
    assertThat(refused("{\"type\":\"ping\"} trailing").code()).isEqualTo("BAD_REQUEST");
    assertThat(refused("{\"id\":1}").getMessage()).contains("type");
    ProtocolException unknown = refused("{\"type\":\"shout\",\"id\":4}");
    assertThat(unknown.getMessage()).contains("unknown message type 'shout'");
    assertThat(unknown.id()).isEqualTo("4");
  }

  @Test
  void refusesUnknownFieldsAndBadShapesNamingThem() {
    assertThat(refused("{\"type\":\"read\",\"id\":1,\"path\":\"/a\",\"pth\":1}").getMessage())
        .contains("unknown field 'pth'");
    assertThat(refused("{\"type\":\"read\",\"id\":1}").getMessage()).contains("\"path\"");
    assertThat(refused("{\"type\":\"read\",\"path\":\"/a\"}").getMessage()).contains("\"id\"");
    assertThat(refused("{\"type\":\"read\",\"id\":1.5,\"path\":\"/a\"}").getMessage())
        .contains("\"id\"");
    assertThat(
            refused("{\"type\":\"watch\",\"id\":1,\"kind\":\"tree\",\"path\":\"/a\"}").getMessage())
        .contains("kind");
    assertThat(
            refused("{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/a\"}]}").getMessage())
        .contains("either a value");
    assertThat(
            refused(
                    "{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/a\",\"value\":1,\"delete\":true}]}")
                .path())
        .isEqualTo("/a");
    assertThat(
            refused(
                    "{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/a\",\"delete\":\"yes\"}]}")
                .getMessage())
        .contains("true or false");
    assertThat(refused("{\"type\":\"commit\",\"id\":1,\"reads\":{}}").getMessage())
        .contains("array");
  }

  @Test
  void readsAnArrayFrameElementByElement() {
    List<RequestReader.Item> items =
        RequestReader.readFrame(
            "[{\"type\":\"ping\",\"id\":1},{\"type\":\"read\",\"id\":2},[],"
                + "{\"type\":\"hello\",\"protocol\":\"v1\",\"batching\":true}]");
    assertThat(items).hasSize(4);
    assertThat(items.get(0).request()).isEqualTo(new Request.Ping("1"));
    assertThat(items.get(1).error().getMessage()).contains("path");
    assertThat(items.get(1).id()).isEqualTo("2");
    assertThat(items.get(2).error().id()).isNull();
    assertThat(items.get(3).request()).isEqualTo(new Request.Hello("v1", null, true));
    assertThat(RequestReader.readFrame("{\"type\":\"ping\"}"))
        .containsExactly(new RequestReader.Item(new Request.Ping(null), null));
    assertThat(catchThrowableOfType(ProtocolException.class, () -> RequestReader.readFrame("[]")))
        .hasMessageContaining("1 to 1000");
    assertThat(catchThrowableOfType(ProtocolException.class, () -> RequestReader.readFrame("[1")))
        .hasMessageContaining("not valid JSON");
    assertThat(refused("[{\"type\":\"ping\"}]").getMessage()).contains("one JSON object");
    assertThat(refused("{\"type\":\"hello\",\"protocol\":\"v1\",\"batching\":1}").getMessage())
        .contains("true or false");
  }
}
