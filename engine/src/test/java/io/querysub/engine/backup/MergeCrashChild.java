package io.querysub.engine.backup;

import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import java.nio.file.Path;

/**
 * A process that opens an archive as a node does (sweeping what no manifest lists) and merges every
 * partition, as the archive-merge job does. Started by {@link MergeCrashMatrixTest} with a crash
 * failpoint armed ({@code -Dquerysub.failpoints}), then again without, as the job's restart.
 * Arguments: the archive directory, the partition count, the target segment size.
 */
public final class MergeCrashChild {
  private MergeCrashChild() {}

  public static void main(String[] args) throws Exception {
    try (LocalDirectoryArchiveStore store = new LocalDirectoryArchiveStore(Path.of(args[0]))) {
      ArchiveFixture node = new ArchiveFixture(store, Integer.parseInt(args[1]), 4096);
      int swept = node.archiver.deleteUnlisted();
      int merged = 0;
      for (int p = 0; p < Integer.parseInt(args[1]); p++) {
        if (node.archiver.mergePartition(p, Long.parseLong(args[2])).skipped() == null) {
          merged++;
        }
      }
      System.out.println("swept=" + swept + " merged=" + merged);
    }
    System.exit(0);
  }
}
