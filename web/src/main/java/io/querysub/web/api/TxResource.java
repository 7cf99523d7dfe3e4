package io.querysub.web.api;

import io.querysub.core.data.DataService;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Conflict;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.web.error.ErrorStatus;
import io.querysub.web.protocol.ErrorResponse;
import io.querysub.web.protocol.TxRequest;
import io.querysub.web.protocol.VersionResponse;
import io.querysub.web.protocol.WriteRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v1/tx}: commits writes under read locks as one version. 200 {@code {"version"}}
 * when every lock held, sent once the commit is durable (in the write-ahead log on disk); 409
 * CONFLICT naming the path and the version that broke a lock otherwise (nothing stored: read again
 * and retry). Every part of the request is parsed and checked before the commit, so a refused
 * request has applied nothing.
 */
@jakarta.ws.rs.Path("tx")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TxResource {
  @Inject DataService data;
  @Inject RequestCaller caller;
  @Inject WireJson wire;

  @POST
  public Response commit(InputStream body) {
    TxRequest req = wire.read(RequestBodies.readAll(body), TxRequest.class);
    data.checkTxSize(
        req.readsOrEmpty().size() + req.childReadsOrEmpty().size(), req.writesOrEmpty().size());
    List<ReadLock> locks = DataService.locks(req.readsOrEmpty(), req.childReadsOrEmpty());
    List<Write> writes = new ArrayList<>();
    for (WriteRequest w : req.writesOrEmpty()) {
      writes.add(write(w));
    }
    CommitResult result = data.commit(caller.get(), locks, writes);
    if (result.isValid()) {
      data.awaitDurable(result); // the answer says the commit is durable
      return Response.ok(new VersionResponse(result.version().toString())).build();
    }
    Conflict c = result.conflict();
    String message =
        (c.children() ? "children lock on " : "read lock on ")
            + c.path()
            + " broken: "
            + c.reason()
            + "; read again and retry";
    return ErrorStatus.response(
        409,
        new ErrorResponse(
            ErrorCode.CONFLICT.name(), message, c.path().toString(), c.version().toString()));
  }

  private Write write(WriteRequest w) {
    Path path = Path.parse(w.path());
    boolean delete;
    if (w.delete() == null || w.delete() == JsonValue.FALSE) {
      delete = false;
    } else if (w.delete() == JsonValue.TRUE) {
      delete = true;
    } else {
      throw bad("'delete' must be true or false", path);
    }
    if (delete && w.value() != null) {
      throw bad("a write has either a value or \"delete\": true, not both", path);
    }
    if (delete) {
      return Write.delete(path);
    }
    if (w.value() == null) {
      throw bad("a write needs a value (any JSON, null included) or \"delete\": true", path);
    }
    Value value = data.value(w.value(), path);
    return new Write(path, value);
  }

  private static QuerysubException bad(String message, Path path) {
    return new QuerysubException(ErrorCode.BAD_REQUEST, message, path.toString());
  }
}
