package io.querysub.jobs;

import io.querysub.config.ConfigurationException;
import io.querysub.config.SettingValues;
import io.querysub.core.archive.ArchiveSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How jobs run, read once at startup (docs/backups.md, "Configuration").
 *
 * @param role the role a caller needs to start, stop, restart or see jobs over REST
 * @param location where backups go ({@code querysub.backup.store}, {@code .dir}, {@code .s3.*},
 *     like the archive's keys)
 * @param fullEvery a backup is full when the newest chain already holds this many backups
 * @param keepChains after each backup, chains older than the newest this many are deleted (0: none
 *     are)
 * @param targetSegmentBytes the size {@code archive-merge} merges segments up to
 * @param schedules per job name, how often it runs on its own (absent: only on demand)
 * @param leaseTtl how long a lease outlives a member that died holding it
 * @param leaseWait how long a job waits for a partition another job holds before it fails
 * @param restoreBatch writes per commit of a restore in place
 * @param restoreMaxPaths the most values a subtree restored in place may hold now
 */
public record JobSettings(
    String role,
    ArchiveSettings location,
    int fullEvery,
    int keepChains,
    int targetSegmentBytes,
    Map<String, Duration> schedules,
    Duration leaseTtl,
    Duration leaseWait,
    int restoreBatch,
    int restoreMaxPaths) {

  /** The jobs a schedule may name (a restore needs parameters, so it has none). */
  public static final List<String> SCHEDULABLE = List.of("archive-merge", "backup", "verify");

  public static JobSettings defaults(Path dataDir) {
    return read(k -> Optional.empty(), dataDir);
  }

  /**
   * @throws ConfigurationException listing every invalid setting by its key
   */
  public static JobSettings read(Function<String, Optional<String>> source, Path dataDir) {
    ArchiveSettings location =
        ArchiveSettings.readStore(source, "querysub.backup.", dataDir.resolve("backups"));
    SettingValues in = new SettingValues(source);
    String role = in.raw("querysub.jobs.role", "admin");
    int fullEvery = in.integer("querysub.backup.fullEvery", 24, 1, 100_000);
    int keepChains = in.integer("querysub.backup.keepChains", 0, 0, 100_000);
    int target =
        in.bytes("querysub.jobs.archive-merge.targetSize", "64MiB", 1024, Integer.MAX_VALUE - 64);
    Map<String, Duration> schedules = new LinkedHashMap<>();
    for (String job : SCHEDULABLE) {
      String key = "querysub.jobs." + job + ".every";
      String text = in.raw(key, "off");
      if (!text.equalsIgnoreCase("off")) {
        schedules.put(job, in.duration(key, text, Duration.ofSeconds(1)));
      }
    }
    Duration ttl = in.duration("querysub.jobs.leaseTtl", "30s", Duration.ofSeconds(1));
    Duration wait = in.duration("querysub.jobs.leaseWait", "10s", Duration.ZERO);
    int batch = in.integer("querysub.jobs.restore.batch", 500, 1, 100_000);
    int maxPaths = in.integer("querysub.jobs.restore.maxPaths", 1_000_000, 1, 100_000_000);
    in.check();
    return new JobSettings(
        role,
        location,
        fullEvery,
        keepChains,
        target,
        Map.copyOf(schedules),
        ttl,
        wait,
        batch,
        maxPaths);
  }
}
