package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The browser tests: the demo app at {@code /} and the JavaScript client {@code /querysub.js} in
 * real Chromium, driven by Playwright from Node ({@code src/test/browser}, started here with this
 * node's URL). Their output is streamed into this test's output; screenshots go to {@code
 * target/browser-screenshots}.
 */
@ExtendWith(ArquillianExtension.class)
class BrowserIT {
  /** The tests in {@code src/test/browser}: a test that silently stops running fails this. */
  private static final int EXPECTED_TESTS = 19;

  private static final long TIMEOUT_MINUTES = 5;

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  @Test
  void browserTestsPassInChromium() throws Exception {
    File dir = new File(required("querysub.browserTests"));
    File chromium = new File(System.getProperty("querysub.chromium", "/usr/bin/chromium"));
    if (!new File(dir, "node_modules/playwright-core").isDirectory()) {
      throw new IllegalStateException(
          "no node_modules in " + dir + ": run `npm ci` there first (.ci/run does)");
    }
    if (!chromium.canExecute()) {
      throw new IllegalStateException(
          "no Chromium at " + chromium + ": install it with `apt-get install -y chromium`");
    }
    ProcessBuilder pb =
        new ProcessBuilder("node", "--test-reporter=tap", "run.mjs")
            .directory(dir)
            .redirectErrorStream(true);
    pb.environment().put("QUERYSUB_BASE_URL", base.toExternalForm());
    pb.environment().put("CHROMIUM", chromium.getPath());
    pb.environment().put("SCREENSHOT_DIR", required("querysub.screenshots"));
    // auth.test.mjs puts the demo's rules in the node's rules file, then the open rules back.
    pb.environment().put("QUERYSUB_RULES_FILE", required("querysub.it.rules"));
    pb.environment().put("QUERYSUB_DEMO_RULES", required("querysub.it.demoRules"));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start node (Node.js 20 or later on the PATH)", e);
    }
    List<String> lines = new ArrayList<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  System.out.println("[browser] " + line);
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                System.out.println("[browser] output ended: " + e);
              }
            },
            "browser-test-output");
    pump.start();
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("browser tests still running after " + TIMEOUT_MINUTES + " min");
    }
    pump.join(10_000);
    List<String> out;
    synchronized (lines) {
      out = List.copyOf(lines);
    }
    assertThat(p.exitValue()).as("exit code of the browser tests (output above)").isZero();
    assertThat(count(out, "fail")).as("failed browser tests").isZero();
    assertThat(count(out, "pass")).as("passed browser tests").isEqualTo(EXPECTED_TESTS);
  }

  /** The number in the TAP reporter's summary line {@code # pass 10}. */
  private static int count(List<String> out, String what) {
    Pattern line = Pattern.compile("^# " + what + " (\\d+)$");
    for (String s : out) {
      Matcher m = line.matcher(s);
      if (m.matches()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no '# " + what + " N' line in the browser tests' output");
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(property + " is not set (failsafe sets it in the pom)");
    }
    return v;
  }
}
