package io.querysub.web.api;

import io.querysub.core.auth.Authenticator;
import io.querysub.core.auth.Caller;
import io.querysub.core.auth.DevTokens;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.web.protocol.CallerResponse;
import io.querysub.web.protocol.SignInRequest;
import io.querysub.web.protocol.TokenResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import java.util.TreeSet;

/**
 * Identity endpoints: {@code GET auth/me} (who the token names), {@code POST auth/sign-out} (the
 * token is refused from now on, on every node, until it expires), and {@code POST auth/dev-sign-in}
 * (a token for any name and roles; 404 unless {@code querysub.auth.devSignIn} is on: development
 * and the demo only).
 */
@Path("auth")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
  /** The one path reachable without a token (relative to the API root). */
  static final String DEV_SIGN_IN = "auth/dev-sign-in";

  @Inject Authenticator authenticator;
  @Inject RequestCaller caller;
  @Inject WireJson wire;

  @GET
  @Path("me")
  public CallerResponse me() {
    Caller c = caller.get();
    return new CallerResponse(
        c.id(),
        List.copyOf(new TreeSet<>(c.roles())),
        c.isAnonymous(),
        c.expiresAtMillis() == Long.MAX_VALUE ? null : c.expiresAtMillis());
  }

  @POST
  @Path("sign-out")
  public Response signOut() {
    Caller c = caller.get();
    if (c.isAnonymous()) {
      throw new QuerysubException(ErrorCode.BAD_REQUEST, "an anonymous caller has no token");
    }
    authenticator.signOut(c);
    return Response.noContent().build();
  }

  @POST
  @Path("dev-sign-in")
  public TokenResponse devSignIn(InputStream body) {
    DevTokens dev =
        authenticator
            .devTokens()
            .orElseThrow(
                () ->
                    new QuerysubException(
                        ErrorCode.NOT_FOUND,
                        "development sign-in is off (querysub.auth.devSignIn); use your identity"
                            + " provider's tokens"));
    SignInRequest req = wire.read(RequestBodies.readAll(body), SignInRequest.class);
    if (req.name().equals(Caller.ANONYMOUS_ID)) {
      throw new QuerysubException(ErrorCode.BAD_REQUEST, "the name 'anonymous' is reserved");
    }
    List<String> roles = req.roles() == null ? List.of() : req.roles();
    DevTokens.Issued t = dev.issue(req.name(), roles);
    return new TokenResponse(t.token(), t.expiresAtMillis(), req.name(), roles);
  }
}
