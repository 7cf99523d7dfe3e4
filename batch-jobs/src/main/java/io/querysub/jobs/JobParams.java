package io.querysub.jobs;

import io.querysub.config.SettingValues;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters each job takes, checked before a job starts so a bad one is refused with {@code
 * INVALID_ARGUMENT} and never becomes a failed execution (docs/backups.md, "Jobs").
 */
public final class JobParams {
  /** Set by the node: how the job was started, and by whom. Not accepted from callers. */
  public static final String TRIGGER = "trigger";

  public static final String REQUESTED_BY = "requestedBy";

  static final Map<String, Set<String>> ALLOWED =
      Map.of(
          "archive-merge", Set.of("partitions", "targetSize"),
          "backup", Set.of("full", "fullEvery"),
          "restore", Set.of("version", "source", "backup", "path", "into", "directory"),
          "verify", Set.of("backup"));

  private JobParams() {}

  /** The jobs there are. */
  public static Set<String> jobs() {
    return new TreeSet<>(ALLOWED.keySet());
  }

  /**
   * Checks {@code params} for job {@code name}.
   *
   * @throws QuerysubException {@code NOT_FOUND} for an unknown job, {@code INVALID_ARGUMENT} naming
   *     every parameter that is unknown or malformed
   */
  public static void check(String name, Map<String, String> params) {
    Set<String> allowed = ALLOWED.get(name);
    if (allowed == null) {
      throw new QuerysubException(
          ErrorCode.NOT_FOUND, "no job named '" + name + "'; there are " + jobs());
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        problems.add(
            "'"
                + e.getKey()
                + "' is not a parameter of "
                + name
                + " (it takes "
                + new TreeSet<>(allowed)
                + ")");
        continue;
      }
      String why = problem(e.getKey(), e.getValue());
      if (why != null) {
        problems.add(e.getKey() + "=" + e.getValue() + ": " + why);
      }
    }
    if (name.equals("restore")) {
      String into = params.get("into");
      if (into == null) {
        problems.add("into: required (subtree or directory)");
      } else if (into.equals("subtree") && !params.containsKey("path")) {
        problems.add("path: required to restore into a subtree");
      } else if (into.equals("directory") && !params.containsKey("directory")) {
        problems.add("directory: required to restore into a directory");
      }
      if ("archive".equals(params.get("source")) && params.containsKey("backup")) {
        problems.add("backup: only with source=backup");
      }
    }
    if (!problems.isEmpty()) {
      throw new QuerysubException(ErrorCode.INVALID_ARGUMENT, String.join("; ", problems));
    }
  }

  private static String problem(String key, String value) {
    try {
      switch (key) {
        case "partitions" -> partitions(value);
        case "targetSize" -> {
          if (bytes(value) < 0) {
            return "must be a size of at least 1KiB, such as 64MiB";
          }
        }
        case "full" -> {
          if (!value.equals("true") && !value.equals("false")) {
            return "must be true or false";
          }
        }
        case "fullEvery", "backup" -> {
          if (Long.parseLong(value) < 1) {
            return "must be at least 1";
          }
        }
        case "version" -> Version.parse(value);
        case "source" -> {
          if (!value.equals("backup") && !value.equals("archive")) {
            return "must be backup or archive";
          }
        }
        case "into" -> {
          if (!value.equals("subtree") && !value.equals("directory")) {
            return "must be subtree or directory";
          }
        }
        case "path" -> Path.parseAllowingRoot(value);
        case "directory" -> {
          if (!java.nio.file.Path.of(value).isAbsolute()) {
            return "must be an absolute directory name";
          }
        }
        default -> {}
      }
      return null;
    } catch (NumberFormatException e) {
      return "must be a whole number";
    } catch (QuerysubException | IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** {@code 0,3,5} to partition numbers (checked against the archive when the job runs). */
  static int[] partitions(String text) {
    String[] parts = text.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i].trim());
      if (out[i] < 0) {
        throw new IllegalArgumentException("partitions are numbers from 0");
      }
    }
    return out;
  }

  /** A byte size such as {@code 64MiB}, or -1 when it is not one of at least 1 KiB. */
  static long bytes(String text) {
    SettingValues v = new SettingValues(k -> Optional.of(text));
    int n = v.bytes("targetSize", text, 1024, Integer.MAX_VALUE - 64);
    return v.hasProblems() ? -1 : n;
  }

  static Optional<String> get(Properties p, String key) {
    return Optional.ofNullable(p.getProperty(key)).filter(s -> !s.isEmpty());
  }
}
