package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading, writing, deleting and listing paths over HTTP, and the readiness check. */
@ExtendWith(ArquillianExtension.class)
class RestApiIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  private Api api() {
    return new Api(base);
  }

  @Test
  void putGetDeleteKeepsTheStoredTextAndDistinguishesNullFromAbsent() {
    Api api = api();
    Api.Reply never = api.get("/rt/p");
    assertThat(never.status()).isEqualTo(404);
    assertThat(never.code()).isEqualTo("NOT_FOUND");
    assertThat(never.json().getString("path")).isEqualTo("/rt/p");
    assertThat(never.version()).isEqualTo("0");

    String text = "{ \"name\" : \"Ada\",  \"n\": 1.50, \"e\": 1E+2 }";
    Api.Reply put = api.put("/rt/p", text);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    String v1 = put.version();

    Api.Reply got = api.get("/rt/p");
    assertThat(got.status()).isEqualTo(200);
    // The exact bytes sent come back: spacing, 1.50 and 1E+2 are not re-serialized.
    assertThat(got.text())
        .isEqualTo("{\"path\":\"/rt/p\",\"value\":" + text + ",\"version\":\"" + v1 + "\"}");
    assertThat(got.contentType()).startsWith("application/json");

    String v2 = api.put("/rt/p", "null").version();
    Api.Reply nullValue = api.get("/rt/p");
    assertThat(nullValue.status()).isEqualTo(200);
    assertThat(nullValue.json().get("value")).isEqualTo(JsonValue.NULL);
    assertThat(nullValue.version()).isEqualTo(v2).isNotEqualTo(v1);

    Api.Reply del = api.delete("/rt/p");
    assertThat(del.status()).isEqualTo(200);
    Api.Reply absent = api.get("/rt/p");
    assertThat(absent.status()).isEqualTo(404);
    assertThat(absent.code()).isEqualTo("NOT_FOUND");
    // The delete's version: a transaction can lock on "still absent since this version".
    assertThat(absent.version()).isEqualTo(del.version());
  }

  @Test
  void versionsIncreaseWithEveryWrite() {
    Api api = api();
    List<String> versions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      versions.add(api.put("/ver/x", Integer.toString(i)).version());
    }
    for (int i = 1; i < versions.size(); i++) {
      assertThat(compareVersions(versions.get(i), versions.get(i - 1))).isPositive();
    }
  }

  @Test
  void childrenArePagedInKeyOrderWithValuesOnRequest() {
    Api api = api();
    for (int i = 0; i < 25; i++) {
      api.put(String.format("/list/k%02d", i), Integer.toString(i));
    }
    api.put("/list/deep/below/leaf", "true");

    List<String> keys = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      Api.Reply page = api.children("/list?limit=10" + (after == null ? "" : "&after=" + after));
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      JsonObject body = page.json();
      assertThat(body.getString("path")).isEqualTo("/list");
      assertThat(body.getString("readVersion")).isNotEqualTo("0");
      body.getJsonArray("children").forEach(c -> keys.add(c.asJsonObject().getString("key")));
      after = body.isNull("next") ? null : body.getString("next");
      pages++;
    } while (after != null);
    List<String> expected = new ArrayList<>();
    expected.add("deep");
    for (int i = 0; i < 25; i++) {
      expected.add(String.format("k%02d", i));
    }
    assertThat(keys).containsExactlyElementsOf(expected);
    assertThat(pages).isEqualTo(3);

    JsonObject withValues = api.children("/list?values=true&limit=3").json();
    var children = withValues.getJsonArray("children");
    JsonObject deep = children.getJsonObject(0);
    assertThat(deep.getString("key")).isEqualTo("deep");
    // "deep" exists only because of a path below it: no value field (absent, not null).
    assertThat(deep.containsKey("value")).isFalse();
    JsonObject k00 = children.getJsonObject(1);
    assertThat(k00.getInt("value")).isZero();
    assertThat(k00.getString("version")).isEqualTo(api.get("/list/k00").version());
    assertThat(withValues.getString("next")).isEqualTo("k01");

    Api.Reply root = api.children("");
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.json().getString("path")).isEqualTo("/");
    assertThat(root.text()).contains("{\"key\":\"list\"}");
  }

  @Test
  void anEncodedSlashStaysInsideItsSegment() {
    Api api = api();
    assertThat(api.put("/enc/a%2Fb", "\"slash\"").status()).isEqualTo(200);
    Api.Reply got = api.get("/enc/a%2Fb");
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().getString("path")).isEqualTo("/enc/a%2Fb");
    assertThat(api.get("/enc/a/b").status()).isEqualTo(404);
    var keys = api.children("/enc").json().getJsonArray("children");
    assertThat(keys).hasSize(1);
    assertThat(keys.getJsonObject(0).getString("key")).isEqualTo("a/b");
  }

  @Test
  void unicodeSpellingsOfOneNameAreOnePath() {
    Api api = api();
    // "é" precomposed (NFC) and as e + combining acute (NFD).
    api.put("/uni/caf%C3%A9", "1");
    Api.Reply nfd = api.get("/uni/cafe%CC%81");
    assertThat(nfd.status()).isEqualTo(200);
    assertThat(nfd.json().getInt("value")).isEqualTo(1);
  }

  @Test
  void readinessIsUpOnceTheEngineIsLoaded() {
    Api api = api();
    for (String endpoint : List.of("health/ready", "health")) {
      Api.Reply r = api.send("GET", api.server().resolve(endpoint), null);
      assertThat(r.status()).as(endpoint + " " + r).isEqualTo(200);
      assertThat(r.json().getString("status")).isEqualTo("UP");
      assertThat(r.text()).contains("\"name\":\"querysub-engine\"");
    }
  }

  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < 3; i++) {
      int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
