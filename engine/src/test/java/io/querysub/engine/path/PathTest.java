package io.querysub.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathTest {

  @Test
  void parsesAndPrintsTheCanonicalForm() {
    Path p = Path.parse("/rooms/r1/messages/m7");
    assertThat(p.size()).isEqualTo(4);
    assertThat(p.segment(2)).isEqualTo("messages");
    assertThat(p.toString()).isEqualTo("/rooms/r1/messages/m7");
    assertThat(p.parent()).isEqualTo(Path.parse("/rooms/r1/messages"));
    assertThat(Path.parse("/a").parent()).isSameAs(Path.ROOT);
  }

  @Test
  void encodesSlashAndPercentInSegments() {
    Path p = Path.of("a/b", "50%");
    assertThat(p.toString()).isEqualTo("/a%2Fb/50%25");
    assertThat(Path.parse("/a%2Fb/50%25")).isEqualTo(p);
    assertThat(Path.parse("/a%2fb").segment(0)).isEqualTo("a/b");
    assertThat(p.size()).isEqualTo(2);
  }

  @Test
  void decodesOtherEscapesToTheCanonicalForm() {
    assertThat(Path.parse("/%41b").toString()).isEqualTo("/Ab");
    assertThat(Path.parse("/caf%C3%A9")).isEqualTo(Path.of("café"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a/b",
        "//a",
        "/a//b",
        "/a/",
        "/..",
        "/a/..",
        "/.",
        "/a/./b",
        "/%2e%2e",
        "/a/%2E",
        "/%2e%2E/x",
        "/a%",
        "/a%2",
        "/a%zz",
        "/%C3",
        "/%FF",
        "/a\u0000b",
        "/a%00b",
        "/tab\there",
        "/del\u007f"
      })
  void refusesBadPaths(String text) {
    if (text.isEmpty()) {
      assertThatThrownBy(() -> Path.parse(text)).isInstanceOf(QuerysubException.class);
      return;
    }
    assertThatThrownBy(() -> Path.parse(text))
        .isInstanceOf(QuerysubException.class)
        .extracting(e -> ((QuerysubException) e).code())
        .isEqualTo(ErrorCode.PATH_INVALID);
  }

  @Test
  void rootOnlyWhereAllowed() {
    assertThatThrownBy(() -> Path.parse("/")).isInstanceOf(QuerysubException.class);
    assertThat(Path.parseAllowingRoot("/")).isSameAs(Path.ROOT);
    assertThat(Path.ROOT.toString()).isEqualTo("/");
    assertThat(Path.ROOT.contains(Path.parse("/x/y"))).isTrue();
  }

  @Test
  void refusesLoneSurrogates() {
    assertThatThrownBy(() -> Path.of("a\uD800b")).isInstanceOf(QuerysubException.class);
    assertThat(Path.of("\uD83D\uDE00").size()).isEqualTo(1);
  }

  @Test
  void limitsSegmentsAndLength() {
    String sixtyFour = "/s".repeat(64);
    assertThat(Path.parse(sixtyFour).size()).isEqualTo(64);
    assertThatThrownBy(() -> Path.parse(sixtyFour + "/s"))
        .hasMessageContaining("more than 64 segments");
    String exactly1024 = "/" + "x".repeat(1023);
    assertThat(Path.parse(exactly1024).toString()).hasSize(1024);
    assertThatThrownBy(() -> Path.parse("/" + "x".repeat(1024)))
        .hasMessageContaining("longer than 1024 bytes");
    // Multi-byte characters count by their UTF-8 bytes.
    assertThatThrownBy(() -> Path.parse("/" + "é".repeat(600)))
        .hasMessageContaining("longer than 1024 bytes");
    // Escapes that expand to '/' count in the canonical form.
    assertThatThrownBy(() -> Path.of("/".repeat(400))).hasMessageContaining("longer");
  }

  @Test
  void normalizesToNfcSoTwoSpellingsNameOnePath() {
    Path composed = Path.parse("/caf\u00e9");
    Path decomposed = Path.parse("/cafe\u0301");
    assertThat(decomposed).isEqualTo(composed);
    assertThat(decomposed.toString()).isEqualTo("/caf\u00e9");
    assertThat(decomposed.hashCode()).isEqualTo(composed.hashCode());
  }

  @Test
  void systemPathsAreMarked() {
    assertThat(Path.parse("/.calls/x").isSystem()).isTrue();
    assertThat(Path.parse("/.sys").isSystem()).isTrue();
    assertThat(Path.parse("/a/.hidden").isSystem()).isFalse();
    assertThat(Path.parse("/calls").isSystem()).isFalse();
  }

  @Test
  void containsAndOrder() {
    Path a = Path.parse("/a");
    assertThat(a.contains(Path.parse("/a/b"))).isTrue();
    assertThat(a.contains(a)).isTrue();
    assertThat(a.contains(Path.parse("/ab"))).isFalse();
    assertThat(a.compareTo(Path.parse("/a/b"))).isNegative();
    assertThat(Path.parse("/a/z").compareTo(Path.parse("/b"))).isNegative();
    assertThat(a.child("x/y").toString()).isEqualTo("/a/x%2Fy");
    assertThatThrownBy(() -> a.child("..")).isInstanceOf(QuerysubException.class);
  }
}
