package io.querysub.core.auth;

/** Tokens signed out before they expire, by their {@code jti}. */
@FunctionalInterface
public interface TokenRevocations {
  boolean isRevoked(String tokenId);
}
