package io.querysub.core.auth;

import io.querysub.config.SettingValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Identity and permission settings, read once at startup (unit-tested without a container). The
 * token keys are MicroProfile JWT's, so a token set up for an MP-JWT service verifies here too.
 *
 * @param permissions whether rules are checked at all ({@code false} only for measuring their cost
 *     and for trusted development setups: every caller may do everything)
 * @param rulesFile the rules file (reloaded when it changes)
 * @param rulesCheckInterval how often the rules file is checked for a change
 * @param anonymous whether a request without a token is served, as the caller {@code anonymous}
 * @param devSignIn whether {@code POST /api/v1/auth/dev-sign-in} issues tokens to anyone who asks
 *     (development and the demo only), signed with a key the node keeps in its data directory
 * @param devTokenLifetime how long a development token is valid
 * @param publicKey a PEM public key or a JWK set (JSON) that verifies tokens, inline, or null
 * @param publicKeyLocation a file holding such a key, or null
 * @param issuer the {@code iss} every token must have, or null for any
 * @param audiences the {@code aud} values of which a token must name one, empty for any
 * @param clockSkew how far past {@code exp} (and before {@code nbf}) a token is still taken
 */
public record AuthSettings(
    boolean permissions,
    Path rulesFile,
    Duration rulesCheckInterval,
    boolean anonymous,
    boolean devSignIn,
    Duration devTokenLifetime,
    String publicKey,
    Path publicKeyLocation,
    String issuer,
    List<String> audiences,
    Duration clockSkew) {
  public static final String PERMISSIONS = "querysub.permissions.enabled";
  public static final String RULES = "querysub.rules";
  public static final String RULES_CHECK_INTERVAL = "querysub.rules.checkInterval";
  public static final String ANONYMOUS = "querysub.auth.anonymous";
  public static final String DEV_SIGN_IN = "querysub.auth.devSignIn";
  public static final String DEV_TOKEN_LIFETIME = "querysub.auth.devTokenLifetime";
  public static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
  public static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
  public static final String ISSUER = "mp.jwt.verify.issuer";
  public static final String AUDIENCES = "mp.jwt.verify.audiences";
  public static final String CLOCK_SKEW = "mp.jwt.verify.clock.skew";

  /**
   * Reads the settings, applying defaults; throws listing every invalid one.
   *
   * @param dataDir the node's data directory, where the rules file is by default
   */
  public static AuthSettings read(Function<String, Optional<String>> source, Path dataDir) {
    SettingValues in = new SettingValues(source);
    boolean permissions = in.bool(PERMISSIONS, true);
    String rules = in.raw(RULES, null);
    Duration check = in.duration(RULES_CHECK_INTERVAL, "2s", Duration.ofMillis(100));
    boolean anonymous = in.bool(ANONYMOUS, false);
    boolean dev = in.bool(DEV_SIGN_IN, false);
    Duration lifetime = in.duration(DEV_TOKEN_LIFETIME, "1h", Duration.ofSeconds(1));
    String key = in.raw(PUBLIC_KEY, null);
    String location = in.raw(PUBLIC_KEY_LOCATION, null);
    String issuer = in.raw(ISSUER, null);
    String aud = in.raw(AUDIENCES, "");
    int skew = in.integer(CLOCK_SKEW, 60, 0, 3600);
    if (location != null && location.startsWith("http")) {
      in.problem(PUBLIC_KEY_LOCATION + "=" + location + ": must be a file (URLs are not fetched)");
    }
    in.check();
    return new AuthSettings(
        permissions,
        rules != null ? Path.of(rules) : dataDir.resolve("rules.json"),
        check,
        anonymous,
        dev,
        lifetime,
        key,
        location == null ? null : Path.of(location.replaceFirst("^file:", "")),
        issuer,
        Arrays.stream(aud.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        Duration.ofSeconds(skew));
  }
}
