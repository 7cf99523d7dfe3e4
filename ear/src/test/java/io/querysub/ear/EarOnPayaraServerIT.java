package io.querysub.ear;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deploys the built EAR to a Payara Server domain made for this test (Payara Server comes from
 * Maven, unpacked by the build), then talks to the API it serves. The domain gets its own port base
 * and keeps its data grid on the loopback interface.
 */
class EarOnPayaraServerIT {
  private static final int PORT_BASE = 28100;
  private static final int ADMIN_PORT = PORT_BASE + 48;
  private static final int HTTP_PORT = PORT_BASE + 80;
  private static final String DOMAIN = "querysub-ear-it";

  private static final Path PAYARA = Path.of(System.getProperty("payara.home"));
  private static final Path DOMAINS = Path.of(System.getProperty("payara.domains"));
  private static final Path EAR = Path.of(System.getProperty("ear.file"));
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void deploy() throws Exception {
    assertThat(EAR).exists();
    asadmin(false, "stop-domain", "--domaindir", DOMAINS.toString(), DOMAIN);
    asadmin(false, "delete-domain", "--domaindir", DOMAINS.toString(), DOMAIN);
    asadmin(
        true,
        "create-domain",
        "--nopassword",
        "--portbase",
        Integer.toString(PORT_BASE),
        "--domaindir",
        DOMAINS.toString(),
        DOMAIN);
    keepDataGridOnLoopback(DOMAINS.resolve(DOMAIN).resolve("config/domain.xml"));
    asadmin(true, "start-domain", "--domaindir", DOMAINS.toString(), DOMAIN);
    // As a deployment would: the rules file and who may connect, as system properties of the
    // server. Here anonymous callers and rules that let them do everything.
    Path rules = DOMAINS.resolve(DOMAIN + "-rules.json");
    Files.writeString(
        rules,
        "{\"rules\":[{\"path\":\"/**\",\"read\":true,\"write\":true}],"
            + "\"functions\":[{\"function\":\"*\",\"call\":true}]}");
    asadmin(
        true,
        "--port",
        Integer.toString(ADMIN_PORT),
        "create-system-properties",
        "querysub.auth.anonymous=true:querysub.rules=" + rules.toAbsolutePath());
    long t0 = System.nanoTime();
    asadmin(
        true,
        "--port",
        Integer.toString(ADMIN_PORT),
        "deploy",
        "--name",
        "querysub",
        EAR.toString());
    System.out.printf(
        "EarOnPayaraServerIT: deployed %s in %d ms%n",
        EAR.getFileName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @AfterAll
  static void stop() throws Exception {
    asadmin(false, "--port", Integer.toString(ADMIN_PORT), "undeploy", "querysub");
    asadmin(false, "stop-domain", "--domaindir", DOMAINS.toString(), DOMAIN);
  }

  /** Before the first start, so the grid never binds or probes a non-loopback address. */
  private static void keepDataGridOnLoopback(Path domainXml) throws IOException {
    String xml = Files.readString(domainXml);
    String patched =
        xml.replaceFirst(
            "<hazelcast-runtime-configuration ",
            "<hazelcast-runtime-configuration das-bind-address=\"127.0.0.1\" interface=\"127.0.0.1\" ");
    assertThat(patched).isNotEqualTo(xml);
    Files.writeString(domainXml, patched);
  }

  @Test
  void servesTheApiFromTheEar() throws Exception {
    HttpResponse<String> ready = awaitReady();
    assertThat(ready.statusCode()).isEqualTo(200);

    HttpResponse<String> put = send("PUT", "/api/v1/data/ear/check", "{\"deployed\":true}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    String version = field(put.body(), "version");

    HttpResponse<String> get = send("GET", "/api/v1/data/ear/check", null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).contains("\"deployed\":true").contains(version);

    send("PUT", "/api/v1/data/ear/check", "2");
    String stale =
        "{\"reads\":[{\"path\":\"/ear/check\",\"version\":\""
            + version
            + "\"}],\"writes\":[{\"path\":\"/ear/other\",\"value\":1}]}";
    HttpResponse<String> conflict = send("POST", "/api/v1/tx", stale);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(conflict.body()).contains("\"CONFLICT\"").contains("/ear/check");

    HttpResponse<String> bad = send("GET", "/api/v1/data/a/%2e%2e/b", null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("PATH_INVALID");

    // A server function runs on Payara Server too.
    send("PUT", "/api/v1/data/bank/accounts/ear1", "10");
    HttpResponse<String> call =
        send(
            "POST",
            "/api/v1/calls/bank.transfer",
            "{\"callId\":\"ear-1\",\"args\":{\"from\":\"ear1\",\"to\":\"ear2\",\"amount\":3}}");
    assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
    assertThat(call.body()).contains("\"status\":\"ok\"").contains("\"from\":7");
    assertThat(send("GET", "/api/v1/data/bank/accounts/ear2", null).body()).contains("\"value\":3");
  }

  private static HttpResponse<String> awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = send("GET", "/health/ready", null);
        if (last.statusCode() == 200) {
          return last;
        }
      } catch (IOException notYet) {
        // the listener is not up yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "not ready within 60 s: " + (last == null ? "no answer" : last.body()));
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return m.group(1);
  }

  private static void asadmin(boolean mustSucceed, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(PAYARA.resolve("bin/asadmin").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(180, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    if (mustSucceed && (!done || p.exitValue() != 0)) {
      throw new AssertionError("asadmin " + String.join(" ", args) + " failed:\n" + out);
    }
  }
}
