package io.querysub.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies signed tokens (JWT, compact form) and names their caller. Only asymmetric signatures are
 * taken (RSA, RSA-PSS, ECDSA, EdDSA) with one of the configured public keys; {@code none}, HMAC and
 * every other algorithm are refused, so a public key can never be used as a shared secret. A token
 * must carry {@code exp} and a name ({@code upn}, else {@code preferred_username}, else {@code
 * sub}, as MicroProfile JWT reads them); its roles are the {@code groups} claim. Thread-safe.
 */
public final class TokenVerifier {
  /** The longest token taken, in characters: a bound on the work an attacker can ask for. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.EdDSA);

  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final TokenRevocations revoked;

  /**
   * @param keys the public keys that verify tokens (private parts, if any, are dropped)
   * @param issuer the issuer every token must name, or null
   * @param audiences the audiences of which a token must name one, or empty for any
   * @param clockSkewSeconds tolerance on {@code exp} and {@code nbf}
   * @param revoked tokens signed out before they expire, or null for none
   */
  public TokenVerifier(
      JWKSet keys,
      String issuer,
      List<String> audiences,
      int clockSkewSeconds,
      TokenRevocations revoked) {
    this.revoked = revoked;
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys.toPublicJWKSet())));
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    if (issuer != null) {
      exact.issuer(issuer);
    }
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            audiences.isEmpty() ? null : new HashSet<>(audiences),
            exact.build(),
            Set.of("exp"),
            null);
    claims.setMaxClockSkew(clockSkewSeconds);
    processor.setJWTClaimsSetVerifier(claims);
  }

  /** Reads public keys: a JWK set (JSON) or PEM text holding one or more keys. */
  public static JWKSet keys(String text) {
    try {
      String t = text.trim();
      if (t.startsWith("{")) {
        JWKSet set = JWKSet.parse(t);
        if (set.getKeys().isEmpty()) {
          throw new IllegalArgumentException("the JWK set holds no key");
        }
        return set;
      }
      return new JWKSet(pemPublicKeys(t));
    } catch (ParseException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM public key or a JWK set: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code PUBLIC KEY} blocks (X.509 SubjectPublicKeyInfo, RSA or EC) of PEM text, read with
   * the JDK alone.
   */
  private static List<JWK> pemPublicKeys(String pem) throws GeneralSecurityException {
    List<JWK> keys = new ArrayList<>();
    String begin = "-----BEGIN PUBLIC KEY-----";
    String end = "-----END PUBLIC KEY-----";
    int at = pem.indexOf(begin);
    while (at >= 0) {
      int stop = pem.indexOf(end, at);
      if (stop < 0) {
        throw new IllegalArgumentException("a PUBLIC KEY block is not closed");
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(at + begin.length(), stop).trim());
      X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
      PublicKey key;
      try {
        key = KeyFactory.getInstance("RSA").generatePublic(spec);
      } catch (InvalidKeySpecException notRsa) {
        key = KeyFactory.getInstance("EC").generatePublic(spec);
      }
      if (key instanceof RSAPublicKey rsa) {
        keys.add(new RSAKey.Builder(rsa).build());
      } else {
        ECPublicKey ec = (ECPublicKey) key;
        keys.add(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build());
      }
      at = pem.indexOf(begin, stop);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no '" + begin + "' block");
    }
    return keys;
  }

  /**
   * The caller a token names.
   *
   * @throws QuerysubException {@code UNAUTHENTICATED} saying why the token is refused: malformed,
   *     wrongly signed, expired, not yet valid, of another issuer or audience, without a name, or
   *     signed out
   */
  public Caller verify(String token) {
    if (token == null || token.isEmpty()) {
      throw refused("no token");
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw refused("the token is longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    JWTClaimsSet c;
    try {
      c = processor.process(token, null);
    } catch (ParseException e) {
      throw refused("the token is malformed");
    } catch (BadJOSEException e) {
      throw refused(reason(e));
    } catch (JOSEException e) {
      throw refused("the token could not be verified: " + e.getMessage());
    }
    String name;
    Set<String> roles = new LinkedHashSet<>();
    try {
      name = c.getStringClaim("upn");
      if (name == null) {
        name = c.getStringClaim("preferred_username");
      }
      if (name == null) {
        name = c.getSubject();
      }
      List<String> groups = c.getStringListClaim("groups");
      if (groups != null) {
        roles.addAll(groups);
      }
    } catch (ParseException e) {
      throw refused("a claim has the wrong type: " + e.getMessage());
    }
    if (name == null || name.isBlank()) {
      throw refused("the token names no caller (upn, preferred_username or sub)");
    }
    if (name.equals(Caller.ANONYMOUS_ID) || name.startsWith(".")) {
      throw refused("the name '" + name + "' is reserved");
    }
    Date exp = c.getExpirationTime();
    String jti = c.getJWTID();
    if (jti != null && revoked != null && revoked.isRevoked(jti)) {
      throw refused("the token was signed out");
    }
    return new Caller(name, roles, exp.getTime(), jti);
  }

  private static String reason(BadJOSEException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("xpired")) {
      return "the token has expired";
    }
    if (m.contains("before use time") || m.contains("nbf")) {
      return "the token is not valid yet";
    }
    if (m.contains("signature") || m.contains("key") || m.contains("JWS algorithm")) {
      return "the token's signature does not verify with a configured key";
    }
    if (m.contains("audience") || m.contains("aud")) {
      return "the token is for another audience";
    }
    if (m.contains("iss")) {
      return "the token is from another issuer";
    }
    return "the token is refused: " + m;
  }

  private static QuerysubException refused(String why) {
    return new QuerysubException(ErrorCode.UNAUTHENTICATED, why);
  }

  /** Names of the algorithms taken, for documentation and error messages. */
  public static List<String> algorithms() {
    List<String> names = new ArrayList<>();
    for (JWSAlgorithm a : ALGORITHMS) {
      names.add(a.getName());
    }
    names.sort(null);
    return names;
  }
}
