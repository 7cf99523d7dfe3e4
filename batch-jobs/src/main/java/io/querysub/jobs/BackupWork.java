package io.querysub.jobs;

import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.backup.BackupException;
import io.querysub.engine.backup.BackupManifest;
import io.querysub.engine.backup.Backups;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * {@code backup}: archives what is golden now, then copies the archive's newest manifest (pinned,
 * so no object of it is deleted meanwhile): items are the objects to copy, then one digest per
 * partition (read back from the backup location), then the publish. The plan is stored in the
 * location when made, so a restarted job finishes the same backup; if objects it still had to copy
 * are gone (the node restarted and merged meanwhile), it plans again under the same id, keeping
 * what it copied.
 */
final class BackupWork implements JobWork {
  private static final Logger LOG = Logger.getLogger(BackupWork.class.getName());

  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    long id;
    ArrayList<Backups.CopyItem> items;
    int partitions;
    ArrayList<Long> partitionBytes = new ArrayList<>(); // not an array: see MergeWork.Plan
    ArrayList<String> digests = new ArrayList<>();
    ArrayList<Long> paths = new ArrayList<>();
    long copiedObjects;
    long copiedBytes;
  }

  private final JobWorks works;
  private final String owner;
  private Archiver archiver;
  private ArchiveStore location;
  private Archiver.Pin pin;
  private List<JobLeases.Lease> leases = List.of();
  private BackupManifest plan;
  private BackupManifest base;

  BackupWork(JobWorks works, String owner) {
    this.works = works;
    this.owner = owner;
  }

  @Override
  public Cursor open(Cursor checkpoint, Properties params) throws IOException {
    archiver = works.archiver();
    location = works.config.location();
    leases = works.allPartitions(archiver, owner);
    pin = archiver.pin();
    if (checkpoint != null) {
      State s = (State) checkpoint.state;
      plan = Backups.plan(location, s.id).orElse(null);
      if (plan == null) {
        // Published before the failure: nothing is left but the end.
        plan = Backups.get(location, s.id);
        return checkpoint;
      }
      if (checkpoint.next >= s.items.size()
          || Backups.stillThere(archiver.store(), s.items, checkpoint.next)) {
        return checkpoint;
      }
      LOG.info(() -> "backup " + s.id + ": objects it had to copy are gone; planning it again");
      return plan(params, s.id);
    }
    return plan(params, 0);
  }

  private Cursor plan(Properties params, long id) throws IOException {
    try {
      archiver.archiveNow(); // what is golden now goes into the backup
    } catch (IOException e) {
      throw new IOException("the archive cannot be written: " + e.getMessage(), e);
    }
    Manifest m = archiver.current();
    if (m.sequence() == 0) {
      throw new QuerysubException(
          ErrorCode.UNAVAILABLE,
          "nothing is archived yet: writes are archived once older than querysub.maxChangeAge");
    }
    int fullEvery =
        JobParams.get(params, "fullEvery")
            .map(Integer::parseInt)
            .orElse(works.config.settings().fullEvery());
    boolean full = JobParams.get(params, "full").map(Boolean::parseBoolean).orElse(false);
    plan =
        Backups.plan(
            archiver.store(), m, location, id, fullEvery, full, System.currentTimeMillis());
    State s = new State();
    s.id = plan.id();
    s.items = new ArrayList<>(Backups.toCopy(location, plan));
    s.partitions = plan.partitions();
    for (int p = 0; p < plan.partitions(); p++) {
      s.partitionBytes.add(0L);
    }
    plan.segments()
        .forEach(
            g ->
                s.partitionBytes.set(
                    g.ref().partition(),
                    s.partitionBytes.get(g.ref().partition()) + g.ref().bytes()));
    Cursor c = new Cursor();
    c.state = s;
    c.total = s.items.size() + s.partitions + 1;
    for (Backups.CopyItem i : s.items) {
      c.bytesTotal += i.bytes();
    }
    c.bytesTotal += plan.bytes(); // every object is read back for the digest
    c.report.put("backup", plan.id());
    c.report.put("kind", plan.kind().name().toLowerCase(java.util.Locale.ROOT));
    c.report.put("version", plan.version().toString());
    c.report.put("location", location.describe());
    return c;
  }

  /** The backup an incremental one builds on (its unchanged partitions' digests are reused). */
  private BackupManifest base() throws IOException {
    if (base == null && plan.kind() == BackupManifest.Kind.INCREMENTAL) {
      base = Backups.get(location, plan.base());
    }
    return base;
  }

  @Override
  public void process(Cursor c, int index) throws IOException {
    State s = (State) c.state;
    if (index < s.items.size()) {
      Backups.CopyItem item = s.items.get(index);
      long n = Backups.copy(archiver.store(), location, item);
      s.copiedObjects++;
      s.copiedBytes += n;
      c.bytesDone += item.bytes();
      return;
    }
    int p = index - s.items.size();
    if (p < s.partitions) {
      Backups.PartitionDigest d = Backups.digestPartition(location, plan, p, base());
      s.digests.add(d.digest());
      s.paths.add(d.paths());
      c.bytesDone += s.partitionBytes.get(p);
      return;
    }
    if (!plan.published()) {
      if (s.digests.size() != s.partitions) {
        throw new BackupException("backup " + s.id + ": partition digests are missing");
      }
      plan =
          Backups.publish(
              location, plan.withResult(s.copiedObjects, s.copiedBytes, s.digests, s.paths));
    }
    c.report.put("digest", plan.digest());
    c.report.put("paths", plan.paths());
    c.report.put("bytes", plan.bytes());
    c.report.put("objects", (long) plan.segments().size() + plan.large().size());
    c.report.put("copiedObjects", plan.copiedObjects());
    c.report.put("copiedBytes", plan.copiedBytes());
    c.report.put("chain", plan.chain());
    c.report.put("base", plan.base());
    Backups.Expired expired = Backups.expire(location, works.config.settings().keepChains());
    c.report.put("expiredBackups", expired.backups());
    c.report.put("expiredChains", expired.chains().toString());
  }

  @Override
  public void close() {
    if (pin != null) {
      pin.close();
    }
    leases.forEach(JobLeases.Lease::close);
  }
}
