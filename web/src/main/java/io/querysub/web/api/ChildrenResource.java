package io.querysub.web.api;

import io.querysub.core.data.DataService;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.web.protocol.RawJsonWriter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * Child keys of a path (or of the root, at {@code /api/v1/children}), in key order, a page at a
 * time: {@code ?after=KEY&limit=N}; {@code ?values=true} adds each key's value and version. The
 * {@code readVersion} of a page is what a children lock in {@code /tx} names.
 */
@jakarta.ws.rs.Path("children")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChildrenResource {
  @Inject DataService data;
  @Inject RequestCaller caller;
  @Context UriInfo uri;

  @GET
  public Response root(
      @QueryParam("after") String after,
      @QueryParam("limit") String limit,
      @QueryParam("values") String values) {
    return list(after, limit, values);
  }

  @GET
  @jakarta.ws.rs.Path("{path: .*}")
  public Response list(
      @QueryParam("after") String after,
      @QueryParam("limit") String limit,
      @QueryParam("values") String values) {
    boolean withValues = PathParams.flag("values", values);
    ChildrenPage page =
        data.children(
            caller.get(),
            PathParams.parentPath(uri),
            after,
            PathParams.integer("limit", limit),
            withValues);
    return Response.ok(RawJsonWriter.children(page, withValues)).build();
  }
}
