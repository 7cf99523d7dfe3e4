package io.querysub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.config.ConfigurationException;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobParamsTest {
  private static ErrorCode code(Runnable r) {
    try {
      r.run();
      return null;
    } catch (QuerysubException e) {
      return e.code();
    }
  }

  @Test
  void goodParametersPass() {
    JobParams.check("archive-merge", Map.of("partitions", "0,3", "targetSize", "64MiB"));
    JobParams.check("backup", Map.of("full", "true", "fullEvery", "7"));
    JobParams.check(
        "restore",
        Map.of(
            "into", "subtree", "path", "/rooms/r1", "version", "1796604927010.0.0", "backup", "3"));
    JobParams.check("restore", Map.of("into", "directory", "directory", "/var/lib/restored"));
    JobParams.check("restore", Map.of("into", "subtree", "path", "/", "source", "archive"));
    JobParams.check("verify", Map.of());
  }

  @Test
  void badParametersAreRefusedEachByName() {
    assertThat(code(() -> JobParams.check("compact", Map.of()))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThatThrownBy(
            () ->
                JobParams.check(
                    "restore",
                    Map.of(
                        "into", "subtree",
                        "version", "yesterday",
                        "source", "archive",
                        "backup", "0")))
        .isInstanceOf(QuerysubException.class)
        .hasMessageContaining("version=yesterday")
        .hasMessageContaining("backup=0: must be at least 1")
        .hasMessageContaining("path: required to restore into a subtree")
        .hasMessageContaining("backup: only with source=backup");
    assertThatThrownBy(
            () -> JobParams.check("restore", Map.of("into", "directory", "directory", "rel/dir")))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> JobParams.check("restore", Map.of()))
        .hasMessageContaining("into: required");
    assertThatThrownBy(() -> JobParams.check("archive-merge", Map.of("targetSize", "12")))
        .hasMessageContaining("targetSize=12");
    assertThatThrownBy(() -> JobParams.check("archive-merge", Map.of("partitions", "1,x")))
        .hasMessageContaining("partitions=1,x");
    assertThatThrownBy(() -> JobParams.check("backup", Map.of("full", "yes", "trigger", "rest")))
        .hasMessageContaining("full=yes: must be true or false")
        .hasMessageContaining("'trigger' is not a parameter of backup");
    assertThat(code(() -> JobParams.check("verify", Map.of("backup", "x"))))
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void settingsHaveDefaultsAndNameEveryBadKey() {
    JobSettings d = JobSettings.defaults(Path.of("/data"));
    assertThat(d.role()).isEqualTo("admin");
    assertThat(d.fullEvery()).isEqualTo(24);
    assertThat(d.schedules()).isEmpty();
    assertThat(d.location().dir()).isEqualTo(Path.of("/data/backups"));
    Map<String, String> given =
        Map.of(
            "querysub.jobs.backup.every", "1h",
            "querysub.jobs.archive-merge.every", "10m",
            "querysub.backup.store", "s3",
            "querysub.backup.s3.endpoint", "http://127.0.0.1:9000",
            "querysub.backup.s3.bucket", "backups",
            "querysub.backup.s3.accessKey", "k",
            "querysub.backup.s3.secretKey", "s");
    JobSettings s = JobSettings.read(k -> Optional.ofNullable(given.get(k)), Path.of("/data"));
    assertThat(s.schedules())
        .containsEntry("backup", Duration.ofHours(1))
        .containsEntry("archive-merge", Duration.ofMinutes(10));
    assertThat(s.location().s3().bucket()).isEqualTo("backups");
    Map<String, String> bad =
        Map.of(
            "querysub.jobs.verify.every", "often",
            "querysub.backup.store", "s3",
            "querysub.backup.fullEvery", "0");
    assertThatThrownBy(() -> JobSettings.read(k -> Optional.ofNullable(bad.get(k)), Path.of("/d")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "querysub.backup.s3.endpoint: required when querysub.backup.store=s3");
    Map<String, String> bad2 =
        Map.of("querysub.jobs.verify.every", "often", "querysub.backup.fullEvery", "0");
    assertThatThrownBy(() -> JobSettings.read(k -> Optional.ofNullable(bad2.get(k)), Path.of("/d")))
        .hasMessageContaining("querysub.jobs.verify.every=often")
        .hasMessageContaining("querysub.backup.fullEvery=0");
  }
}
