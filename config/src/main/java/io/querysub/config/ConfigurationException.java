package io.querysub.config;

import java.util.List;

/**
 * One or more settings are wrong. The message lists every problem at once (key, value given, what
 * is expected), so an operator fixes them in one round instead of one per restart.
 */
public final class ConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigurationException(List<String> problems) {
    super("invalid Querysub configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
