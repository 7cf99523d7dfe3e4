package io.querysub.core.perm;

import io.querysub.config.NodeSettings;
import io.querysub.core.auth.AuthSettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * Makes the node's one {@link Permissions} injectable: off when {@code
 * querysub.permissions.enabled} is false, else denying everything until {@link RulesFile} puts the
 * rules file in force. A plain CDI bean (not the {@code @Startup} EJB that loads the file), so
 * beans built while the container starts can have it.
 */
@ApplicationScoped
public class PermissionsProducer {
  @Inject Config config;
  @Inject NodeSettings node;

  private Permissions permissions;
  private AuthSettings settings;

  @PostConstruct
  void init() {
    settings = AuthSettings.read(k -> config.getOptionalValue(k, String.class), node.dataDir());
    permissions =
        settings.permissions()
            ? Permissions.of(RuleSet.denyAll("no rules file loaded yet"))
            : Permissions.off();
  }

  @Produces
  @Dependent
  public Permissions permissions() {
    return permissions;
  }

  /** The settings the permissions were made from. */
  public AuthSettings settings() {
    return settings;
  }
}
