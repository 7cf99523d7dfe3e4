package io.querysub.web.api;

import io.querysub.config.NodeSettings;
import io.querysub.web.error.ErrorStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/** Bounds every request body by {@code querysub.maxRequestSize} (413 REQUEST_TOO_LARGE). */
@Provider
@PreMatching
@ApplicationScoped
public class BodyLimitFilter implements ContainerRequestFilter {
  @Inject NodeSettings settings;

  @Override
  public void filter(ContainerRequestContext ctx) {
    int declared = ctx.getLength();
    if (declared > settings.maxRequestBytes()) {
      // Refused before a byte of the body is read; closing the connection keeps the server from
      // reading (or waiting for) a body it will not use.
      ctx.abortWith(
          Response.fromResponse(
                  ErrorStatus.response(RequestBodies.tooLarge(settings.maxRequestBytes())))
              .header("Connection", "close")
              .build());
      return;
    }
    ctx.setEntityStream(RequestBodies.limit(ctx.getEntityStream(), settings));
  }
}
