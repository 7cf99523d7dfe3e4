package io.querysub.it.crash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The rules file that lets every caller do everything, for nodes whose tests are not about it. */
public final class OpenRules {
  private OpenRules() {}

  /**
   * {@code open-rules.json} copied into {@code dir} (once), for a node's {@code querysub.rules}.
   */
  public static Path file(Path dir) throws IOException {
    Path f = dir.resolve("open-rules.json");
    if (!Files.exists(f)) {
      Files.createDirectories(dir);
      try (InputStream in = OpenRules.class.getResourceAsStream("/open-rules.json")) {
        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return f;
  }
}
