package io.querysub.config;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Makes {@link NodeSettings} injectable. Reads MicroProfile Config once, so every bean sees the
 * same settings for the life of the node (a changed property needs a restart, by design: the store
 * is built from them). A record cannot be proxied, so the settings are produced as
 * {@code @Dependent} copies of one cached instance.
 */
@ApplicationScoped
public class SettingsProducer {
  private static final Logger LOG = Logger.getLogger(SettingsProducer.class.getName());

  @Inject Config config;

  private NodeSettings settings;

  @PostConstruct
  void load() {
    settings = SettingsReader.read(key -> config.getOptionalValue(key, String.class));
    LOG.info(() -> "Querysub settings: " + settings);
  }

  @Produces
  @Dependent
  public NodeSettings settings() {
    return settings;
  }
}
