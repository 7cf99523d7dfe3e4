package io.querysub.web.health;

import io.querysub.core.node.NodeEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}: UP once the store is built (and until the node stops), so a load balancer
 * sends no traffic to a node that would answer UNAVAILABLE.
 */
@Readiness
@ApplicationScoped
public class EngineReadiness implements HealthCheck {
  @Inject NodeEngine engine;

  @Override
  public HealthCheckResponse call() {
    if (!engine.isReady()) {
      return HealthCheckResponse.down("querysub-engine");
    }
    return HealthCheckResponse.named("querysub-engine")
        .up()
        .withData("nodeId", engine.settings().nodeId())
        .withData("pathCount", engine.store().pathCount())
        .build();
  }
}
