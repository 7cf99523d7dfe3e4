package io.querysub.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.node.NodeEngine;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataServiceTest {
  private static final io.querysub.core.auth.Caller ANY = io.querysub.core.auth.Caller.anonymous();

  @TempDir java.nio.file.Path dir;

  private DataService service(Map<String, String> extra) {
    var values = new java.util.HashMap<>(extra);
    values.put(SettingsReader.DATA_DIR, dir.resolve("data").toString());
    NodeSettings s = SettingsReader.read(k -> Optional.ofNullable(values.get(k)));
    return new DataService(NodeEngine.standalone(s), s);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ErrorCode codeOf(Runnable r) {
    try {
      r.run();
    } catch (QuerysubException e) {
      return e.code();
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void startingCreatesTheDataDirectory() {
    service(Map.of());
    assertThat(dir.resolve("data")).isDirectory();
  }

  @Test
  void keepsTheClientsBytesAndDistinguishesNullFromAbsent() {
    DataService d = service(Map.of());
    Path p = Path.parse("/a/b");
    Version v1 = d.write(ANY, p, d.value(utf8("{ \"x\" : 1 }"), p));
    assertThat(d.read(ANY, p).value().json()).isEqualTo("{ \"x\" : 1 }");
    assertThat(d.read(ANY, p).version()).isEqualTo(v1);

    Version v2 = d.write(ANY, p, d.value(utf8("null"), p));
    assertThat(d.read(ANY, p).exists()).isTrue();
    assertThat(d.read(ANY, p).value().json()).isEqualTo("null");

    Version v3 = d.write(ANY, p, Value.ABSENT);
    assertThat(d.read(ANY, p).exists()).isFalse();
    assertThat(d.read(ANY, p).version()).isEqualTo(v3).isGreaterThan(v2).isGreaterThan(v1);
  }

  @Test
  void refusesSystemPathsEverywhere() {
    DataService d = service(Map.of());
    Path sys = Path.parse("/.calls/x");
    assertThat(codeOf(() -> d.read(ANY, Path.parse("/.sys/x")))).isEqualTo(ErrorCode.PATH_INVALID);
    assertThat(codeOf(() -> d.children(ANY, Path.parse("/.sys"), null, null, false)))
        .isEqualTo(ErrorCode.PATH_INVALID);
    // Call records may be read and listed, never written.
    assertThat(d.read(ANY, sys).exists()).isFalse();
    assertThat(d.children(ANY, Path.parse("/.calls"), null, null, false).children()).isEmpty();
    assertThat(codeOf(() -> d.write(ANY, sys, Value.NULL))).isEqualTo(ErrorCode.PATH_INVALID);
    assertThat(codeOf(() -> d.commit(ANY, List.of(ReadLock.value(sys, Version.ZERO)), List.of())))
        .isEqualTo(ErrorCode.PATH_INVALID);
  }

  @Test
  void refusesOversizeValuesAndNothingIsStored() {
    DataService d = service(Map.of(SettingsReader.MAX_VALUE_SIZE, "16"));
    Path p = Path.parse("/big");
    assertThat(codeOf(() -> d.value(utf8("\"0123456789abcdef\""), p)))
        .isEqualTo(ErrorCode.VALUE_TOO_LARGE);
    assertThat(
            codeOf(
                () ->
                    d.commit(
                        ANY,
                        List.of(),
                        List.of(
                            new Write(Path.parse("/ok"), Value.NULL),
                            new Write(p, Value.ofJson("\"0123456789abcdef\""))))))
        .isEqualTo(ErrorCode.VALUE_TOO_LARGE);
    assertThat(d.read(ANY, Path.parse("/ok")).version()).isEqualTo(Version.ZERO);
  }

  @Test
  void refusesTooManyWritesOrReads() {
    DataService d =
        service(Map.of(SettingsReader.MAX_TX_WRITES, "2", SettingsReader.MAX_TX_READS, "1"));
    List<Write> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(new Write(Path.parse("/w/" + i), Value.NULL));
    }
    assertThat(codeOf(() -> d.commit(ANY, List.of(), three))).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(d.read(ANY, Path.parse("/w/0")).exists()).isFalse();
    var locks =
        List.of(
            ReadLock.value(Path.parse("/r/1"), Version.ZERO),
            ReadLock.value(Path.parse("/r/2"), Version.ZERO));
    assertThat(codeOf(() -> d.commit(ANY, locks, List.of()))).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void rootListingHidesSystemKeysAndPagesAreBounded() {
    DataService d =
        service(
            Map.of(
                SettingsReader.MAX_CHILDREN_PAGE, "5", SettingsReader.DEFAULT_CHILDREN_PAGE, "5"));
    d.write(ANY, Path.parse("/b"), Value.NULL);
    d.write(ANY, Path.parse("/a/x"), Value.NULL);
    // Written through the engine, as the node itself will (server function calls).
    d.engine.store().commit(List.of(), List.of(new Write(Path.parse("/.calls/1"), Value.NULL)));
    ChildrenPage page = d.children(ANY, Path.ROOT, null, 5, false);
    assertThat(page.children()).extracting(ChildrenPage.Child::key).containsExactly("a", "b");
    assertThat(codeOf(() -> d.children(ANY, Path.ROOT, null, 6, false)))
        .isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(codeOf(() -> d.children(ANY, Path.ROOT, null, 0, false)))
        .isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  void staleReadIsRejectedWithThePath() {
    DataService d = service(Map.of());
    Path p = Path.parse("/acct/1");
    Version v1 = d.write(ANY, p, Value.ofJson("10"));
    d.write(ANY, p, Value.ofJson("20"));
    var r = d.commit(ANY, List.of(ReadLock.value(p, v1)), List.of(new Write(p, Value.ofJson("5"))));
    assertThat(r.isValid()).isFalse();
    assertThat(r.conflict().path()).isEqualTo(p);
    assertThat(d.read(ANY, p).value().json()).isEqualTo("20");
  }
}
