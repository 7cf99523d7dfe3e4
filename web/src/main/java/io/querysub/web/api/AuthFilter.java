package io.querysub.web.api;

import io.querysub.core.auth.Authenticator;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.web.error.ErrorStatus;
import io.querysub.web.protocol.ErrorResponse;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Names the caller of every REST request from its {@code Authorization: Bearer <token>} header (or
 * anonymous, where allowed) before any resource runs; refuses with 401 {@code UNAUTHENTICATED} and
 * a {@code WWW-Authenticate: Bearer} challenge otherwise. Development sign-in is the one resource
 * reachable without a token.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AuthFilter implements ContainerRequestFilter {
  private static final String BEARER = "Bearer ";

  @Inject Authenticator authenticator;
  @Inject RequestCaller caller;

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getUriInfo().getPath().startsWith(AuthResource.DEV_SIGN_IN)) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    try {
      String token = null;
      if (header != null) {
        if (header.length() < BEARER.length()
            || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
          throw new QuerysubException(
              ErrorCode.UNAUTHENTICATED, "the Authorization header must be 'Bearer <token>'");
        }
        token = header.substring(BEARER.length()).trim();
      }
      caller.set(authenticator.authenticate(token));
    } catch (QuerysubException e) {
      Response r =
          Response.fromResponse(
                  ErrorStatus.response(
                      401, ErrorResponse.of(e.code().name(), e.getMessage(), null)))
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"querysub\"")
              .build();
      request.abortWith(r);
    }
  }
}
