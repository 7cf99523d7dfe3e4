package io.querysub.websocket.internal;

import io.querysub.core.auth.Caller;

/** How a connection learns and keeps its caller: the node's authenticator. */
public interface Gate {
  /**
   * The caller a token names (null token: anonymous, where allowed).
   *
   * @throws io.querysub.engine.error.QuerysubException {@code UNAUTHENTICATED} saying why not
   */
  Caller authenticate(String token);

  /** Whether the caller's token still holds (not expired, not signed out). */
  boolean stillValid(Caller caller, long nowMillis);

  /** Everyone is anonymous and stays so: for tests without tokens. */
  Gate ANONYMOUS =
      new Gate() {
        @Override
        public Caller authenticate(String token) {
          return Caller.anonymous();
        }

        @Override
        public boolean stillValid(Caller caller, long nowMillis) {
          return true;
        }
      };
}
