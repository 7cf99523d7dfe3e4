package io.querysub.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.archive.ArchiveObjectNotFoundException;
import io.querysub.engine.archive.ArchiveStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ArchiveStore} promises (its Javadoc), written once and run against each
 * implementation by subclassing: the subclass says how to open a new, empty store.
 */
abstract class ArchiveStoreContract {
  protected ArchiveStore store;

  /** A new store holding nothing, for one test; this class closes it after the test. */
  protected abstract ArchiveStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheSameBytesAndSize() throws Exception {
    long seed = System.nanoTime();
    System.out.println("putThenGetReturnsTheSameBytesAndSize seed=" + seed);
    byte[] bytes = new byte[300_000];
    new Random(seed).nextBytes(bytes);

    store.put("segments/p0003/00000000000000000001.seg", bytes);

    assertThat(store.get("segments/p0003/00000000000000000001.seg")).isEqualTo(bytes);
    assertThat(store.size("segments/p0003/00000000000000000001.seg")).isEqualTo(bytes.length);
  }

  @Test
  void anEmptyObjectIsStoredAsEmpty() throws Exception {
    store.put("values/empty.json", new byte[0]);

    assertThat(store.get("values/empty.json")).isEmpty();
    assertThat(store.size("values/empty.json")).isZero();
    assertThat(store.list("values/")).containsExactly("values/empty.json");
  }

  @Test
  void anAbsentKeyHasSizeMinusOneAndGetSaysNotFound() throws Exception {
    store.put("manifests/00000000000000000001", utf8("m1"));

    assertThat(store.size("manifests/00000000000000000002")).isEqualTo(-1);
    assertThatThrownBy(() -> store.get("manifests/00000000000000000002"))
        .isInstanceOf(ArchiveObjectNotFoundException.class)
        .hasMessageContaining("manifests/00000000000000000002");
  }

  @Test
  void listIsSortedAndKeepsKeysStartingWithThePrefix() throws Exception {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "manifests/00000000000000000010",
                "manifests/00000000000000000002",
                "segments/p0001/00000000000000000007.seg",
                "segments/p0010/00000000000000000003.seg",
                "segments/p0001/00000000000000000001.seg",
                "values/00000000000000000007-1.json"));
    Collections.shuffle(keys, new Random(7));
    for (String k : keys) {
      store.put(k, utf8(k));
    }

    assertThat(store.list(""))
        .containsExactly(
            "manifests/00000000000000000002",
            "manifests/00000000000000000010",
            "segments/p0001/00000000000000000001.seg",
            "segments/p0001/00000000000000000007.seg",
            "segments/p0010/00000000000000000003.seg",
            "values/00000000000000000007-1.json");
    assertThat(store.list("manifests/"))
        .containsExactly("manifests/00000000000000000002", "manifests/00000000000000000010");
    // A prefix is a prefix of the key, not a folder.
    assertThat(store.list("segments/p001"))
        .containsExactly("segments/p0010/00000000000000000003.seg");
    assertThat(store.list("segments/p0001/"))
        .containsExactly(
            "segments/p0001/00000000000000000001.seg", "segments/p0001/00000000000000000007.seg");
    assertThat(store.list("nothing/")).isEmpty();
  }

  @Test
  void deleteRemovesAndDeletingAgainOrAnAbsentKeyIsFine() throws Exception {
    store.put("segments/p0000/00000000000000000001.seg", utf8("one"));
    store.put("segments/p0000/00000000000000000002.seg", utf8("two"));

    store.delete("segments/p0000/00000000000000000001.seg");
    store.delete("segments/p0000/00000000000000000001.seg");
    store.delete("segments/p0000/never-written.seg");

    assertThat(store.size("segments/p0000/00000000000000000001.seg")).isEqualTo(-1);
    assertThatThrownBy(() -> store.get("segments/p0000/00000000000000000001.seg"))
        .isInstanceOf(ArchiveObjectNotFoundException.class);
    assertThat(store.list("segments/")).containsExactly("segments/p0000/00000000000000000002.seg");
    assertThat(store.get("segments/p0000/00000000000000000002.seg")).isEqualTo(utf8("two"));
  }

  @Test
  void aRepeatedPutOfTheSameBytesSucceeds() throws Exception {
    // What an archiver does after a put that failed with the object possibly stored.
    store.put("manifests/00000000000000000001", utf8("manifest"));
    store.put("manifests/00000000000000000001", utf8("manifest"));

    assertThat(store.get("manifests/00000000000000000001")).isEqualTo(utf8("manifest"));
    assertThat(store.list("manifests/")).hasSize(1);
  }

  @Test
  void putsFromSeveralThreadsAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    String key = "segments/p%04d/%020d.seg".formatted(thread, i);
                    store.put(key, utf8(key));
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> keys = store.list("segments/");
    assertThat(keys).hasSize(80).isSorted();
    for (String k : keys) {
      assertThat(store.get(k)).isEqualTo(utf8(k));
    }
  }

  @Test
  void describeIsOneLine() {
    assertThat(store.describe()).isNotBlank().doesNotContain("\n");
  }
}
