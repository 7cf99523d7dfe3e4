// Types of the Querysub browser client (/querysub.js). Reference: docs/browser-client.md.

/** Any JSON value. Values handed out by the client are frozen: copy one before changing it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A version "millis.counter.node" ("0": never written). */
export type Version = string;

/** unauthenticated: the node refused a fixed token (close 4003); setToken() reconnects. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthenticated' | 'closed';

/** Who the node says the connection speaks for (the hello's token, or anonymous). */
export interface CallerInfo {
  id: string;
  roles: string[];
  anonymous: boolean;
  /** When the token expires (epoch ms); null without a token. */
  expiresAt: number | null;
}

export interface ConnectOptions {
  /** Sent in hello; the server echoes it and may log it. A label, not an identity. */
  clientId?: string;
  /**
   * The caller's signed token (a JWT), or a function giving one (called on every connect, and a
   * minute before the token expires to send a fresh one). None: anonymous, where the node allows.
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** How long an unwatched path stays watched and cached, in ms (default 5000; 0: unwatch at once). */
  lingerMs?: number;
  /** How often transaction() runs a rejected transaction again (default 8). */
  maxRetries?: number;
  /** Backoff between transaction runs: base and ceiling in ms (defaults 20 and 1000), with jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Backoff between reconnect attempts in ms (defaults 100 and 5000), with jitter. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * How long a successful call's prediction may stay shown for paths no watch has seen change
   * since (the function did not write them after all), in ms (default 2000).
   */
  echoGraceMs?: number;
  /** A WebSocket constructor (default: globalThis.WebSocket). */
  WebSocket?: typeof WebSocket;
}

/** The value of one path as this client shows it. */
export interface PathView {
  path: string;
  /** false when the path holds no value (never written, or deleted); value is then undefined. */
  exists: boolean;
  value: Json | undefined;
  /** The version of the value; null while it is this client's own unconfirmed write. */
  version: Version | null;
  /** true while the value is this client's own write that the server has not confirmed. */
  pending: boolean;
}

export interface EntryView extends PathView {
  /** The last segment of path, decoded. */
  key: string;
}

/** A children watch (direct child keys) or a subtree watch (every value at or below). */
export interface ListView {
  path: string;
  kind: 'children' | 'subtree';
  /** The newest version the server sent for this watch. */
  version: Version | null;
  /** true when any entry is pending. */
  pending: boolean;
  /**
   * In path order. Children: one per key; exists is false for a key that holds no value itself
   * (paths below it keep it). Subtree: one per present value.
   */
  entries: EntryView[];
}

export interface WatchOptions {
  /** latest (default): now and at every change; history: every write since `since`; once: one read. */
  mode?: 'latest' | 'history' | 'once';
  /** history mode: the version to start after (default: every kept write). */
  since?: Version;
  /** Called when the server refuses the watch (e.g. LIMIT_EXCEEDED, HISTORY_INCOMPLETE). */
  onError?: (error: QuerysubError) => void;
}

export type Unsubscribe = () => void;

export interface Conflict {
  path: string;
  /** The write that broke the lock (absent when the lock named an earlier commit). */
  version?: Version;
  /** An earlier commit of this connection this one depended on. */
  commit?: number;
  children?: boolean;
  reason: string;
}

export interface TransactionResult<T> {
  /** What the transaction function returned (from the run that committed). */
  result: T;
  /** The version of the commit; null when the function wrote nothing (nothing is committed). */
  version: Version | null;
  /** How many times the function ran. */
  attempts: number;
  /**
   * Resolves once the commit is in the node's write-ahead log on disk (the node's `durable`
   * notice); already resolved with `durable: true` or when nothing was written. Rejects with
   * UNAVAILABLE when the node's log failed first (the write may be lost if the node restarts),
   * OUTCOME_UNKNOWN when the connection dropped before the notice, CLOSED after close().
   */
  durable: Promise<void>;
}

export interface TransactionOptions {
  /** Runs again after a rejection at most this many times (default: the client's maxRetries). */
  maxRetries?: number;
  /**
   * Resolve only once the commit is durable (the commit asks the node to answer then); a log
   * failure then rejects the transaction with UNAVAILABLE.
   */
  durable?: boolean;
}

/** What a transaction function gets. Reads become locks; writes are sent together at the end. */
export interface Transaction {
  /** The value at path (undefined when absent). Answered from the cache when a watch holds it. */
  get(path: string): Promise<Json | undefined>;
  /** The child keys of path (decoded, in order); locks the key set. */
  children(path: string): Promise<string[]>;
  set(path: string, value: Json): void;
  delete(path: string): void;
}

export interface Client {
  readonly state: ConnectionState;
  /** Who the connection speaks for, once open; null before. */
  readonly caller: CallerInfo | null;
  /**
   * Uses a new token: sent at once on an open connection for the same caller, else the client
   * reconnects with it (values cached for another caller are fetched again).
   */
  setToken(token: string | (() => string | undefined | Promise<string | undefined>)): void;
  /** Called on every change of state. */
  onState(cb: (state: ConnectionState) => void): Unsubscribe;
  /** Errors that belong to no request or watch callback. */
  onError(cb: (error: QuerysubError) => void): Unsubscribe;

  watch(path: string, cb: (view: PathView) => void): Unsubscribe;
  watch(path: string, opts: WatchOptions, cb: (view: PathView) => void): Unsubscribe;
  children(path: string, cb: (view: ListView) => void, opts?: { onError?: (e: QuerysubError) => void }): Unsubscribe;
  subtree(path: string, cb: (view: ListView) => void, opts?: { onError?: (e: QuerysubError) => void }): Unsubscribe;

  /** The value at path (undefined when absent); from the cache when a watch holds it. */
  get(path: string): Promise<Json | undefined>;

  /**
   * Runs fn, commits what it read and wrote, and runs it again with fresh reads when the commit
   * is rejected. Its writes show at once in every watch (pending) and are rolled back if it fails.
   * Rejects with code CONFLICT after the retries, the server's code for a refused commit, CLOSED,
   * or OUTCOME_UNKNOWN.
   */
  transaction<T>(fn: (tx: Transaction) => T | Promise<T>, opts?: TransactionOptions): Promise<TransactionResult<T>>;

  /**
   * Calls a server function (docs/functions.md). Its prediction, if a predictor is registered,
   * shows at once (pending). A call cut off by a dropped connection is sent again with the same
   * callId, so it runs at most once. Rejects with the call's code: INVALID_ARGUMENT (with
   * `fields`), UNKNOWN_FUNCTION, CONFLICT, FUNCTION_ERROR, TIMEOUT; or CLOSED.
   */
  call<R = Json>(fn: string, args?: Json, opts?: CallOptions): Promise<CallResult<R>>;

  /**
   * Registers what a call of `fn` is expected to write, applied to the local view the moment it is
   * made. When the outcome arrives the prediction gives way to the real writes; a failed call's
   * prediction, and every local write that read it, is rolled back. Returns an unregister function.
   */
  predict(fn: string, predictor: (p: Prediction, args: any) => void): () => void;

  /** Closes for good; pending requests and transactions fail with CLOSED. */
  close(): void;
}

export interface CallOptions {
  /** The call's id (default: a fresh UUID); a call id runs once. */
  callId?: string;
  /** Resolve only once the call's commit is durable; a log failure then rejects with UNAVAILABLE. */
  durable?: boolean;
}

/** A successful call: the function's result and the version of its writes. */
export interface CallResult<R = Json> {
  result: R;
  version: Version;
  attempts: number;
  callId: string;
  /** Resolves once the call's commit is durable, as TransactionResult.durable does. */
  durable: Promise<void>;
}

/** What a predictor reads and writes: the local view, no locks and no round trips. */
export interface Prediction {
  /** The value as this client shows it now (undefined when absent or not known here). */
  get(path: string): Json | undefined;
  set(path: string, value: Json): void;
  delete(path: string): void;
}

export declare class QuerysubError extends Error {
  /** A server error code (docs/protocol.md) or CONFLICT, CLOSED, OUTCOME_UNKNOWN. */
  code: string;
  /** A durable promise rejected with UNAVAILABLE: the version of the write that may be lost. */
  version?: Version;
  /** The path the error is about, when there is one. */
  path?: string;
  /** INVALID_ARGUMENT from a call: each bad field and what is wrong with it. */
  fields?: { field: string; message: string }[];
  /** The call id of a failed call. */
  callId?: string;
  /** CONFLICT: the lock that broke on the last run, and how many runs there were. */
  conflict?: Conflict;
  attempts?: number;
}

/** Opens a client; url defaults to ws(s)://<this page's host>/sync. */
export declare function connect(url?: string, opts?: ConnectOptions): Client;

/** The path of key below parent, with "/" and "%" inside the key percent-encoded. */
export declare function child(parent: string, key: string): string;

/** The last segment of path, decoded. */
export declare function keyOf(path: string): string;

/** Orders versions: negative, 0 or positive. */
export declare function compareVersions(a: Version, b: Version): number;
