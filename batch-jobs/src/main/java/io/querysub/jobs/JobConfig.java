package io.querysub.jobs;

import io.querysub.config.NodeSettings;
import io.querysub.core.archive.ArchiveStores;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.eclipse.microprofile.config.Config;

/** The jobs' settings and the backup location they write to (opened on first use). */
@ApplicationScoped
public class JobConfig {
  @Inject NodeSettings node;
  @Inject Config config;

  private JobSettings settings;
  private ArchiveStore location;

  @PostConstruct
  void read() {
    settings = JobSettings.read(k -> config.getOptionalValue(k, String.class), node.dataDir());
  }

  public JobSettings settings() {
    return settings;
  }

  public int nodeId() {
    return node.nodeId();
  }

  /** The node's settings (a method: callers hold this bean's proxy, whose fields are empty). */
  public NodeSettings node() {
    return node;
  }

  /**
   * The backup location.
   *
   * @throws QuerysubException {@code UNAVAILABLE} when backups are off ({@code
   *     querysub.backup.store=none}) or the directory cannot be opened
   */
  public synchronized ArchiveStore location() {
    if (location == null) {
      try {
        location =
            ArchiveStores.open(settings.location())
                .orElseThrow(
                    () ->
                        new QuerysubException(
                            ErrorCode.UNAVAILABLE,
                            "this node keeps no backups (querysub.backup.store=none)"));
      } catch (IOException e) {
        throw new QuerysubException(
            ErrorCode.UNAVAILABLE, "cannot open the backup location: " + e.getMessage());
      }
    }
    return location;
  }

  @PreDestroy
  synchronized void close() {
    if (location != null) {
      location.close();
    }
  }
}
