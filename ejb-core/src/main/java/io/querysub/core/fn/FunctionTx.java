package io.querysub.core.fn;

import io.querysub.core.auth.Caller;
import io.querysub.core.perm.DataAccess;
import io.querysub.core.perm.Permissions;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Value;
import io.querysub.engine.tx.Transaction;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server function reads and writes through: every read becomes a read lock and every write
 * is buffered; the runner commits them as one transaction when the function returns, and reruns the
 * function in a fresh one if a lock broke. Reads of a path this run already wrote see the buffered
 * value. Values are JSON: read as {@link JsonValue} or bound to a type with JSON-B, written from
 * any object JSON-B can serialize (a {@link JsonValue} is stored as it is).
 *
 * <p>Once the run is stopped (its time limit passed) every method throws, so a function that keeps
 * using the transaction ends there. Not thread-safe: one run, one thread.
 */
public final class FunctionTx {
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final int PAGE = 1000;

  private final Transaction tx;
  private final Jsonb jsonb;
  private final String callId;
  private final Caller caller;
  private final Permissions permissions;
  private final DataAccess access;
  private final int attempt;
  private volatile boolean stopped;

  /**
   * @param permissions the checks every read and write makes ({@link Permissions#off()} for a
   *     function that runs as the system); a condition's own reads go through the transaction, so
   *     they are locks of the call's commit like the function's reads
   */
  FunctionTx(
      Transaction tx,
      Jsonb jsonb,
      String callId,
      Caller caller,
      Permissions permissions,
      int attempt) {
    this.tx = tx;
    this.jsonb = jsonb;
    this.callId = callId;
    this.caller = caller;
    this.permissions = permissions;
    this.attempt = attempt;
    this.access = p -> parse(tx.read(p).value().json());
  }

  /** The call's id, chosen by the caller. */
  public String callId() {
    return callId;
  }

  /** Who made the call: the name its token gave, or {@code anonymous}. */
  public String caller() {
    return caller.id();
  }

  /** Who made the call, with its roles. */
  public Caller identity() {
    return caller;
  }

  /** 1 for the first run of a call, 2 for the first rerun, and so on. */
  public int attempt() {
    return attempt;
  }

  /** The value at {@code path} as JSON: null when absent, {@link JsonValue#NULL} for JSON null. */
  public JsonValue get(String path) {
    String json = raw(path);
    return json == null ? null : JSON.createReader(new StringReader(json)).readValue();
  }

  /** The value at {@code path} bound to {@code type} with JSON-B, or null when absent. */
  public <T> T get(String path, Class<T> type) {
    String json = raw(path);
    return json == null ? null : jsonb.fromJson(json, type);
  }

  /** The value at {@code path} bound to a generic type with JSON-B, or null when absent. */
  public <T> T get(String path, Type type) {
    String json = raw(path);
    return json == null ? null : jsonb.fromJson(json, type);
  }

  /** Whether a value (JSON null included) is stored at {@code path}. */
  public boolean exists(String path) {
    return raw(path) != null;
  }

  /**
   * The child keys of {@code path} (the root is {@code "/"}), in key order, with a children lock.
   */
  public List<String> children(String path) {
    check();
    Path p = Path.parseAllowingRoot(path);
    if (permissions.applies(caller)) {
      permissions.checkRead(caller, p, access);
    }
    List<String> keys = new ArrayList<>();
    String after = null;
    do {
      ChildrenPage page = tx.children(p, after, PAGE, false);
      for (ChildrenPage.Child c : page.children()) {
        keys.add(c.key());
      }
      after = page.next();
    } while (after != null);
    return keys;
  }

  /** Stores {@code value} (serialized with JSON-B; Java null stores JSON null) at {@code path}. */
  public void set(String path, Object value) {
    check();
    Path p = writable(path);
    String json =
        value == null ? "null" : value instanceof JsonValue j ? j.toString() : jsonb.toJson(value);
    permissions.checkWrite(caller, p, () -> parse(json), access);
    tx.write(p, Value.ofJson(json));
  }

  /** Deletes {@code path} (it reads as absent afterwards). */
  public void delete(String path) {
    check();
    Path p = writable(path);
    permissions.checkWrite(caller, p, () -> null, access);
    tx.delete(p);
  }

  Transaction transaction() {
    return tx;
  }

  void stop() {
    stopped = true;
  }

  private String raw(String path) {
    check();
    Path p = Path.parse(path);
    if (permissions.applies(caller)) {
      permissions.checkRead(caller, p, access);
    }
    ReadResult r = tx.read(p);
    return r.value().json();
  }

  private static JsonValue parse(String json) {
    return json == null ? null : JSON.createReader(new StringReader(json)).readValue();
  }

  private static Path writable(String path) {
    Path p = Path.parse(path);
    if (p.isSystem()) {
      throw new QuerysubException(
          ErrorCode.PATH_INVALID, "functions may not write system paths", p.toString());
    }
    return p;
  }

  private void check() {
    if (stopped || Thread.currentThread().isInterrupted()) {
      throw new Stopped();
    }
  }

  /** Thrown into a run that passed its time limit. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("the function ran past its time limit", null, false, false);
    }
  }
}
