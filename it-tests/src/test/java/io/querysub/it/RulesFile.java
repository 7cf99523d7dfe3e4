package io.querysub.it;

import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * The rules file of the test node ({@code querysub.rules}, reloaded when it changes): tests about
 * permissions put their rules there, wait until the node has them, and put the open rules back.
 */
final class RulesFile {
  static final Path FILE = Path.of(System.getProperty("querysub.it.rules"));
  static final Path DEMO = Path.of(System.getProperty("querysub.it.demoRules"));
  private static final Duration WAIT = Duration.ofSeconds(20);

  private RulesFile() {}

  /** Puts {@code text} in the file (atomically) and waits until the node has reloaded it. */
  static void install(URL base, String text) throws IOException {
    int before = loads(base);
    Path tmp = FILE.resolveSibling(FILE.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(WAIT).until(() -> loads(base) > before);
  }

  /** A test resource's text. */
  static String resource(String name) throws IOException {
    try (InputStream in = RulesFile.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Puts the open rules back (without waiting: the next test's node reads them anyway). */
  static void restoreOpen() throws IOException {
    Path tmp = FILE.resolveSibling(FILE.getFileName() + ".tmp");
    Files.writeString(tmp, resource("/open-rules.json"));
    Files.move(tmp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** How many times the node put a rules file in force (its readiness check says). */
  static int loads(URL base) {
    Api api = new Api(base);
    JsonObject health = api.send("GET", api.server().resolve("health/ready"), null).json();
    for (JsonObject c : health.getJsonArray("checks").getValuesAs(JsonObject.class)) {
      if (c.getString("name").equals("querysub-rules")) {
        // Payara writes health data as strings or numbers: read either.
        return Integer.parseInt(c.getJsonObject("data").get("loads").toString().replace("\"", ""));
      }
    }
    throw new AssertionError("no querysub-rules check in " + health);
  }
}
