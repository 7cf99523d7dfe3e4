package io.querysub.web.health;

import io.querysub.core.perm.RulesFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}, check {@code querysub-rules}: the permission rules in force. UP when a
 * rules file is in force (also when a later reload failed and the rules before it stay: {@code
 * problems} then names what was wrong) or permissions are off; DOWN when no rules are in force (the
 * file is missing or never loaded), because the node then denies every operation.
 */
@Readiness
@ApplicationScoped
public class RulesHealth implements HealthCheck {
  @Inject RulesFile rules;

  @Override
  public HealthCheckResponse call() {
    RulesFile.Status s = rules.status();
    boolean off = !rules.permissions().enabled();
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("querysub-rules")
            .status(off || s.loaded())
            .withData("source", s.source())
            .withData("rules", s.rules())
            .withData("loads", s.loads());
    if (!s.problems().isEmpty()) {
      b.withData("problems", String.join("; ", s.problems()));
    }
    return b.build();
  }
}
