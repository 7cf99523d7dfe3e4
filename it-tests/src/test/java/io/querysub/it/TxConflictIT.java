package io.querysub.it;

import static io.querysub.it.Api.quote;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Transactions through {@code /api/v1/tx}: commits, and the conflicts read locks detect. */
@ExtendWith(ArquillianExtension.class)
class TxConflictIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  private static String lock(String path, String version) {
    return "{\"path\":" + quote(path) + ",\"version\":" + quote(version) + "}";
  }

  @Test
  void freshReadsCommitAllWritesAtOneVersion() {
    Api api = new Api(base);
    String va = api.put("/tx1/a", "10").version();
    String vb = api.put("/tx1/b", "5").version();
    Api.Reply r =
        api.tx(
            "{\"reads\":["
                + lock("/tx1/a", va)
                + ","
                + lock("/tx1/b", vb)
                + "],\"writes\":[{\"path\":\"/tx1/a\",\"value\":7},"
                + "{\"path\":\"/tx1/b\",\"value\":8},{\"path\":\"/tx1/c\",\"delete\":true}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String v = r.version();
    assertThat(api.get("/tx1/a").version()).isEqualTo(v);
    assertThat(api.get("/tx1/b").version()).isEqualTo(v);
    assertThat(api.get("/tx1/a").json().getInt("value")).isEqualTo(7);
    assertThat(api.get("/tx1/b").json().getInt("value")).isEqualTo(8);
    assertThat(RestApiIT.compareVersions(v, vb)).isPositive();
  }

  @Test
  void aStaleReadIsRejectedNamingThePathAndNothingIsApplied() {
    Api api = new Api(base);
    String stale = api.put("/tx2/a", "1").version();
    String newer = api.put("/tx2/a", "2").version();
    Api.Reply r =
        api.tx(
            "{\"reads\":["
                + lock("/tx2/a", stale)
                + "],\"writes\":[{\"path\":\"/tx2/a\",\"value\":100},"
                + "{\"path\":\"/tx2/other\",\"value\":1}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("CONFLICT");
    assertThat(r.json().getString("path")).isEqualTo("/tx2/a");
    assertThat(r.version()).isEqualTo(newer);
    assertThat(r.json().getString("message")).isNotBlank();
    assertThat(api.get("/tx2/a").json().getInt("value")).isEqualTo(2);
    assertThat(api.get("/tx2/other").status()).isEqualTo(404);
  }

  @Test
  void readingNothingLocksAgainstAFirstWrite() {
    Api api = new Api(base);
    String absent = api.get("/tx3/new").version();
    assertThat(absent).isEqualTo("0");
    String landed = api.put("/tx3/new", "\"first\"").version();
    Api.Reply r =
        api.tx(
            "{\"reads\":["
                + lock("/tx3/new", absent)
                + "],\"writes\":[{\"path\":\"/tx3/new\",\"value\":\"mine\"}]}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("path")).isEqualTo("/tx3/new");
    assertThat(r.version()).isEqualTo(landed);
  }

  @Test
  void aChildrenLockBreaksOnANewKeyButNotOnAChangedValue() {
    Api api = new Api(base);
    api.put("/tx4/room/alice", "1");
    String listed = api.children("/tx4/room").json().getString("readVersion");

    api.put("/tx4/room/alice", "2"); // a changed value: the key set is the same
    String childLock = "{\"path\":\"/tx4/room\",\"version\":" + quote(listed) + "}";
    Api.Reply ok =
        api.tx(
            "{\"childReads\":["
                + childLock
                + "],\"writes\":[{\"path\":\"/tx4/count\",\"value\":1}]}");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);

    String added = api.put("/tx4/room/bob/deep", "true").version(); // adds the key "bob"
    Api.Reply r =
        api.tx(
            "{\"childReads\":["
                + childLock
                + "],\"writes\":[{\"path\":\"/tx4/count\",\"value\":2}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("CONFLICT");
    assertThat(r.json().getString("path")).isEqualTo("/tx4/room");
    assertThat(r.version()).isEqualTo(added);
    assertThat(api.get("/tx4/count").json().getInt("value")).isEqualTo(1);
  }

  @Test
  void aReadOnlyTransactionChecksItsLocks() {
    Api api = new Api(base);
    String v = api.put("/tx5/x", "1").version();
    Api.Reply ok = api.tx("{\"reads\":[" + lock("/tx5/x", v) + "]}");
    assertThat(ok.status()).isEqualTo(200);
    api.put("/tx5/x", "2");
    Api.Reply stale = api.tx("{\"reads\":[" + lock("/tx5/x", v) + "]}");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().getString("path")).isEqualTo("/tx5/x");
  }
}
