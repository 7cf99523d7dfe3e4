// Types of the Querysub browser client (/querysub.js). Reference: docs/browser-client.md.

/** Any JSON value. Values handed out by the client are frozen: copy one before changing it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A version "millis.counter.node" ("0": never written). */
export type Version = string;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectOptions {
  /** Sent in hello; the server echoes it and may log it. */
  clientId?: string;
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
}

export interface TransactionOptions {
  /** Runs again after a rejection at most this many times (default: the client's maxRetries). */
  maxRetries?: number;
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

  /** Closes for good; pending requests and transactions fail with CLOSED. */
  close(): void;
}

export declare class QuerysubError extends Error {
  /** A server error code (docs/protocol.md) or CONFLICT, CLOSED, OUTCOME_UNKNOWN. */
  code: string;
  /** The path the error is about, when there is one. */
  path?: string;
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
