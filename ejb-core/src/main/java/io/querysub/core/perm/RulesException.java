package io.querysub.core.perm;

import java.util.List;

/** A rules file that cannot be loaded: every problem found, each naming its rule. */
public final class RulesException extends RuntimeException {
  private final List<String> problems;

  public RulesException(String source, List<String> problems) {
    super(source + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
