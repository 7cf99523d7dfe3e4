package io.querysub.jobs;

import io.querysub.core.node.NodeEngine;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** Makes the {@link JobWork} of a job, with what it needs from the node. */
@ApplicationScoped
public class JobWorks {
  @Inject NodeEngine engine;
  @Inject JobLeases leases;
  @Inject JobConfig config;

  JobWork create(String job, long executionId) {
    String owner = "node " + config.nodeId() + " execution " + executionId;
    return switch (job) {
      case "archive-merge" -> new MergeWork(this, owner);
      case "backup" -> new BackupWork(this, owner);
      case "restore" -> new RestoreWork(this);
      case "verify" -> new VerifyWork(this);
      default -> throw new IllegalArgumentException("no job named " + job);
    };
  }

  /**
   * The node's archiver.
   *
   * @throws QuerysubException {@code UNAVAILABLE} when the node keeps no archive
   */
  Archiver archiver() {
    Archiver a = engine.archiver();
    if (a == null) {
      throw new QuerysubException(
          ErrorCode.UNAVAILABLE,
          "this node keeps no archive (querysub.archive.store=none): there is nothing to merge,"
              + " back up or check");
    }
    return a;
  }

  /** The name of the lease on one partition of an archive. */
  static String partitionLease(Archiver a, int partition) {
    return "archive " + a.store().describe() + " partition " + partition;
  }

  /** Takes the lease of every partition of the archive (a backup reads all of them). */
  List<JobLeases.Lease> allPartitions(Archiver a, String owner) {
    List<JobLeases.Lease> held = new ArrayList<>();
    try {
      for (int p = 0; p < a.current().partitions(); p++) {
        held.add(
            leases.acquire(
                partitionLease(a, p),
                owner,
                config.settings().leaseTtl(),
                config.settings().leaseWait()));
      }
      return held;
    } catch (RuntimeException e) {
      held.forEach(JobLeases.Lease::close);
      throw e;
    }
  }
}
