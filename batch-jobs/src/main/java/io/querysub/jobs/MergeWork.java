package io.querysub.jobs;

import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Properties;

/**
 * {@code archive-merge}: one item per partition; each merges the partition's segments into as few
 * of about the target size as hold them ({@link Archiver#mergePartition}) under the partition's
 * lease.
 */
final class MergeWork implements JobWork {
  /** The plan: which partitions, their bytes when planned, the target size. */
  static final class Plan implements Serializable {
    private static final long serialVersionUID = 1L;
    // Lists, not arrays: the batch runtime cannot load array classes when it reads a checkpoint.
    ArrayList<Integer> partitions = new ArrayList<>();
    ArrayList<Long> bytes = new ArrayList<>();
    long target;
  }

  private final JobWorks works;
  private final String owner;
  private Archiver archiver;

  MergeWork(JobWorks works, String owner) {
    this.works = works;
    this.owner = owner;
  }

  @Override
  public Cursor open(Cursor checkpoint, Properties params) {
    archiver = works.archiver();
    if (checkpoint != null) {
      return checkpoint;
    }
    Manifest m = archiver.current();
    Plan plan = new Plan();
    int[] parts =
        JobParams.get(params, "partitions")
            .map(JobParams::partitions)
            .orElseGet(() -> java.util.stream.IntStream.range(0, m.partitions()).toArray());
    for (int p : parts) {
      if (p >= m.partitions()) {
        throw new QuerysubException(
            ErrorCode.INVALID_ARGUMENT,
            "partition " + p + ": the archive has partitions 0.." + (m.partitions() - 1));
      }
    }
    plan.target =
        JobParams.get(params, "targetSize")
            .map(JobParams::bytes)
            .orElse((long) works.config.settings().targetSegmentBytes());
    Cursor c = new Cursor();
    for (int p : parts) {
      long bytes = 0;
      for (SegmentRef r : m.segments()) {
        if (r.partition() == p) {
          bytes += r.bytes();
        }
      }
      plan.partitions.add(p);
      plan.bytes.add(bytes);
      c.bytesTotal += bytes;
    }
    c.state = plan;
    c.total = parts.length;
    for (String k :
        new String[] {
          "partitionsMerged",
          "partitionsSkipped",
          "segmentsBefore",
          "segmentsAfter",
          "recordsRead",
          "recordsWritten",
          "bytesRead",
          "bytesWritten"
        }) {
      c.report.put(k, 0L);
    }
    c.report.put("targetSize", plan.target);
    return c;
  }

  @Override
  public void process(Cursor c, int index) throws Exception {
    Plan plan = (Plan) c.state;
    int p = plan.partitions.get(index);
    Archiver.MergeResult r;
    try (JobLeases.Lease lease =
        works.leases.acquire(
            JobWorks.partitionLease(archiver, p),
            owner,
            works.config.settings().leaseTtl(),
            works.config.settings().leaseWait())) {
      r = archiver.mergePartition(p, plan.target);
    }
    c.add(r.skipped() == null ? "partitionsMerged" : "partitionsSkipped", 1);
    c.add("segmentsBefore", r.segmentsBefore());
    c.add("segmentsAfter", r.segmentsAfter());
    c.add("recordsRead", r.recordsRead());
    c.add("recordsWritten", r.recordsWritten());
    c.add("bytesRead", r.bytesRead());
    c.add("bytesWritten", r.bytesWritten());
    c.bytesDone += plan.bytes.get(index);
  }
}
