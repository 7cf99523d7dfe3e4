package io.querysub.web.health;

import io.querysub.core.node.NodeEngine;
import io.querysub.engine.archive.ArchiveStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}, check {@code querysub-archive}: where archiving stands. It stays UP while
 * the archive store is out of reach, because the node still accepts and serves writes (its log
 * keeps them) and taking it out of a load balancer would turn a degraded archive into an outage;
 * {@code state} says {@code degraded} then, with the error, when it happened, and how many golden
 * writes wait. {@code state} is {@code ok}, {@code degraded} or {@code none} (no archive kept).
 */
@Readiness
@ApplicationScoped
public class ArchiveHealth implements HealthCheck {
  @Inject NodeEngine engine;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("querysub-archive").up();
    Optional<ArchiveStatus> status = engine.archiveStatus();
    if (status.isEmpty()) {
      return b.withData("state", "none").build();
    }
    ArchiveStatus s = status.get();
    b.withData("state", s.degraded() ? "degraded" : "ok")
        .withData("store", s.store())
        .withData("pendingWrites", s.pendingWrites())
        .withData("archivedUpTo", s.archivedUpTo().toString())
        .withData("manifest", s.manifestSequence())
        .withData("segments", s.segments())
        .withData("rounds", s.rounds())
        .withData("failures", s.failures());
    if (s.lastSuccessAt() != null) {
      b.withData("lastSuccessAt", s.lastSuccessAt().toString());
    }
    if (s.degraded()) {
      b.withData("lastError", s.lastError())
          .withData("lastErrorAt", String.valueOf(s.lastErrorAt()))
          .withData("nextAttemptMillis", s.nextAttemptMillis());
    }
    return b.build();
  }
}
