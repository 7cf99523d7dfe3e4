package io.querysub.jobs;

import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import io.querysub.engine.backup.BackupManifest;
import io.querysub.engine.backup.Backups;
import io.querysub.engine.backup.Restore;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * {@code restore}: the state as of a version, read from a backup (by default the oldest one at or
 * after the version) or from the live archive, one item per partition: written as a new archive
 * into an empty data directory ({@code into=directory}, then a last item writes its manifest), or
 * applied to this node's store under a subtree as new writes ({@code into=subtree}).
 */
final class RestoreWork implements JobWork {
  static final class State implements Serializable {
    private static final long serialVersionUID = 1L;
    String source;
    long backup;
    String version;
    String path;
    String into;
    String directory;
    ArrayList<Integer> partitions = new ArrayList<>(); // not an array: see MergeWork.Plan
    ArrayList<Restore.Written> written = new ArrayList<>();
  }

  private final JobWorks works;
  private Restore.Source source;
  private Archiver.Pin pin;
  private ArchiveStore target;
  private Restore.IntoArchive into;
  private Path root;
  private Version version;

  RestoreWork(JobWorks works) {
    this.works = works;
  }

  @Override
  public Cursor open(Cursor checkpoint, Properties params) throws IOException {
    Cursor c = checkpoint;
    State s;
    if (c == null) {
      s = new State();
      s.source = JobParams.get(params, "source").orElse("backup");
      s.into = JobParams.get(params, "into").orElseThrow();
      s.path = JobParams.get(params, "path").orElse(null);
      s.directory = JobParams.get(params, "directory").orElse(null);
      s.version = JobParams.get(params, "version").orElse(null);
      s.backup = JobParams.get(params, "backup").map(Long::parseLong).orElse(0L);
    } else {
      s = (State) c.state;
    }
    source = source(s);
    version = s.version == null ? source.newest() : Version.parse(s.version);
    s.version = version.toString();
    root = s.path == null ? null : Path.parseAllowingRoot(s.path);
    if (s.into.equals("directory")) {
      java.nio.file.Path dir = java.nio.file.Path.of(s.directory).toAbsolutePath().normalize();
      if (dir.equals(works.config.node().dataDir().toAbsolutePath().normalize())) {
        throw new QuerysubException(
            ErrorCode.INVALID_ARGUMENT, s.directory + " is this node's own data directory");
      }
      target = new LocalDirectoryArchiveStore(dir.resolve("archive"));
      into = new Restore.IntoArchive(target, source);
    }
    if (c != null) {
      return c;
    }
    int parts = source.partitions();
    int depth = works.config.node().shardDepth();
    if (root != null && root.size() >= depth) {
      s.partitions.add(root.shardHash(depth) & (parts - 1));
    } else {
      IntStream.range(0, parts).forEach(s.partitions::add);
    }
    c = new Cursor();
    c.state = s;
    c.total = s.partitions.size() + (into != null ? 1 : 0);
    for (int p : s.partitions) {
      for (var seg : source.partition(p)) {
        c.bytesTotal += seg.ref().bytes();
      }
    }
    c.report.put("source", source.name());
    c.report.put("version", s.version);
    c.report.put("into", s.into);
    if (root != null) {
      c.report.put("path", root.toString());
    }
    if (s.directory != null) {
      c.report.put("directory", s.directory);
    }
    for (String k : new String[] {"paths", "written", "deleted", "unchanged", "commits"}) {
      c.report.put(k, 0L);
    }
    return c;
  }

  private Restore.Source source(State s) throws IOException {
    if (s.source.equals("archive")) {
      Archiver a = works.archiver();
      pin = a.pin();
      return Restore.Source.archive(a.store(), a.current());
    }
    ArchiveStore location = works.config.location();
    BackupManifest b;
    if (s.backup > 0) {
      b = Backups.get(location, s.backup);
    } else {
      List<BackupManifest> all = Backups.list(location);
      if (all.isEmpty()) {
        throw new QuerysubException(
            ErrorCode.NOT_FOUND, "there is no backup in " + location.describe());
      }
      b =
          s.version == null
              ? all.get(all.size() - 1)
              : Backups.covering(all, Version.parse(s.version))
                  .orElseThrow(
                      () ->
                          new QuerysubException(
                              ErrorCode.NOT_FOUND,
                              "no backup reaches version "
                                  + s.version
                                  + " (the newest holds "
                                  + all.get(all.size() - 1).version()
                                  + "); restore it from source=archive"));
      s.backup = b.id();
    }
    return Restore.Source.backup(location, b);
  }

  @Override
  public void process(Cursor c, int index) throws IOException {
    State s = (State) c.state;
    if (index < s.partitions.size()) {
      int p = s.partitions.get(index);
      List<ArchivedWrite> state = Restore.state(source, p, version, root);
      c.add("paths", state.size());
      if (into != null) {
        s.written.add(into.writePartition(p, state, 64L << 20));
      } else {
        int parts = source.partitions();
        int depth = works.config.node().shardDepth();
        Restore.Applied a =
            Restore.applyToStore(
                works.engine.store(),
                root,
                state,
                source.large(),
                works.config.settings().restoreBatch(),
                works.config.settings().restoreMaxPaths(),
                path -> (path.shardHash(depth) & (parts - 1)) == p);
        c.add("written", a.written());
        c.add("deleted", a.deleted());
        c.add("unchanged", a.unchanged());
        c.add("commits", a.commits());
      }
      for (var seg : source.partition(p)) {
        c.bytesDone += seg.ref().bytes();
      }
      return;
    }
    into.finish(version, s.written);
    c.report.put("written", c.report.get("paths"));
  }

  @Override
  public void close() {
    if (pin != null) {
      pin.close();
    }
    if (target != null) {
      target.close();
    }
  }
}
