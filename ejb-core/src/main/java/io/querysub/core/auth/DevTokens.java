package io.querysub.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Issues tokens for development and the demo: an ECDSA P-256 key kept in the data directory signs
 * them (made on first use, owner-readable only), so they survive a restart. Never use in
 * production: anyone who reaches the sign-in endpoint gets any name and role. Thread-safe.
 */
public final class DevTokens {
  /** The file in the data directory holding the development signing key (a private JWK). */
  public static final String KEY_FILE = "dev-signing-key.jwk";

  /** The issuer of development tokens. */
  public static final String ISSUER = "querysub-dev";

  private final ECKey key;
  private final ECDSASigner signer;
  private final Duration lifetime;

  private DevTokens(ECKey key, Duration lifetime) throws JOSEException {
    this.key = key;
    this.signer = new ECDSASigner(key);
    this.lifetime = lifetime;
  }

  /** Loads the key from {@code dataDir}, making it first if there is none. */
  public static DevTokens open(Path dataDir, Duration lifetime) {
    Path file = dataDir.resolve(KEY_FILE);
    try {
      ECKey key;
      if (Files.exists(file)) {
        key = ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
      } else {
        key = new ECKeyGenerator(Curve.P_256).keyID("dev-" + UUID.randomUUID()).generate();
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(KEY_FILE + ".tmp");
        Files.writeString(tmp, key.toJSONString(), StandardCharsets.UTF_8);
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's own protection applies
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
      return new DevTokens(key, lifetime);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the development signing key in " + file, e);
    } catch (ParseException | JOSEException e) {
      throw new IllegalStateException("the development signing key " + file + " is damaged", e);
    }
  }

  /** The public key that verifies what this signs. */
  public ECKey publicKey() {
    return key.toPublicJWK();
  }

  /** A token for {@code name} with {@code roles}, valid for the configured lifetime. */
  public Issued issue(String name, Collection<String> roles) {
    return issue(name, roles, lifetime);
  }

  /** A token valid for {@code validFor} (negative: already expired; tests use that). */
  public Issued issue(String name, Collection<String> roles, Duration validFor) {
    long now = System.currentTimeMillis();
    Date exp = new Date(now + validFor.toMillis());
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(name)
            .claim("upn", name)
            .claim("groups", List.copyOf(roles))
            .issueTime(new Date(now))
            .expirationTime(exp)
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return new Issued(jwt.serialize(), exp.getTime());
  }

  /** An issued token and when it expires (epoch milliseconds). */
  public record Issued(String token, long expiresAtMillis) {}
}
