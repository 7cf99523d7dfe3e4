package io.querysub.jobs;

import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.backup.BackupException;
import io.querysub.engine.backup.BackupManifest;
import io.querysub.engine.backup.Backups;
import io.querysub.engine.backup.Verify;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code verify}: one item per partition (the backup's digest read back, the digest it recorded,
 * the live archive's as of its version), then the report. A mismatch fails the job, naming the
 * partitions and what could not be read.
 */
final class VerifyWork implements JobWork {
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    long backup;
    ArrayList<Verify.PartitionCheck> checks = new ArrayList<>();
  }

  private final JobWorks works;
  private Archiver archiver;
  private ArchiveStore location;
  private BackupManifest backup;
  private Archiver.Pin pin;

  VerifyWork(JobWorks works) {
    this.works = works;
  }

  @Override
  public Cursor open(Cursor checkpoint, Properties params) throws IOException {
    archiver = works.archiver();
    location = works.config.location();
    pin = archiver.pin();
    if (checkpoint != null) {
      backup = Backups.get(location, ((State) checkpoint.state).backup);
      return checkpoint;
    }
    long id = JobParams.get(params, "backup").map(Long::parseLong).orElse(0L);
    if (id == 0) {
      List<BackupManifest> all = Backups.list(location);
      if (all.isEmpty()) {
        throw new QuerysubException(
            ErrorCode.NOT_FOUND, "there is no backup in " + location.describe() + " to check");
      }
      backup = all.get(all.size() - 1);
    } else {
      backup = Backups.get(location, id);
    }
    State s = new State();
    s.backup = backup.id();
    Cursor c = new Cursor();
    c.state = s;
    c.total = backup.partitions() + 1;
    c.bytesTotal = 2 * backup.bytes();
    c.report.put("backup", backup.id());
    c.report.put("version", backup.version().toString());
    return c;
  }

  @Override
  public void process(Cursor c, int index) throws IOException {
    State s = (State) c.state;
    if (index < backup.partitions()) {
      s.checks.add(Verify.partition(location, backup, archiver.store(), archiver.current(), index));
      c.bytesDone = 2 * backup.bytes() * (index + 1) / backup.partitions();
      return;
    }
    Verify.Report r = Verify.report(backup, s.checks);
    c.report.put("match", r.match());
    c.report.put("paths", r.paths());
    c.report.put("backupDigest", r.backupDigest());
    c.report.put("recordedDigest", r.recordedDigest());
    c.report.put("liveDigest", r.liveDigest());
    c.report.put("differing", r.differing().toString());
    c.report.put("problems", String.join("; ", r.problems()));
    if (!r.match()) {
      throw new BackupException(
          "backup "
              + backup.id()
              + " does not match the live data as of "
              + backup.version()
              + ": partitions "
              + r.differing()
              + " differ"
              + (r.problems().isEmpty() ? "" : " (" + String.join("; ", r.problems()) + ")"));
    }
  }

  @Override
  public void close() {
    if (pin != null) {
      pin.close();
    }
  }
}
