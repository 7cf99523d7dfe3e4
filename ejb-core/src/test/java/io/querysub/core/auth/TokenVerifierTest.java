package io.querysub.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
  @TempDir java.nio.file.Path dir;

  private final Set<String> revoked = new HashSet<>();

  private DevTokens signer(String sub) {
    return DevTokens.open(dir.resolve(sub), Duration.ofMinutes(5));
  }

  private TokenVerifier verifier(DevTokens keys, String issuer, List<String> audiences) {
    return new TokenVerifier(
        new JWKSet(keys.publicKey()), issuer, audiences, 60, revoked::contains);
  }

  private static String refusal(TokenVerifier v, String token) {
    try {
      v.verify(token);
    } catch (QuerysubException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      return e.getMessage();
    }
    throw new AssertionError("the token was taken: " + token);
  }

  @Test
  void aValidTokenNamesItsCallerAndRoles() {
    DevTokens keys = signer("a");
    DevTokens.Issued t = keys.issue("alice", List.of("admin", "ops"));
    Caller c = verifier(keys, null, List.of()).verify(t.token());
    assertThat(c.id()).isEqualTo("alice");
    assertThat(c.roles()).containsExactlyInAnyOrder("admin", "ops");
    assertThat(c.expiresAtMillis()).isEqualTo(t.expiresAtMillis() / 1000 * 1000);
    assertThat(c.tokenId()).isNotBlank();
    assertThat(c.isAnonymous()).isFalse();
  }

  @Test
  void theKeySurvivesARestartOfTheNode() {
    DevTokens first = signer("k");
    String token = first.issue("alice", List.of()).token();
    DevTokens again = signer("k"); // the same data directory: the same key
    assertThat(verifier(again, null, List.of()).verify(token).id()).isEqualTo("alice");
  }

  @Test
  void expiredWronglySignedTamperedAndMalformedTokensAreRefused() throws Exception {
    DevTokens keys = signer("a");
    TokenVerifier v = verifier(keys, null, List.of());
    // Expired past the 60 s skew; within it still taken.
    assertThat(refusal(v, keys.issue("alice", List.of(), Duration.ofSeconds(-120)).token()))
        .contains("expired");
    assertThat(v.verify(keys.issue("alice", List.of(), Duration.ofSeconds(-5)).token()).id())
        .isEqualTo("alice");
    // Signed by another key.
    assertThat(refusal(v, signer("other").issue("alice", List.of()).token())).contains("signature");
    // alice's token with bob's name spliced in: the signature no longer matches.
    String[] parts = keys.issue("alice", List.of()).token().split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("alice", "bob");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(refusal(v, forged)).contains("signature");
    assertThat(refusal(v, "not.a.jwt")).contains("malformed");
    assertThat(refusal(v, "")).contains("no token");
    assertThat(refusal(v, "x".repeat(TokenVerifier.MAX_TOKEN_LENGTH + 1))).contains("longer");
  }

  @Test
  void unsignedAndHmacTokensAreRefused() throws Exception {
    DevTokens keys = signer("a");
    TokenVerifier v = verifier(keys, null, List.of());
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("alice")
            .expirationTime(new Date(System.currentTimeMillis() + 60_000))
            .build();
    assertThat(refusal(v, new PlainJWT(claims).serialize())).isNotBlank(); // alg none
    // HS256 keyed with the public key's text: the algorithm-confusion attack.
    SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    byte[] secret = keys.publicKey().toJSONString().getBytes(StandardCharsets.UTF_8);
    hmac.sign(new MACSigner(secret));
    assertThat(refusal(v, hmac.serialize())).isNotBlank();
  }

  @Test
  void issuerAudienceNameAndRevocationAreChecked() {
    DevTokens keys = signer("a");
    String token = keys.issue("alice", List.of()).token();
    assertThat(refusal(verifier(keys, "https://id.example", List.of()), token)).contains("issuer");
    assertThat(verifier(keys, DevTokens.ISSUER, List.of()).verify(token).id()).isEqualTo("alice");
    assertThat(refusal(verifier(keys, null, List.of("querysub")), token)).contains("audience");
    assertThat(refusal(verifier(keys, null, List.of()), keys.issue("anonymous", List.of()).token()))
        .contains("reserved");
    assertThat(refusal(verifier(keys, null, List.of()), keys.issue(".system", List.of()).token()))
        .contains("reserved");
    TokenVerifier v = verifier(keys, null, List.of());
    revoked.add(v.verify(token).tokenId());
    assertThat(refusal(v, token)).contains("signed out");
  }

  @Test
  void anRsaKeyInPemVerifiesRs256Tokens() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    java.security.KeyPair pair = g.generateKeyPair();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    TokenVerifier v =
        new TokenVerifier(TokenVerifier.keys(pem), "https://id.example", List.of("qs"), 0, null);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.RS256),
            new JWTClaimsSet.Builder()
                .issuer("https://id.example")
                .audience("qs")
                .claim("preferred_username", "carol")
                .claim("groups", List.of("reader"))
                .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                .build());
    jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(pair.getPrivate()));
    Caller c = v.verify(jwt.serialize());
    assertThat(c.id()).isEqualTo("carol");
    assertThat(c.roles()).containsExactly("reader");
    assertThat(c.tokenId()).isNull();
  }

  @Test
  void keysAreReadFromPemOrAJwkSet() {
    DevTokens keys = signer("a");
    assertThat(TokenVerifier.keys(new JWKSet(keys.publicKey()).toString()).getKeys()).hasSize(1);
    assertThatThrownBy(() -> TokenVerifier.keys("-----BEGIN NOTHING-----"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenVerifier.keys("{\"keys\":[]}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
