package io.querysub.core.auth;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Set;

/**
 * Who makes a request: the name a verified token gave (its {@code upn}, {@code preferred_username}
 * or {@code sub} claim, as MicroProfile JWT reads them) and its roles ({@code groups}); {@link
 * #anonymous()} when anonymous access is on and no token came; {@link #SYSTEM} for server functions
 * declared to run as the system, which no rule restricts. Immutable.
 *
 * @param id the caller's name, never empty
 * @param roles the caller's roles
 * @param expiresAtMillis when the token that named the caller expires (epoch milliseconds), or
 *     {@link Long#MAX_VALUE} for anonymous and the system
 * @param tokenId the token's {@code jti} claim, or null
 */
public record Caller(String id, Set<String> roles, long expiresAtMillis, String tokenId) {
  /** The name anonymous callers have. */
  public static final String ANONYMOUS_ID = "anonymous";

  /** The system: server functions that run as it, and the node's own work. No rule applies. */
  public static final Caller SYSTEM = new Caller(".system", Set.of(), Long.MAX_VALUE, null);

  private static final Caller ANONYMOUS = new Caller(ANONYMOUS_ID, Set.of(), Long.MAX_VALUE, null);

  public Caller {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("a caller has a name");
    }
    roles = Set.copyOf(roles);
  }

  /**
   * The caller a stored name and roles stand for (a call record resumed after a restart): {@link
   * #anonymous()} for the anonymous name, which no token may carry.
   */
  public static Caller named(String id, Set<String> roles) {
    return ANONYMOUS_ID.equals(id) ? ANONYMOUS : new Caller(id, roles, Long.MAX_VALUE, null);
  }

  /** A caller without a token, where anonymous access is allowed. */
  public static Caller anonymous() {
    return ANONYMOUS;
  }

  public boolean isAnonymous() {
    return this == ANONYMOUS;
  }

  public boolean isSystem() {
    return this == SYSTEM;
  }

  /** Whether {@code record} (a call record) names this caller in its {@code caller} field. */
  public boolean isNamedIn(JsonValue record) {
    return record instanceof JsonObject o && id.equals(o.getString("caller", null));
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
