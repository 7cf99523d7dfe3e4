package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryArchiveStoreTest {
  @TempDir java.nio.file.Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Every file under {@code root}, as relative paths with {@code /}. */
  private static List<String> files(java.nio.file.Path root) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  @Test
  void putGetSizeDelete() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    String key = ArchiveKeys.segment(3, 42);
    s.put(key, bytes("hello"));
    assertThat(s.get(key)).isEqualTo(bytes("hello"));
    assertThat(s.size(key)).isEqualTo(5);
    assertThat(dir.resolve("segments/p0003/00000000000000000042.seg")).hasContent("hello");
    s.delete(key);
    assertThat(s.size(key)).isEqualTo(-1);
    assertThatThrownBy(() -> s.get(key))
        .isInstanceOf(ArchiveObjectNotFoundException.class)
        .hasMessageContaining(key);
    s.delete(key); // again: not an error
    assertThat(s.list("")).isEmpty();
  }

  @Test
  void anEmptyObjectIsAnObject() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    s.put("empty", new byte[0]);
    assertThat(s.get("empty")).isEmpty();
    assertThat(s.size("empty")).isZero();
    assertThat(s.list("")).containsExactly("empty");
  }

  @Test
  void aSecondPutReplacesTheObjectWhole() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    s.put("a/b", bytes("first, and longer"));
    s.put("a/b", bytes("second"));
    assertThat(s.get("a/b")).isEqualTo(bytes("second"));
    assertThat(files(dir)).containsExactly("a/b");
  }

  @Test
  void listReturnsTheKeysUnderAPrefixSorted() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    List<String> keys =
        List.of(
            ArchiveKeys.manifest(10),
            ArchiveKeys.manifest(9),
            ArchiveKeys.segment(1, 5),
            ArchiveKeys.segment(0, 6),
            ArchiveKeys.segment(0, 4),
            ArchiveKeys.largeValue(4, 0),
            "top");
    for (String k : keys) {
      s.put(k, bytes(k));
    }
    assertThat(s.list("")).isSorted().containsExactlyInAnyOrderElementsOf(keys);
    assertThat(s.list("segments/"))
        .containsExactly(
            "segments/p0000/00000000000000000004.seg",
            "segments/p0000/00000000000000000006.seg",
            "segments/p0001/00000000000000000005.seg");
    assertThat(s.list("segments/p0001/")).containsExactly(ArchiveKeys.segment(1, 5));
    assertThat(s.list("segments/p000")).hasSize(3);
    assertThat(s.list("man")).containsExactly(ArchiveKeys.manifest(9), ArchiveKeys.manifest(10));
    assertThat(s.list("manifests/0000000000000000000")).containsExactly(ArchiveKeys.manifest(9));
    assertThat(s.list("t")).containsExactly("top");
    assertThat(s.list("nothing/")).isEmpty();
  }

  @Test
  void directoriesAreNotObjects() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    s.put("a/b/c", bytes("x"));
    assertThatThrownBy(() -> s.get("a/b")).isInstanceOf(ArchiveObjectNotFoundException.class);
    assertThat(s.size("a/b")).isEqualTo(-1);
    s.delete("a/b");
    assertThat(s.get("a/b/c")).isEqualTo(bytes("x"));
    // Below an object there is nothing.
    assertThatThrownBy(() -> s.get("a/b/c/d")).isInstanceOf(ArchiveObjectNotFoundException.class);
    assertThat(s.size("a/b/c/d")).isEqualTo(-1);
    s.delete("a/b/c/d");
    assertThatThrownBy(() -> s.put("a/b/c/d", bytes("y"))).isInstanceOf(IOException.class);
    assertThat(files(dir)).containsExactly("a/b/c");
  }

  @Test
  void temporaryAndForeignFilesAreNeverListed() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    s.put(ArchiveKeys.manifest(1), bytes("m"));
    // What a crash in the middle of a put leaves, and files someone else put there.
    Files.writeString(dir.resolve("manifests/.tmp-1234abcd~"), "half a manifest");
    Files.writeString(dir.resolve(".tmp-ffff~"), "x");
    Files.writeString(dir.resolve("notes about this.txt"), "x");
    Files.createDirectories(dir.resolve("not a key"));
    Files.writeString(dir.resolve("not a key/file"), "x");
    assertThat(s.list("")).containsExactly(ArchiveKeys.manifest(1));
    assertThat(s.list("manifests/")).containsExactly(ArchiveKeys.manifest(1));
  }

  @Test
  void badKeysAreRefused() {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    List<String> bad =
        new ArrayList<>(
            List.of(
                "", "/a", "a/", "a//b", ".", "..", "./a", "a/./b", "a/../b", "../x", "a b", "a\\b",
                "é", "a~", "tab\t", "nul\0", "a:b", "a*"));
    bad.add("k".repeat(ArchiveKeys.MAX_KEY_LENGTH + 1));
    bad.add(null);
    for (String k : bad) {
      assertThatThrownBy(() -> s.put(k, bytes("x")))
          .as("put %s", k)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.get(k))
          .as("get %s", k)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.size(k))
          .as("size %s", k)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.delete(k))
          .as("delete %s", k)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(dir.toFile().list()).isEmpty();
  }

  @Test
  void theRootIsCreatedAndDescribed() throws Exception {
    java.nio.file.Path root = dir.resolve("x/y/archive");
    ArchiveStore s = new LocalDirectoryArchiveStore(root);
    assertThat(root).isDirectory();
    assertThat(s.describe()).isEqualTo("local directory " + root.toAbsolutePath());
    assertThat(s.list("")).isEmpty();
    s.close();
  }

  @Test
  void concurrentPutsAndListingsSeeWholeObjectsOnly() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    int threads = 8;
    int each = 100;
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      all.add(
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    s.put(ArchiveKeys.segment(id, i), bytes("t" + id + "-" + i));
                    s.put("shared/one", bytes(("thread " + id + " ").repeat(100 + id)));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              }));
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                start.await();
                while (!done.get()) {
                  for (String k : s.list("")) {
                    assertThat(k).doesNotContain(".tmp-");
                  }
                  if (s.size("shared/one") >= 0) {
                    String v = new String(s.get("shared/one"), StandardCharsets.UTF_8);
                    String first = v.substring(0, v.indexOf(' ', 7) + 1);
                    assertThat(v).isEqualTo(first.repeat(v.length() / first.length()));
                  }
                }
              } catch (Throwable e) {
                errors.add(e);
              }
            });
    all.forEach(Thread::start);
    reader.start();
    start.countDown();
    for (Thread t : all) {
      t.join();
    }
    done.set(true);
    reader.join();
    assertThat(errors).isEmpty();
    List<String> expected = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        expected.add(ArchiveKeys.segment(t, i));
        assertThat(s.get(ArchiveKeys.segment(t, i))).isEqualTo(bytes("t" + t + "-" + i));
      }
    }
    expected.add("shared/one");
    assertThat(s.list("")).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(files(dir)).as("no temporary file left").hasSize(expected.size());
  }
}
