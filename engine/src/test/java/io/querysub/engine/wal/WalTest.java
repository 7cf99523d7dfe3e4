package io.querysub.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
  @TempDir java.nio.file.Path dir;

  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
  }

  static WalRecord record(int i) {
    List<Write> w = new ArrayList<>();
    w.add(new Write(Path.parse("/a/p" + i), Value.ofJson("{\"i\":" + i + ",\"s\":\"é\"}")));
    if (i % 3 == 0) {
      w.add(Write.delete(Path.parse("/b/%2Fslash/q" + i)));
    }
    if (i % 5 == 0) {
      w.add(new Write(Path.parse("/c/n" + i), Value.NULL));
    }
    return new WalRecord(Version.of(1_700_000_000_000L + i, i % 7, 3), w);
  }

  private FileWriteAheadLog open(WalOptions o, List<WalRecord> out) {
    FileWriteAheadLog log = new FileWriteAheadLog(o);
    log.open(out::add);
    return log;
  }

  private List<WalRecord> writeAndClose(WalOptions o, int n) throws InterruptedException {
    List<WalRecord> written = new ArrayList<>();
    FileWriteAheadLog log = open(o, new ArrayList<>());
    long t = 0;
    for (int i = 1; i <= n; i++) {
      WalRecord r = record(i);
      t = log.append(r.version(), r.writes());
      written.add(r);
    }
    log.awaitDurable(t);
    log.close();
    return written;
  }

  private List<WalRecord> reopen(WalOptions o, Recovery[] found) {
    List<WalRecord> out = new ArrayList<>();
    FileWriteAheadLog log = new FileWriteAheadLog(o);
    found[0] = log.open(out::add);
    log.close();
    return out;
  }

  @Test
  void appendedRecordsComeBackInOrderWithValuesDeletesAndNull() throws Exception {
    WalOptions o = WalOptions.defaults(dir);
    List<WalRecord> written = writeAndClose(o, 50);
    Recovery[] found = new Recovery[1];
    assertThat(reopen(o, found)).isEqualTo(written);
    assertThat(found[0].records()).isEqualTo(50);
    assertThat(found[0].cut()).isNull();
    assertThat(found[0].highest()).isEqualTo(written.get(49).version());
  }

  @Test
  void ticketsBecomeDurableOnlyAfterTheSync() throws Exception {
    CountDownLatch inSync = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FailPoints.arm(
        FailPoints.WAL_BEFORE_SYNC,
        p -> {
          inSync.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    FileWriteAheadLog log = open(new WalOptions(dir, 0, 1 << 20), new ArrayList<>());
    WalRecord r = record(1);
    long t = log.append(r.version(), r.writes());
    CompletableFuture<Void> f = log.whenDurable(t);
    assertThat(inSync.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(f).isNotDone();
    assertThat(log.durableTicket()).isLessThan(t);
    release.countDown();
    f.get(10, TimeUnit.SECONDS);
    assertThat(log.durableTicket()).isGreaterThanOrEqualTo(t);
    FailPoints.disarmAll();
    log.close();
  }

  @Test
  void aFailedSyncFailsWaitersAndRefusesLaterAppends() throws Exception {
    FailPoints.arm(FailPoints.WAL_BEFORE_SYNC, FailPoints.fail());
    FileWriteAheadLog log = open(new WalOptions(dir, 0, 1 << 20), new ArrayList<>());
    WalRecord r = record(1);
    long t = log.append(r.version(), r.writes());
    assertThatThrownBy(() -> log.awaitDurable(t))
        .isInstanceOf(WalException.class)
        .hasMessageContaining("failed before record " + t);
    assertThat(log.failed()).isTrue();
    assertThatThrownBy(() -> log.append(r.version(), r.writes()))
        .isInstanceOfSatisfying(
            QuerysubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    log.close();
  }

  @Test
  void closeMakesEveryAppendedRecordDurable() throws Exception {
    FileWriteAheadLog log = open(new WalOptions(dir, 10_000, 1 << 20), new ArrayList<>());
    List<WalRecord> written = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      WalRecord r = record(i);
      log.append(r.version(), r.writes());
      written.add(r);
    }
    log.close();
    assertThat(log.durableTicket()).isEqualTo(10);
    assertThat(reopen(new WalOptions(dir, 0, 1 << 20), new Recovery[1])).isEqualTo(written);
    assertThatThrownBy(() -> log.append(record(1).version(), record(1).writes()))
        .isInstanceOf(QuerysubException.class);
  }

  /** The offset where the last record of the newest segment starts, and the file. */
  private record Last(java.nio.file.Path file, long start, long end) {}

  private Last lastRecord(int n) throws IOException {
    // The newest segment: the one written since the last open.
    List<java.nio.file.Path> files = io.querysub.engine.wal.internal.Segments.list(dir);
    java.nio.file.Path f = files.get(files.size() - 1);
    long size = Files.size(f);
    WalRecord last = record(n);
    long len =
        io.querysub.engine.wal.internal.RecordCodec.encode(last.version(), last.writes()).length;
    return new Last(f, size - len, size);
  }

  @Test
  void aTornTailAtEveryByteOfTheLastRecordIsCutAndTheRestKept() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1 << 20);
    List<WalRecord> written = writeAndClose(o, 6);
    Last last = lastRecord(6);
    byte[] whole = Files.readAllBytes(last.file());
    for (long cut = last.start(); cut < last.end(); cut++) {
      Files.write(last.file(), java.util.Arrays.copyOf(whole, (int) cut));
      Recovery[] found = new Recovery[1];
      List<WalRecord> back = reopen(o, found);
      assertThat(back).as("cut at %d", cut).isEqualTo(written.subList(0, 5));
      if (cut == last.start()) {
        assertThat(found[0].cut()).as("a clean end at %d", cut).isNull();
      } else {
        assertThat(found[0].cut()).as("cut at %d", cut).isNotNull();
        assertThat(found[0].cut().offset()).isEqualTo(last.start());
        assertThat(found[0].cut().file()).isEqualTo(last.file().toString());
        assertThat(found[0].cut().removed()).isEqualTo(cut - last.start());
      }
      assertThat(Files.size(last.file())).isEqualTo(last.start());
      // Leave only the segment under test for the next round.
      for (var f : io.querysub.engine.wal.internal.Segments.list(dir)) {
        if (!f.equals(last.file())) {
          Files.delete(f);
        }
      }
    }
  }

  @Test
  void aCorruptByteAnywhereInTheLastRecordCutsItAndKeepsTheRest() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1 << 20);
    List<WalRecord> written = writeAndClose(o, 6);
    Last last = lastRecord(6);
    byte[] whole = Files.readAllBytes(last.file());
    for (long at = last.start(); at < last.end(); at++) {
      byte[] bad = whole.clone();
      bad[(int) at] ^= 0x5A;
      Files.write(last.file(), bad);
      Recovery[] found = new Recovery[1];
      List<WalRecord> back = reopen(o, found);
      assertThat(back).as("byte %d flipped", at).isEqualTo(written.subList(0, 5));
      assertThat(found[0].cut()).as("byte %d flipped", at).isNotNull();
      assertThat(found[0].cut().offset()).isEqualTo(last.start());
      for (var f : io.querysub.engine.wal.internal.Segments.list(dir)) {
        if (!f.equals(last.file())) {
          Files.delete(f);
        }
      }
    }
  }

  @Test
  void appendsAfterACutTailAreKept() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1 << 20);
    List<WalRecord> written = writeAndClose(o, 4);
    Last last = lastRecord(4);
    try (FileChannel c = FileChannel.open(last.file(), StandardOpenOption.WRITE)) {
      c.truncate(last.end() - 3);
    }
    List<WalRecord> replayed = new ArrayList<>();
    FileWriteAheadLog log = open(o, replayed);
    assertThat(replayed).isEqualTo(written.subList(0, 3));
    WalRecord r = record(9);
    log.awaitDurable(log.append(r.version(), r.writes()));
    log.close();
    List<WalRecord> expected = new ArrayList<>(written.subList(0, 3));
    expected.add(r);
    assertThat(reopen(o, new Recovery[1])).isEqualTo(expected);
  }

  @Test
  void damageBeforeTheLastSegmentRefusesToStart() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1 << 20);
    writeAndClose(o, 6);
    Last last = lastRecord(6);
    reopen(o, new Recovery[1]); // starts an empty segment after it
    byte[] bad = Files.readAllBytes(last.file());
    bad[(int) last.start() + 12] ^= 1;
    Files.write(last.file(), bad);
    assertThatThrownBy(() -> reopen(o, new Recovery[1]))
        .isInstanceOf(WalException.class)
        .hasMessageContaining(last.file().toString())
        .hasMessageContaining("offset " + last.start());
  }

  @Test
  void aSegmentOfAnotherFormatVersionIsNeverCut() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1 << 20);
    writeAndClose(o, 3);
    java.nio.file.Path f = io.querysub.engine.wal.internal.Segments.list(dir).get(0);
    byte[] b = Files.readAllBytes(f);
    java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(b);
    h.putInt(8, 2); // format version 2, with a matching header checksum
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b, 0, 20);
    h.putInt(20, (int) crc.getValue());
    Files.write(f, b);
    assertThatThrownBy(() -> reopen(o, new Recovery[1]))
        .isInstanceOf(WalException.class)
        .hasMessageContaining("unknown format version 2");
    assertThat(Files.size(f)).isEqualTo(b.length);
  }

  @Test
  void aSegmentWithATornHeaderIsRemoved() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1 << 20);
    List<WalRecord> written = writeAndClose(o, 3);
    java.nio.file.Path torn = dir.resolve(io.querysub.engine.wal.internal.Segments.name(99));
    Files.write(torn, new byte[10]);
    Recovery[] found = new Recovery[1];
    assertThat(reopen(o, found)).isEqualTo(written);
    assertThat(found[0].cut().offset()).isZero();
    assertThat(torn).doesNotExist();
  }

  @Test
  void segmentsRotateAtTheSizeAndDeleteUpToKeepsTheCurrentOne() throws Exception {
    WalOptions o = new WalOptions(dir, 0, 1024);
    FileWriteAheadLog log = open(o, new ArrayList<>());
    List<WalRecord> written = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      WalRecord r = record(i);
      log.awaitDurable(log.append(r.version(), r.writes())); // one sync each: many segments
      written.add(r);
    }
    List<java.nio.file.Path> files = log.segmentFiles();
    assertThat(files.size()).isGreaterThan(3);
    for (var f : files.subList(0, files.size() - 1)) {
      assertThat(Files.size(f)).isGreaterThanOrEqualTo(1024);
    }
    // Segments holding only versions up to record 20 may go; record 21 and later must stay.
    int deleted = log.deleteUpTo(written.get(19).version());
    assertThat(deleted).isPositive();
    List<WalRecord> left = new ArrayList<>();
    log.close();
    FileWriteAheadLog again = new FileWriteAheadLog(o);
    again.open(left::add);
    again.close();
    assertThat(left).isNotEmpty();
    int firstKept = written.indexOf(left.get(0));
    assertThat(firstKept).isBetween(1, 20);
    assertThat(left).isEqualTo(written.subList(firstKept, 60));
    // Everything may go now, but never the segment being written.
    FileWriteAheadLog third = new FileWriteAheadLog(o);
    third.open(r -> {});
    third.deleteUpTo(written.get(59).version());
    assertThat(third.segmentFiles()).hasSize(1);
    third.close();
  }
}
