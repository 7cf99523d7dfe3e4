package io.querysub.engine.archive;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Archived writes for the tests: every kind of value, and paths that need care. */
final class Writes {
  private Writes() {}

  static Version version(int i) {
    return Version.of(1_764_000_000_000L + i, i % 5, 1 + i % 3);
  }

  /** One of each kind, with unicode and percent-encoded paths; every record above 40 bytes. */
  static List<ArchivedWrite> mixed() {
    List<ArchivedWrite> w = new ArrayList<>();
    w.add(ArchivedWrite.inline(Path.parse("/rooms/r1/title"), version(1), Value.ofJson("\"hi\"")));
    w.add(ArchivedWrite.inline(Path.parse("/rooms/r1/deleted"), version(2), Value.ABSENT));
    w.add(ArchivedWrite.inline(Path.parse("/rooms/r1/nothing"), version(3), Value.NULL));
    w.add(
        ArchivedWrite.inline(
            Path.of("ünïcødé", "日本語", "😀"), version(4), Value.ofJson("{\"s\":\"é😀\"}")));
    w.add(
        ArchivedWrite.inline(
            Path.of("a/b", "100%", "x"), version(5), Value.ofJson("[1,2,{\"k\":null}]")));
    w.add(
        new ArchivedWrite(
            Path.parse("/rooms/r1/big"),
            version(6),
            null,
            new LargeRef(ArchiveKeys.largeValue(42, 0), 1_000_000, 0xCAFEBABE)));
    w.add(ArchivedWrite.inline(Path.parse("/rooms/r1/empty"), version(7), Value.ofJson("{}")));
    w.add(ArchivedWrite.inline(Path.parse("/rooms/r2/gone"), version(8), Value.ABSENT));
    return w;
  }

  /** {@code n} distinct random writes of every kind. */
  static List<ArchivedWrite> random(Random r, int n) {
    List<ArchivedWrite> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Path p = Path.of("p" + r.nextInt(100), "é" + i, r.nextBoolean() ? "a/b%" : "v");
      Version v = new Version(r.nextLong() & Long.MAX_VALUE, r.nextInt(Integer.MAX_VALUE));
      out.add(
          switch (r.nextInt(4)) {
            case 0 -> ArchivedWrite.inline(p, v, Value.ABSENT);
            case 1 ->
                new ArchivedWrite(
                    p,
                    v,
                    null,
                    new LargeRef(ArchiveKeys.largeValue(i, r.nextInt(9)), i, r.nextInt()));
            case 2 -> ArchivedWrite.inline(p, v, Value.NULL);
            default ->
                ArchivedWrite.inline(p, v, Value.ofJson("\"" + "x".repeat(r.nextInt(300)) + "\""));
          });
    }
    return out;
  }
}
