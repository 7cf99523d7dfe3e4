package io.querysub.websocket;

import io.querysub.core.node.NodeEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready} check {@code querysub-sync}: open {@code /sync} connections, the watches
 * they hold, and every watch open in the node's hub. Operators (and the leak tests) read these.
 */
@Readiness
@ApplicationScoped
public class SyncHealth implements HealthCheck {
  @Inject NodeEngine engine;
  @Inject SyncService sync;

  @Override
  public HealthCheckResponse call() {
    if (!engine.isReady()) {
      return HealthCheckResponse.down("querysub-sync");
    }
    return HealthCheckResponse.named("querysub-sync")
        .up()
        .withData("connections", sync.connectionCount())
        .withData("connectionWatches", sync.watchCount())
        .withData("watchCount", sync.hub().watchCount())
        .build();
  }
}
