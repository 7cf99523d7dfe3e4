package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every refusal has its status, stable code and the error shape, and leaves nothing applied. The
 * node runs with small limits (it-tests/pom.xml): values 64 KiB, bodies 256 KiB, 100 writes per
 * transaction, children pages of at most 50.
 */
@ExtendWith(ArquillianExtension.class)
class BadInputIT {
  private static final int MAX_VALUE = 64 * 1024;
  private static final int MAX_BODY = 256 * 1024;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  private static void refused(Api.Reply r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).as(r.uri() + " " + r).startsWith("application/json");
    assertThat(r.json().keySet()).as(r.toString()).contains("code", "message", "path");
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.json().getString("message")).isNotBlank();
    assertThat(r.text()).doesNotContain("Exception").doesNotContain("<html");
  }

  private static void untouched(Api api, String rawPath) {
    Api.Reply r = api.get(rawPath);
    assertThat(r.status()).as(rawPath + " was applied: " + r).isEqualTo(404);
    assertThat(r.version()).isEqualTo("0");
  }

  @Test
  void badPathsAreRefusedOnEveryEndpoint() {
    Api api = new Api(base);
    String tooDeep = "/s".repeat(65);
    String tooLong = "/" + "x".repeat(1100);
    for (String bad :
        new String[] {
          "/a//b", "/a/%2e%2e/b", "/a/../b", "/a/./b", "/a/", "/a/%01", "/a/%7F", tooDeep, tooLong
        }) {
      refused(api.get(bad), 400, "PATH_INVALID");
      refused(api.put(bad, "1"), 400, "PATH_INVALID");
      refused(api.delete(bad), 400, "PATH_INVALID");
    }
    refused(api.get("/"), 400, "PATH_INVALID");
    // An encoded NUL never reaches the application: the HTTP server refuses the URL itself.
    assertThat(api.get("/a/%00").status()).isEqualTo(400);
    refused(api.tx("{\"writes\":[{\"path\":\"/a/\\u0000\",\"value\":1}]}"), 400, "PATH_INVALID");
    refused(api.children("/a//b"), 400, "PATH_INVALID");
    Api.Reply r = api.tx("{\"writes\":[{\"path\":\"a/b\",\"value\":1}]}");
    refused(r, 400, "PATH_INVALID");
    untouched(api, "/a/b");
  }

  @Test
  void systemPathsAreRefused() {
    Api api = new Api(base);
    refused(api.put("/.sys/x", "1"), 400, "PATH_INVALID");
    refused(api.get("/.sys/x"), 400, "PATH_INVALID");
    refused(api.delete("/.calls/1"), 400, "PATH_INVALID");
    refused(api.children("/.sys"), 400, "PATH_INVALID");
    refused(api.put("/.calls/1", "{}"), 400, "PATH_INVALID"); // call records are read-only
    assertThat(api.children("/.calls").status()).isEqualTo(200);
    Api.Reply tx =
        api.tx(
            "{\"writes\":[{\"path\":\"/sysok/a\",\"value\":1},{\"path\":\"/.sys/x\",\"value\":1}]}");
    refused(tx, 400, "PATH_INVALID");
    assertThat(tx.json().getString("path")).isEqualTo("/.sys/x");
    refused(api.tx("{\"reads\":[{\"path\":\"/.sys/x\",\"version\":\"0\"}]}"), 400, "PATH_INVALID");
    untouched(api, "/sysok/a");
    assertThat(api.children("").text()).doesNotContain("\".sys\"");
  }

  @Test
  void badVersionsAreRefused() {
    Api api = new Api(base);
    for (String v : new String[] {"zz", "1.2", "-1.0.1", "1.2.3.4", ""}) {
      Api.Reply r =
          api.tx(
              "{\"reads\":[{\"path\":\"/bv/a\",\"version\":"
                  + Api.quote(v)
                  + "}],\"writes\":[{\"path\":\"/bv/b\",\"value\":1}]}");
      refused(r, 400, "VERSION_INVALID");
    }
    untouched(api, "/bv/b");
  }

  @Test
  void oversizeValuesAndBodiesAreRefused() {
    Api api = new Api(base);
    String big = "\"" + "v".repeat(MAX_VALUE) + "\"";
    Api.Reply put = api.put("/big/a", big);
    refused(put, 413, "VALUE_TOO_LARGE");
    assertThat(put.json().getString("path")).isEqualTo("/big/a");

    Api.Reply inTx =
        api.tx(
            "{\"writes\":[{\"path\":\"/big/ok\",\"value\":1},{\"path\":\"/big/b\",\"value\":"
                + big
                + "}]}");
    refused(inTx, 413, "VALUE_TOO_LARGE");

    // A declared Content-Length over the limit is refused before the body is read.
    Api.Reply declared = api.declaredLengthOnly("PUT", "api/v1/data/big/c", MAX_BODY + 1);
    refused(declared, 413, "REQUEST_TOO_LARGE");
    // A chunked body is cut off as it passes the limit.
    String huge = "\"" + "h".repeat(MAX_BODY) + "\"";
    refused(api.sendChunked("PUT", "api/v1/data/big/c", huge), 413, "REQUEST_TOO_LARGE");
    refused(
        api.sendChunked(
            "POST", "api/v1/tx", "{\"writes\":[{\"path\":\"/big/d\",\"value\":" + huge + "}]}"),
        413,
        "REQUEST_TOO_LARGE");

    String fits = "\"" + "f".repeat(MAX_VALUE - 2) + "\"";
    assertThat(api.put("/big/fits", fits).status()).isEqualTo(200);
    for (String p : new String[] {"/big/a", "/big/ok", "/big/b", "/big/c", "/big/d"}) {
      untouched(api, p);
    }
  }

  @Test
  void malformedValuesAndBodiesAreRefused() {
    Api api = new Api(base);
    for (String bad : new String[] {"", "{", "[1,]", "1 2", "nul", "'x'", "{\"a\":1}}"}) {
      refused(api.put("/mal/v", bad), 400, "VALUE_INVALID");
    }
    untouched(api, "/mal/v");

    String[] bodies = {
      "", "{", "[]", "null", "{\"writes\":5}", "{\"writes\":[{\"path\":\"/mal/t\",\"value\":}]}"
    };
    for (String body : bodies) {
      refused(api.tx(body), 400, "BAD_REQUEST");
    }
    untouched(api, "/mal/t");
  }

  @Test
  void unknownFieldsAndIllFormedWritesAreRefused() {
    Api api = new Api(base);
    String[] bodies = {
      "{\"wirtes\":[{\"path\":\"/uf/a\",\"value\":1}]}",
      "{\"writes\":[{\"path\":\"/uf/a\",\"value\":1,\"extra\":2}]}",
      "{\"writes\":[{\"path\":\"/uf/a\",\"value\":1,\"delete\":true}]}",
      "{\"writes\":[{\"path\":\"/uf/a\"}]}",
      "{\"writes\":[{\"path\":\"/uf/a\",\"delete\":\"yes\"}]}",
      "{\"writes\":[{\"value\":1}]}",
      "{\"writes\":[null]}",
      "{\"reads\":[{\"path\":\"/uf/x\"}],\"writes\":[{\"path\":\"/uf/a\",\"value\":1}]}",
      "{\"writes\":[{\"path\":\"/uf/a\",\"value\":1},{\"path\":\"/uf/a\",\"value\":2}]}"
    };
    for (String body : bodies) {
      refused(api.tx(body), 400, "BAD_REQUEST");
    }
    untouched(api, "/uf/a");
  }

  @Test
  void tooManyWritesAreRefused() {
    Api api = new Api(base);
    StringBuilder b = new StringBuilder("{\"writes\":[");
    for (int i = 0; i <= 100; i++) {
      b.append(i == 0 ? "" : ",").append("{\"path\":\"/many/").append(i).append("\",\"value\":1}");
    }
    Api.Reply r = api.tx(b.append("]}").toString());
    refused(r, 400, "BAD_REQUEST");
    assertThat(r.json().getString("message")).contains("100");
    untouched(api, "/many/0");
  }

  @Test
  void badListingParametersAreRefused() {
    Api api = new Api(base);
    refused(api.children("/x?limit=abc"), 400, "BAD_REQUEST");
    refused(api.children("/x?limit=0"), 400, "BAD_REQUEST");
    refused(api.children("/x?limit=51"), 400, "BAD_REQUEST");
    refused(api.children("/x?values=maybe"), 400, "BAD_REQUEST");
  }

  @Test
  void unknownRoutesAndMethodsAnswerInTheErrorShape() {
    Api api = new Api(base);
    refused(api.send("GET", "api/v1/nothing", null), 404, "NOT_FOUND");
    refused(api.send("GET", "not-the-api", null), 404, "NOT_FOUND");
    refused(api.send("PATCH", "api/v1/data/a", "1"), 405, "METHOD_NOT_ALLOWED");
    refused(api.send("GET", "api/v1/tx", null), 405, "METHOD_NOT_ALLOWED");
    refused(api.send("POST", "api/v1/data/a", "1"), 405, "METHOD_NOT_ALLOWED");
    untouched(api, "/a");
  }
}
