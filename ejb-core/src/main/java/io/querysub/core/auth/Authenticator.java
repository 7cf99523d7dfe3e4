package io.querysub.core.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.querysub.config.ConfigurationException;
import io.querysub.config.NodeSettings;
import io.querysub.core.node.NodeEngine;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Names the caller of a request from its token (REST: {@code Authorization: Bearer}; WebSocket: the
 * {@code hello}'s {@code token}), or gives {@link Caller#anonymous()} where anonymous access is on.
 * Keeps the signed-out tokens in the database ({@code /.auth/revoked/<jti>}, so every node and a
 * restart see them) until they expire. Thread-safe.
 */
@ApplicationScoped
public class Authenticator {
  private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
  private static final String AUTH = ".auth";

  @Inject Config config;
  @Inject NodeSettings node;
  @Inject NodeEngine engine;

  private AuthSettings settings;
  private TokenVerifier verifier; // null: no key configured, every token is refused
  private DevTokens dev;

  @PostConstruct
  void init() {
    settings = AuthSettings.read(k -> config.getOptionalValue(k, String.class), node.dataDir());
    List<JWK> keys = new ArrayList<>();
    try {
      if (settings.publicKey() != null) {
        keys.addAll(TokenVerifier.keys(settings.publicKey()).getKeys());
      }
      if (settings.publicKeyLocation() != null) {
        keys.addAll(
            TokenVerifier.keys(
                    Files.readString(settings.publicKeyLocation(), StandardCharsets.UTF_8))
                .getKeys());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException(
          List.of(
              AuthSettings.PUBLIC_KEY_LOCATION
                  + "/"
                  + AuthSettings.PUBLIC_KEY
                  + ": "
                  + e.getMessage()));
    }
    if (settings.devSignIn()) {
      dev = DevTokens.open(node.dataDir(), settings.devTokenLifetime());
      keys.add(dev.publicKey());
      LOG.warning(
          "Development sign-in is on ("
              + AuthSettings.DEV_SIGN_IN
              + "): anyone who reaches POST /api/v1/auth/dev-sign-in gets a token for any name."
              + " Never in production.");
    }
    if (!keys.isEmpty()) {
      verifier =
          new TokenVerifier(
              new JWKSet(keys),
              settings.issuer(),
              settings.audiences(),
              (int) settings.clockSkew().toSeconds(),
              this::isRevoked);
    }
    LOG.info(
        () ->
            "Authentication: "
                + keys.size()
                + " verification key(s), anonymous access "
                + (settings.anonymous() ? "on" : "off"));
  }

  /**
   * The caller a token names; with no token, the anonymous caller where that is allowed.
   *
   * @param token the compact JWT, or null when the request carried none
   * @throws QuerysubException {@code UNAUTHENTICATED} saying why
   */
  public Caller authenticate(String token) {
    if (token == null || token.isEmpty()) {
      if (settings.anonymous()) {
        return Caller.anonymous();
      }
      throw new QuerysubException(
          ErrorCode.UNAUTHENTICATED, "a token is required (anonymous access is off)");
    }
    if (verifier == null) {
      throw new QuerysubException(
          ErrorCode.UNAUTHENTICATED,
          "this node has no key to verify tokens (" + AuthSettings.PUBLIC_KEY_LOCATION + ")");
    }
    return verifier.verify(token);
  }

  /**
   * Whether {@code caller}'s token still holds at {@code nowMillis}: not expired (with the clock
   * skew allowed) and not signed out.
   */
  public boolean stillValid(Caller caller, long nowMillis) {
    if (caller.expiresAtMillis() == Long.MAX_VALUE) {
      return true;
    }
    return nowMillis <= caller.expiresAtMillis() + settings.clockSkew().toMillis()
        && (caller.tokenId() == null || !isRevoked(caller.tokenId()));
  }

  /** Development sign-in, when it is on. */
  public Optional<DevTokens> devTokens() {
    return Optional.ofNullable(dev);
  }

  /**
   * Signs {@code caller}'s token out: it is refused from now on, on every node, until it expires.
   *
   * @throws QuerysubException {@code BAD_REQUEST} when the token has no {@code jti} to name it
   */
  public void signOut(Caller caller) {
    if (caller.tokenId() == null) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST, "this token has no id (jti) and cannot be signed out");
    }
    Store s = store();
    String record =
        "{\"caller\":" + quote(caller.id()) + ",\"exp\":" + caller.expiresAtMillis() + "}";
    s.awaitDurable(
        s.commit(
            List.of(), List.of(new Write(revokedPath(caller.tokenId()), Value.ofJson(record)))));
  }

  private boolean isRevoked(String tokenId) {
    Path p = revokedPath(tokenId);
    return p != null && store().read(p).exists();
  }

  private static Path revokedPath(String tokenId) {
    try {
      return Path.of(AUTH, "revoked", tokenId);
    } catch (QuerysubException e) {
      return null; // no valid segment: never stored, so never revoked
    }
  }

  private Store store() {
    return engine.ref().store();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** The settings read at startup. */
  public AuthSettings settings() {
    return settings;
  }
}
