// Querysub browser client: the /sync protocol v1 (docs/protocol.md) as a dependency-free ES module.
// API reference: docs/browser-client.md; types: /querysub.d.ts.
//
// State is kept in two layers. The server layer holds, per server watch, exactly what the server
// sent (snapshot plus changes). The local layer is the list of this client's own commits that are
// not yet confirmed *and echoed* by every watch covering their paths, in the order they were made.
// A view is the server layer with the newest local write of each path laid over it; rolling back a
// rejected commit is removing it from the list, so the server layer is never edited by guesses.

const PROTOCOL = 'v1';
const DEFAULTS = {
  clientId: undefined,
  token: undefined,
  lingerMs: 5000,
  maxRetries: 8,
  retryBaseMs: 20,
  retryMaxMs: 1000,
  reconnectMinMs: 100,
  reconnectMaxMs: 5000,
  echoGraceMs: 2000,
  WebSocket: undefined,
};


/** An error with a stable code: a server error code, or CONFLICT, DISCONNECTED, CLOSED, OUTCOME_UNKNOWN. */
export class QuerysubError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'QuerysubError';
    this.code = code;
    Object.assign(this, details);
  }
}

/** Opens a client. `url` defaults to ws(s)://<this page's host>/sync. */
export function connect(url, opts = {}) {
  return new Client(url ?? defaultUrl(), opts);
}

/** The path of `key` below `parent`, with `/` and `%` inside the key percent-encoded. */
export function child(parent, key) {
  const seg = String(key).replace(/%/g, '%25').replace(/\//g, '%2F');
  return (parent === '/' ? '' : parent) + '/' + seg;
}

/** The last segment of `path`, decoded (the inverse of `child`). */
export function keyOf(path) {
  const seg = path.slice(path.lastIndexOf('/') + 1);
  return seg.replace(/%2F/gi, '/').replace(/%25/g, '%');
}

function defaultUrl() {
  if (typeof location === 'undefined') {
    throw new QuerysubError('BAD_REQUEST', 'connect(): no url given and no page location to derive one from');
  }
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/sync';
}

function checkPath(path, rootAllowed) {
  if (typeof path !== 'string' || !path.startsWith('/') || (!rootAllowed && path === '/')) {
    throw new QuerysubError('PATH_INVALID', `not a path${rootAllowed ? '' : ' of a value'}: ${JSON.stringify(path)}`);
  }
}

function parentOf(path) {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function isAtOrBelow(path, root) {
  return root === '/' || path === root || path.startsWith(root + '/');
}

/** The key of `root` on the way down to `path` (a descendant of root), as a full path. */
function keyPathTowards(root, path) {
  const rest = path.slice(root === '/' ? 1 : root.length + 1);
  const i = rest.indexOf('/');
  return (root === '/' ? '' : root) + '/' + (i < 0 ? rest : rest.slice(0, i));
}

/** Orders versions "millis.counter.node" ("0" lowest). */
export function compareVersions(a, b) {
  const pa = String(a).split('.').map(Number);
  const pb = String(b).split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

// Values handed out are shared with the cache, so they are frozen: copy before changing one.
function freeze(v) {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) freeze(v[k]);
  }
  return v;
}

function entryOf(e) {
  const exists = Object.prototype.hasOwnProperty.call(e, 'value');
  return { exists, value: exists ? freeze(e.value) : undefined, version: e.version };
}

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * When a write is durable: a promise and its settle functions. A durable promise nobody awaits must
 * not be reported as an unhandled rejection, so it carries a handler of its own; awaiting it still
 * throws.
 */
function durability() {
  const d = {};
  d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
  d.promise.catch(() => {});
  return d;
}
const DURABLE = Promise.resolve();

// A throwing callback must not leave the client half-updated: its error is rethrown on its own.
function call(cb, arg) {
  try {
    cb(arg);
  } catch (e) {
    setTimeout(() => {
      throw e;
    });
  }
}
const jitter = (ms) => Math.round(ms * (0.5 + Math.random() / 2));

/** A shared server watch (mode latest): its server state and the local subscribers to it. */
class ServerWatch {
  constructor(client, kind, path) {
    this.client = client;
    this.kind = kind;
    this.path = path;
    this.id = null;
    this.since = null; // newest version the server sent for this watch: resume point
    this.ready = false;
    this.entry = null; // path kind: {exists, value, version}
    this.entries = new Map(); // children and subtree kinds: path -> {exists, value, version}
    this.subs = new Set();
    this.lingerTimer = null;
  }

  covers(path) {
    if (this.kind === 'path') return path === this.path;
    return path !== this.path && isAtOrBelow(path, this.path);
  }

  snapshot(m) {
    if (this.kind === 'path') {
      if (m.full) this.entry = entryOf(m.entries[0]);
    } else {
      this.entries = new Map(m.entries.map((e) => [e.path, entryOf(e)]));
    }
    this.since = m.version;
    this.ready = true;
    this.client.dirty.add(this);
  }

  changes(m) {
    for (const b of m.batches) {
      for (const c of b.changes) this.apply(c, b.version);
      this.since = b.version;
    }
    this.client.dirty.add(this);
  }

  apply(c, batchVersion) {
    const e = entryOf({ ...c, version: c.version ?? batchVersion });
    if (this.kind === 'path') {
      if (c.op === 'value' && c.path === this.path) this.entry = e;
    } else if (c.op === 'keyRemoved') {
      this.entries.delete(c.path);
    } else if (c.op === 'keyAdded') {
      if (!this.entries.has(c.path)) this.entries.set(c.path, { exists: false, value: undefined, version: batchVersion });
    } else if (c.op === 'value') {
      if (e.exists || (this.kind === 'children' && this.entries.has(c.path))) this.entries.set(c.path, e);
      else this.entries.delete(c.path);
    }
  }

  error(m) {
    const err = new QuerysubError(m.code, m.message, { path: m.path });
    this.client.forgetWatch(this);
    for (const s of this.subs) s.onError?.(err);
    if (!this.subs.size || [...this.subs].every((s) => !s.onError)) this.client.reportError(err);
  }

  /** The view subscribers see: server state with this client's local writes laid over it. */
  view() {
    const client = this.client;
    if (this.kind === 'path') return client.viewOf(this.path, this.entry);
    const shown = new Map();
    for (const [p, e] of this.entries) shown.set(p, { ...e, pending: false });
    for (const { commit, path, write } of client.localWrites()) {
      if (!this.covers(path)) continue;
      const keyPath = this.kind === 'children' ? keyPathTowards(this.path, path) : path;
      const server = this.entries.get(keyPath);
      if (commit.status === 'valid' && (keyPath !== path || (server && compareVersions(server.version, commit.version) >= 0))) {
        continue; // confirmed and already echoed (or only a descendant of a key: its echo is due)
      }
      const pending = commit.status !== 'valid';
      const version = pending ? null : commit.version;
      if (keyPath === path) {
        // A delete of a key that holds no value of its own (paths below keep it) changes nothing.
        if (write.exists) shown.set(path, { exists: true, value: write.value, version, pending });
        else if (this.kind === 'subtree' || server?.exists !== false) shown.delete(path);
      } else if (write.exists && !shown.has(keyPath)) {
        shown.set(keyPath, { exists: false, value: undefined, version, pending });
      }
    }
    const entries = [...shown.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([p, e]) => ({ key: keyOf(p), path: p, ...e }));
    return {
      path: this.path,
      kind: this.kind,
      version: this.since,
      pending: entries.some((e) => e.pending),
      entries,
    };
  }
}

/** A watch of its own (history and once modes): not shared, not cached. */
class PlainWatch {
  constructor(client, path, mode, since, cb, onError) {
    Object.assign(this, { client, path, mode, since, cb, onError, id: null, active: true });
  }

  frame() {
    const f = { type: 'watch', id: this.id, kind: 'path', path: this.path, mode: this.mode };
    if (this.since != null) f.since = this.since;
    return f;
  }

  deliver(e) {
    if (this.active) call(this.cb, { path: this.path, ...entryOf(e), pending: false });
  }

  snapshot(m) {
    if (this.mode === 'once') {
      this.client.byId.delete(this.id);
      this.client.plain.delete(this);
      this.deliver(m.entries[0]);
      return;
    }
    for (const e of m.entries) this.deliver(e);
    this.since = m.version;
  }

  changes(m) {
    for (const b of m.batches) {
      for (const c of b.changes) this.deliver({ ...c, version: c.version ?? b.version });
      this.since = b.version;
    }
  }

  error(m) {
    this.client.byId.delete(this.id);
    this.client.plain.delete(this);
    const err = new QuerysubError(m.code, m.message, { path: m.path });
    if (this.onError) this.onError(err);
    else this.client.reportError(err);
  }
}

/** One attempt of a transaction, from its optimistic writes to its result. */
class LocalCommit {
  constructor(tx) {
    this.writes = tx.writes; // path -> {exists, value}
    this.reads = tx.reads; // [{path, version, dep}]
    this.childReads = tx.childReads; // [{path, version, deps}]
    this.deps = new Set([...tx.reads.map((r) => r.dep), ...tx.childReads.flatMap((r) => r.deps)].filter(Boolean));
    // A children listing that showed pending keys waits for their commits: a lock naming a commit
    // would claim the key set as of that commit's version, including keys it never saw.
    this.waitFor = new Set(tx.childReads.flatMap((r) => r.deps));
    // waiting (for open, or for the commits it read from) | sent | checking (sent on a connection
    // that dropped; finding out whether it was applied) | valid | rejected | failed | lost
    this.status = 'waiting';
    this.id = null;
    this.conn = null; // the connection it was sent on
    this.version = null;
    this.waitDurable = false; // sent with durable: true, so its result means durable
    this.durable = durability();
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get pending() {
    return this.status === 'waiting' || this.status === 'sent' || this.status === 'checking';
  }
}

/**
 * A server function call and its prediction: the writes its predictor expects, shown pending
 * until the outcome arrives. It sits in the local layer like a commit; a call that succeeds keeps
 * its prediction until the watches covering it have caught up with the call's version (or, for
 * paths the function did not write after all, for echoGraceMs), one that fails is rolled back,
 * and so is every local write that read its prediction.
 */
class LocalCall {
  constructor(fn, args, callId, prediction) {
    this.isCall = true;
    this.fn = fn;
    this.args = args;
    this.callId = callId;
    this.writes = prediction?.writes ?? new Map();
    this.deps = prediction?.deps ?? new Set();
    this.waitFor = new Set();
    // waiting (for open) | sent | valid | failed
    this.status = 'waiting';
    this.id = null;
    this.version = null;
    this.settledAt = 0;
    this.waitDurable = false;
    this.durable = durability();
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get pending() {
    return this.status === 'waiting' || this.status === 'sent';
  }
}

/** What a predictor gets: reads of the local view (no locks, no round trips), buffered writes. */
class Prediction {
  constructor(client) {
    this.client = client;
    this.writes = new Map();
    this.deps = new Set();
  }

  /** The value at `path` as this client shows it now (undefined when absent or not known). */
  get(path) {
    checkPath(path, false);
    if (this.writes.has(path)) return this.writes.get(path).value;
    const o = this.client.overlay(path);
    if (o?.commit.pending) this.deps.add(o.commit);
    return this.client.viewOf(path, this.client.cached(path)?.entry).value;
  }

  set(path, value) {
    checkPath(path, false);
    if (value === undefined) throw new QuerysubError('VALUE_INVALID', `set(${path}): undefined is not JSON (use delete)`);
    this.writes.set(path, { exists: true, value: freeze(JSON.parse(JSON.stringify(value))) });
  }

  delete(path) {
    checkPath(path, false);
    this.writes.set(path, { exists: false, value: undefined });
  }
}

function newCallId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
}

/** What a transaction function gets: reads record locks, writes are buffered. */
class Transaction {
  constructor(client) {
    this.client = client;
    this.writes = new Map();
    this.reads = [];
    this.childReads = [];
    this.seen = new Map(); // path -> value read, so a second read sees the same
    this.closed = false;
  }

  open() {
    if (this.closed) throw new QuerysubError('BAD_REQUEST', 'this transaction has ended: use the tx of the current run');
  }

  /** The value at `path` (undefined when absent); records a read lock. */
  async get(path) {
    this.open();
    checkPath(path, false);
    if (this.writes.has(path)) return this.writes.get(path).value;
    if (this.seen.has(path)) return this.seen.get(path);
    const r = await this.client.readForTx(path);
    if (this.seen.has(path)) return this.seen.get(path); // two concurrent reads of one path
    this.reads.push({ path, version: r.version, dep: r.dep ?? null });
    this.seen.set(path, r.value);
    return r.value;
  }

  /** The child keys of `path` (decoded), in order; records a children lock. */
  async children(path) {
    this.open();
    checkPath(path, true);
    const r = await this.client.childrenForTx(path);
    this.childReads.push({ path, version: r.version, deps: r.deps });
    return r.keys;
  }

  set(path, value) {
    this.open();
    checkPath(path, false);
    if (value === undefined) throw new QuerysubError('VALUE_INVALID', `tx.set(${path}): undefined is not JSON (use tx.delete)`);
    this.writes.set(path, { exists: true, value: freeze(JSON.parse(JSON.stringify(value))) });
  }

  delete(path) {
    this.open();
    checkPath(path, false);
    this.writes.set(path, { exists: false, value: undefined });
  }
}

class Client {
  constructor(url, opts) {
    this.url = url;
    this.opts = { ...DEFAULTS, ...opts };
    this.WS = this.opts.WebSocket ?? globalThis.WebSocket;
    if (!this.WS) throw new QuerysubError('BAD_REQUEST', 'no WebSocket implementation (pass opts.WebSocket)');
    this.state = 'connecting';
    this.stateListeners = new Set();
    this.errorListeners = new Set();
    this.welcome = null;
    this.ws = null;
    this.conn = 0;
    this.nextId = 1;
    this.attempt = 0;
    this.watches = new Map(); // "kind path" -> ServerWatch
    this.plain = new Set(); // PlainWatch
    this.byId = new Map(); // watch id -> ServerWatch | PlainWatch
    this.requests = new Map(); // id -> {frame, resolve, reject}
    this.locals = []; // LocalCommit, oldest first, until confirmed and echoed
    this.commits = new Map(); // commit request id -> LocalCommit
    this.calls = new Map(); // call request id -> LocalCall
    this.durables = new Map(); // request id of a valid commit or ok call -> its durability, until the node's notice
    this.predictors = new Map(); // function name -> predictor
    this.dirty = new Set();
    this.pingTimer = null;
    this.open();
  }

  // ---- connection ------------------------------------------------------------------------------

  onState(cb) {
    this.stateListeners.add(cb);
    return () => this.stateListeners.delete(cb);
  }

  /** Errors that belong to no request or watch callback (server refusals, failed watches). */
  onError(cb) {
    this.errorListeners.add(cb);
    return () => this.errorListeners.delete(cb);
  }

  reportError(err) {
    for (const cb of this.errorListeners) call(cb, err);
  }

  setState(s) {
    if (this.state === s) return;
    this.state = s;
    for (const cb of this.stateListeners) call(cb, s);
  }

  open() {
    const ws = new this.WS(this.url);
    const conn = ++this.conn;
    this.ws = ws;
    ws.onopen = async () => {
      let token;
      try {
        token = await this.currentToken();
      } catch (e) {
        this.reportError(new QuerysubError('UNAUTHENTICATED', `the token could not be had: ${e?.message ?? e}`));
        if (this.conn === conn) ws.close(4000, 'no token');
        return;
      }
      if (this.conn !== conn) return;
      const hello = { type: 'hello', protocol: PROTOCOL };
      if (this.opts.clientId) hello.clientId = this.opts.clientId;
      if (token) hello.token = token;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (e) => {
      if (this.conn === conn) this.receive(JSON.parse(e.data));
    };
    ws.onclose = (e) => {
      if (this.conn !== conn) return;
      // 4003: the node refused the token, or it expired. A token function may give a fresh one,
      // so reconnect; a fixed token would only be refused again: wait for setToken().
      if (e.code === 4003 && typeof this.opts.token !== 'function') return this.unauthenticated();
      this.lost(`closed ${e.code}${e.reason ? ' ' + e.reason : ''}`);
    };
    ws.onerror = () => {}; // a close event follows
  }

  /** The token to send: opts.token itself, or what the function given as opts.token returns. */
  async currentToken() {
    const t = this.opts.token;
    return typeof t === 'function' ? await t() : t;
  }

  /** Who the node says this connection speaks for ({id, roles, anonymous, expiresAt}), or null. */
  get caller() {
    return this.welcome?.caller ?? null;
  }

  /**
   * Uses `token` (a string, or a function giving one) from now on. For the same caller on an open
   * connection it is sent at once (`auth`); otherwise the client reconnects with it, and cached
   * values of the previous caller are fetched again.
   */
  setToken(token) {
    this.opts.token = token;
    if (this.state === 'closed') return;
    if (this.isOpen()) {
      this.refresh().catch(() => this.reconnectNow());
    } else {
      this.reconnectNow();
    }
  }

  reconnectNow() {
    clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.lost('reconnecting with a new token');
  }

  /** The node refused the connection's token (close 4003) and no token function can renew it. */
  unauthenticated() {
    this.lost('unauthenticated');
    clearTimeout(this.reconnectTimer);
    this.setState('unauthenticated');
    this.reportError(new QuerysubError('UNAUTHENTICATED', 'the node refused the token; call setToken() with a new one'));
  }

  /** Sends a fresh token for the same caller (`auth`); the connection keeps its watches. */
  async refresh() {
    const token = await this.currentToken();
    const m = await this.request({ type: 'auth', token });
    if (this.welcome) this.welcome.caller = m.caller;
    this.scheduleRefresh(m.caller);
    return m.caller;
  }

  /** With a token function, a fresh token goes out a minute (or a fifth of its life) before expiry. */
  scheduleRefresh(caller) {
    clearTimeout(this.refreshTimer);
    if (!caller?.expiresAt || typeof this.opts.token !== 'function') return;
    const left = caller.expiresAt - Date.now();
    const lead = Math.min(60000, left / 5);
    this.refreshTimer = setTimeout(() => {
      if (this.isOpen()) this.refresh().catch((e) => this.reportError(e));
    }, Math.max(1000, left - lead));
  }

  /** The connection ended without close(): reconnect with backoff. */
  lost() {
    this.stopPing();
    clearTimeout(this.refreshTimer);
    this.conn++; // ignore anything the old socket still says
    this.welcome = null;
    // The node tells durability only on the connection that sent the write.
    this.failDurables('OUTCOME_UNKNOWN', 'the connection dropped before the node said the write was durable');
    try {
      this.ws.close();
    } catch {
      /* already closing */
    }
    // Lingering watches are not worth resuming: drop them now.
    for (const w of [...this.watches.values()]) if (!w.subs.size) this.forgetWatch(w);
    this.byId.clear();
    this.setState('reconnecting');
    const wait = Math.min(this.opts.reconnectMaxMs, this.opts.reconnectMinMs * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => this.open(), jitter(wait));
  }

  /** Closes for good: pending requests and transactions fail with CLOSED. */
  close() {
    if (this.state === 'closed') return;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.refreshTimer);
    this.stopPing();
    this.conn++;
    try {
      this.ws.close(1000);
    } catch {
      /* already closed */
    }
    for (const w of this.watches.values()) clearTimeout(w.lingerTimer);
    const err = new QuerysubError('CLOSED', 'the client was closed');
    for (const r of this.requests.values()) r.reject(err);
    this.requests.clear();
    this.failDurables('CLOSED', 'the client was closed before the node said the write was durable');
    for (const c of [...this.locals]) if (c.pending) this.finish(c, { status: 'failed', error: err });
    for (const w of this.plain) if (w.internal) w.onError(err); // a transaction's listing or check
    this.plain.clear();
    this.setState('closed');
  }

  send(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  failDurables(code, message) {
    const err = new QuerysubError(code, message);
    for (const d of this.durables.values()) d.reject(err);
    this.durables.clear();
  }

  /** A valid commit or ok call: durable now if it asked to wait, else when the node's notice comes. */
  awaitDurable(id, local) {
    if (local.waitDurable) local.durable.resolve();
    else this.durables.set(id, local.durable);
  }

  durableNotice(m) {
    const d = this.durables.get(m.id);
    if (!d) return;
    this.durables.delete(m.id);
    if (m.type === 'durable') d.resolve();
    else d.reject(new QuerysubError(m.code ?? 'UNAVAILABLE', m.message ?? 'the write may be lost', { version: m.version }));
  }

  receive(m) {
    switch (m.type) {
      case 'welcome':
        return this.welcomed(m);
      case 'snapshot': {
        const r = this.requests.get(m.id);
        if (r) {
          this.requests.delete(m.id);
          r.resolve(m);
        } else {
          this.byId.get(m.id)?.snapshot(m);
        }
        break;
      }
      case 'changes':
        this.byId.get(m.id)?.changes(m);
        break;
      case 'result':
        this.result(m);
        break;
      case 'callResult':
        this.callResult(m);
        break;
      case 'durable':
      case 'notDurable':
        this.durableNotice(m);
        break;
      case 'pong':
        this.awaitingPong = false;
        break;
      case 'authenticated': {
        const r = this.requests.get(m.id);
        if (r) {
          this.requests.delete(m.id);
          r.resolve(m);
        }
        break;
      }
      case 'error': {
        const r = this.requests.get(m.id);
        const c = this.commits.get(m.id) ?? this.calls.get(m.id);
        const err = new QuerysubError(m.code, m.message, { path: m.path });
        if (r) {
          this.requests.delete(m.id);
          r.reject(err);
        } else if (c) {
          this.commits.delete(m.id);
          this.calls.delete(m.id);
          this.finish(c, { status: 'failed', error: err });
        } else if (this.byId.has(m.id)) {
          this.byId.get(m.id).error(m);
        } else {
          this.reportError(err);
        }
        break;
      }
      default:
      // A message this client does not know (a newer server): ignored, as the protocol allows.
    }
    this.flush();
  }

  welcomed(m) {
    const previous = this.lastCaller;
    this.welcome = m;
    this.lastCaller = m.caller?.id;
    this.attempt = 0;
    if (previous !== undefined && previous !== this.lastCaller) {
      // Another caller: what the previous one was shown is not resumed, it is fetched again.
      for (const w of this.watches.values()) w.since = null;
    }
    this.scheduleRefresh(m.caller);
    this.startPing(m.limits?.idleTimeoutSeconds ?? 0);
    for (const w of this.watches.values()) this.sendWatch(w);
    for (const w of this.plain) this.sendPlain(w);
    for (const [id, r] of this.requests) this.send({ ...r.frame, id });
    for (const c of [...this.locals]) {
      if (c.isCall) {
        // A call id runs once: sending it again returns the first outcome if it already ran.
        if (c.status === 'sent') c.status = 'waiting';
        this.sendCall(c);
      } else if (c.status === 'sent') this.resolveInDoubt(c);
      else this.trySend(c);
    }
    this.setState('open');
  }

  startPing(idleSeconds) {
    this.stopPing();
    if (idleSeconds <= 0) return;
    this.awaitingPong = false;
    this.pingTimer = setInterval(() => {
      if (this.awaitingPong) return this.lost(); // the last ping went unanswered: the link is dead
      this.awaitingPong = true;
      this.send({ type: 'ping' });
    }, Math.max(1000, (idleSeconds * 1000) / 3));
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  isOpen() {
    return this.welcome !== null && this.state !== 'closed';
  }

  request(frame) {
    return new Promise((resolve, reject) => {
      if (this.state === 'closed') return reject(new QuerysubError('CLOSED', 'the client was closed'));
      const id = this.nextId++;
      this.requests.set(id, { frame, resolve, reject });
      if (this.isOpen()) this.send({ ...frame, id });
    });
  }

  // ---- watches ---------------------------------------------------------------------------------

  /** Watches one path. opts.mode: latest (default), history (opts.since) or once. */
  watch(path, opts, cb) {
    if (typeof opts === 'function') [opts, cb] = [{}, opts];
    checkPath(path, false);
    const mode = opts?.mode ?? 'latest';
    if (mode === 'latest') return this.subscribe('path', path, cb, opts?.onError);
    if (mode !== 'history' && mode !== 'once') throw new QuerysubError('BAD_REQUEST', `unknown watch mode ${mode}`);
    const cached = mode === 'once' && this.cached(path);
    if (cached) {
      let active = true;
      queueMicrotask(() => active && call(cb, this.viewOf(path, cached.entry)));
      return () => (active = false);
    }
    const w = new PlainWatch(this, path, mode, opts?.since ?? null, cb, opts?.onError);
    this.plain.add(w);
    if (this.isOpen()) this.sendPlain(w);
    return () => {
      w.active = false;
      if (this.plain.delete(w) && w.id !== null && this.byId.delete(w.id) && mode === 'history' && this.isOpen()) {
        this.send({ type: 'unwatch', id: w.id });
      }
    };
  }

  /** Watches the direct children of a path: keys and values. */
  children(path, cb, opts) {
    checkPath(path, true);
    return this.subscribe('children', path, cb, opts?.onError);
  }

  /** Watches every value at or below a path. */
  subtree(path, cb, opts) {
    checkPath(path, true);
    return this.subscribe('subtree', path, cb, opts?.onError);
  }

  subscribe(kind, path, cb, onError) {
    const key = kind + ' ' + path;
    let w = this.watches.get(key);
    if (!w) {
      w = new ServerWatch(this, kind, path);
      this.watches.set(key, w);
      if (this.isOpen()) this.sendWatch(w);
    }
    clearTimeout(w.lingerTimer);
    w.lingerTimer = null;
    const sub = { cb, onError, active: true };
    w.subs.add(sub);
    if (w.ready) queueMicrotask(() => sub.active && call(cb, w.view())); // from the cache, no round trip
    return () => {
      if (!sub.active) return;
      sub.active = false;
      w.subs.delete(sub);
      if (w.subs.size || this.watches.get(key) !== w) return;
      // Linger: keep the watch and its cache a while, so coming back costs no round trip.
      if (this.opts.lingerMs > 0) w.lingerTimer = setTimeout(() => this.dropWatch(w), this.opts.lingerMs);
      else this.dropWatch(w);
    };
  }

  sendWatch(w) {
    w.id = this.nextId++;
    this.byId.set(w.id, w);
    const f = { type: 'watch', id: w.id, kind: w.kind, path: w.path, mode: 'latest' };
    if (w.since != null) f.since = w.since;
    this.send(f);
  }

  sendPlain(w) {
    w.id = this.nextId++;
    this.byId.set(w.id, w);
    this.send(w.frame());
  }

  dropWatch(w) {
    if (w.subs.size) return;
    if (w.id !== null && this.byId.get(w.id) === w && this.isOpen()) this.send({ type: 'unwatch', id: w.id });
    this.forgetWatch(w);
  }

  forgetWatch(w) {
    clearTimeout(w.lingerTimer);
    if (this.watches.get(w.kind + ' ' + w.path) === w) this.watches.delete(w.kind + ' ' + w.path);
    if (w.id !== null && this.byId.get(w.id) === w) this.byId.delete(w.id);
    this.gc();
  }

  /** Calls the subscribers of every watch whose view may have changed. */
  flush() {
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const w of dirty) {
      if (!w.ready || !w.subs.size) continue;
      const v = w.view();
      for (const s of [...w.subs]) if (s.active) call(s.cb, v);
    }
    if (dirty.length) this.gc();
  }

  markCovering(paths) {
    const list = [...paths];
    for (const w of this.watches.values()) {
      for (const p of list) {
        if (w.covers(p)) {
          this.dirty.add(w);
          break;
        }
      }
    }
  }

  // ---- reads -----------------------------------------------------------------------------------

  /** A ready watch that knows the current value and version of `path`, and that entry. */
  cached(path) {
    const w = this.watches.get('path ' + path);
    if (w?.ready) return { entry: w.entry, watch: w };
    for (const kind of ['children', 'subtree']) {
      for (let p = parentOf(path); ; p = parentOf(p)) {
        const v = this.watches.get(kind + ' ' + p);
        const e = v?.ready ? v.entries.get(path) : undefined;
        // A present value is exact; an absent one here says nothing about its delete's version.
        if (e?.exists) return { entry: e, watch: v };
        if (kind === 'children' || p === '/') break;
      }
    }
    return null;
  }

  /** The newest local write of `path` still shown, with its commit. */
  overlay(path) {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const c = this.locals[i];
      const write = c.writes.get(path);
      if (write) return { commit: c, write };
    }
    return null;
  }

  *localWrites() {
    for (const commit of this.locals) for (const [path, write] of commit.writes) yield { commit, path, write };
  }

  viewOf(path, server) {
    const o = this.overlay(path);
    if (o && (o.commit.pending || !server || compareVersions(server.version, o.commit.version) < 0)) {
      const pending = o.commit.pending;
      return { path, exists: o.write.exists, value: o.write.value, version: pending ? null : o.commit.version, pending };
    }
    if (!server) return { path, exists: false, value: undefined, version: null, pending: false };
    return { path, exists: server.exists, value: server.value, version: server.version, pending: false };
  }

  /** The value at `path` (undefined when absent), from the cache when a watch holds it. */
  async get(path) {
    checkPath(path, false);
    const c = this.cached(path);
    if (c || this.overlay(path)) return this.viewOf(path, c?.entry).value;
    const m = await this.request({ type: 'read', path });
    return entryOf(m.entries[0]).value;
  }

  async readForTx(path) {
    const o = this.overlay(path);
    const c = this.cached(path);
    if (o && o.commit.pending) return { value: o.write.value, dep: o.commit };
    if (o && (!c || compareVersions(c.entry.version, o.commit.version) < 0)) {
      return { value: o.write.value, version: o.commit.version };
    }
    if (c) return { value: c.entry.value, version: c.entry.version };
    const m = await this.request({ type: 'read', path });
    const e = entryOf(m.entries[0]);
    return { value: e.value, version: e.version };
  }

  async childrenForTx(path) {
    let w = this.watches.get('children ' + path);
    let version;
    let entries;
    if (w?.ready) {
      version = w.since;
      entries = w.view().entries;
    } else {
      const m = await this.onceChildren(path);
      version = m.version;
      w = new ServerWatch(this, 'children', path);
      w.snapshot(m);
      this.dirty.delete(w);
      entries = w.view().entries;
    }
    // Pending writes below the path may add or remove keys: the listing depends on them.
    const deps = [...new Set([...this.localWrites()].filter((x) => x.commit.pending && w.covers(x.path)).map((x) => x.commit))];
    return { version, keys: entries.map((e) => e.key), deps };
  }

  onceChildren(path) {
    return new Promise((resolve, reject) => {
      const w = new PlainWatch(this, path, 'once', null, null, reject);
      w.internal = true;
      w.frame = () => ({ type: 'watch', id: w.id, kind: 'children', path, mode: 'once' });
      w.snapshot = (m) => {
        this.byId.delete(w.id);
        this.plain.delete(w);
        resolve(m);
      };
      this.plain.add(w);
      if (this.isOpen()) this.sendPlain(w);
    });
  }

  // ---- transactions ----------------------------------------------------------------------------

  /**
   * Runs `fn(tx)`, commits its reads and writes, and on rejection runs it again with fresh reads.
   * Resolves with {result, version, attempts, durable} once the commit is applied (with
   * opts.durable: once it is durable too), `durable` a promise of its write-ahead log sync; rejects
   * with a QuerysubError (CONFLICT after the retries, the server's code for a refused commit,
   * CLOSED, OUTCOME_UNKNOWN).
   */
  async transaction(fn, opts = {}) {
    const maxRetries = opts.maxRetries ?? this.opts.maxRetries;
    for (let attempt = 0; ; attempt++) {
      const tx = new Transaction(this);
      let result;
      try {
        result = await fn(tx);
      } finally {
        tx.closed = true;
      }
      if (!tx.writes.size) return { result, version: null, attempts: attempt + 1, durable: DURABLE };
      const c = new LocalCommit(tx);
      c.waitDurable = opts.durable === true;
      this.locals.push(c);
      this.markCovering(c.writes.keys());
      this.trySend(c);
      this.flush();
      const out = await c.done;
      if (out.status === 'valid') return { result, version: out.version, attempts: attempt + 1, durable: c.durable.promise };
      if (out.status === 'failed') throw out.error;
      if (attempt >= maxRetries) {
        const where = out.conflict ? ` on ${out.conflict.path}` : '';
        throw new QuerysubError('CONFLICT', `transaction rejected ${attempt + 1} times; last conflict${where}`, {
          conflict: out.conflict,
          attempts: attempt + 1,
        });
      }
      if (out.status === 'rejected') {
        await delay(jitter(Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** attempt)));
      }
    }
  }

  // ---- server functions ------------------------------------------------------------------------

  /**
   * Registers a predictor for a server function: `predictor(p, args)` applies the writes the call
   * is expected to make with `p.set` / `p.delete`, reading the local view with `p.get`. Returns a
   * function that unregisters it.
   */
  predict(fn, predictor) {
    this.predictors.set(fn, predictor);
    return () => this.predictors.get(fn) === predictor && this.predictors.delete(fn);
  }

  /**
   * Calls a server function. Its prediction (if a predictor is registered) shows at once, pending.
   * Resolves with {result, version, attempts, callId, durable} (opts.durable: only once durable);
   * rejects with a QuerysubError carrying the
   * call's code (INVALID_ARGUMENT with `fields`, UNKNOWN_FUNCTION, CONFLICT, FUNCTION_ERROR,
   * TIMEOUT) or CLOSED. A call interrupted by a dropped connection is sent again with the same
   * callId after the reconnect, so it runs at most once.
   */
  async call(fn, args, opts = {}) {
    if (this.state === 'closed') throw new QuerysubError('CLOSED', 'the client was closed');
    const predictor = this.predictors.get(fn);
    let prediction = null;
    if (predictor) {
      prediction = new Prediction(this);
      try {
        predictor(prediction, args);
      } catch (e) {
        prediction = null; // a predictor that throws predicts nothing; the call still goes out
        this.reportError(new QuerysubError('PREDICTION_FAILED', `predictor of ${fn} threw: ${e?.message ?? e}`));
      }
    }
    const c = new LocalCall(fn, args, opts.callId ?? newCallId(), prediction);
    c.waitDurable = opts.durable === true;
    this.locals.push(c);
    this.markCovering(c.writes.keys());
    this.sendCall(c);
    this.flush();
    const out = await c.done;
    if (out.status === 'valid') {
      return { result: out.result, version: out.version, attempts: out.attempts, callId: c.callId, durable: c.durable.promise };
    }
    throw out.error;
  }

  sendCall(c) {
    if (c.status !== 'waiting' || !this.isOpen()) return; // sent on welcome
    const frame = { type: 'call', id: this.nextId++, function: c.fn, callId: c.callId };
    if (c.args !== undefined) frame.args = c.args;
    if (c.waitDurable) frame.durable = true;
    c.id = frame.id;
    c.status = 'sent';
    this.calls.set(c.id, c);
    this.send(frame);
  }

  callResult(m) {
    const c = this.calls.get(m.id);
    if (!c) return;
    this.calls.delete(m.id);
    if (m.status === 'ok') {
      this.awaitDurable(m.id, c);
      this.finish(c, { status: 'valid', version: m.version, result: freeze(m.result ?? null), attempts: m.attempts });
    } else if (m.status === 'running') {
      // The call is still running (elsewhere): ask again shortly with the same call id.
      c.status = 'waiting';
      setTimeout(() => this.sendCall(c), 200);
    } else {
      const e = m.error ?? {};
      this.finish(c, {
        status: 'failed',
        error: new QuerysubError(e.code ?? 'INTERNAL', e.message ?? 'the call failed', { fields: e.fields ?? [], callId: c.callId }),
      });
    }
  }

  /** A prediction that read a rolled-back local write is dropped; the call itself goes on. */
  dropBrokenPrediction(c) {
    const gone = [...c.deps].some((d) => d.status === 'rejected' || d.status === 'failed' || d.status === 'lost');
    if (!gone || !c.writes.size) return;
    this.markCovering(c.writes.keys());
    c.writes = new Map();
    c.deps = new Set();
    for (const d of [...this.locals]) if (d.deps.has(c)) this.trySend(d);
  }

  /** Sends a waiting commit once its dependencies allow; settles it if one was rolled back. */
  trySend(c) {
    if (c.isCall) return this.dropBrokenPrediction(c);
    if (c.status !== 'waiting') return;
    const gone = [...c.deps].find((d) => d.status === 'rejected' || d.status === 'failed' || d.status === 'lost');
    if (gone) {
      const path = [...gone.writes.keys()][0];
      return this.finish(c, { status: 'rejected', conflict: { path, reason: 'read a local write that was rolled back' } });
    }
    // A value read of a pending write locks on that commit by its request id (pipelined: the
    // server resolves it, and rejects this one if that one fails), once it was sent on this
    // connection; the server forgets ids across connections, so until then this one waits.
    // A call's request id names no commit on the server: a read of a predicted write waits for
    // the call's outcome, then locks on its version.
    const lockOn = (dep) =>
      dep.status === 'valid'
        ? { version: dep.version }
        : !dep.isCall && dep.status === 'sent' && dep.conn === this.conn
          ? { commit: dep.id }
          : null;
    if ([...c.deps].some((d) => !lockOn(d)) || [...c.waitFor].some((d) => d.status !== 'valid')) return; // sent later
    if (!this.isOpen()) return; // sent on welcome
    const frame = { type: 'commit', id: this.nextId++, writes: [] };
    if (c.waitDurable) frame.durable = true;
    if (c.reads.length) frame.reads = c.reads.map((r) => ({ path: r.path, ...(r.dep ? lockOn(r.dep) : { version: r.version }) }));
    if (c.childReads.length) frame.childReads = c.childReads.map((r) => ({ path: r.path, version: r.version }));
    for (const [path, w] of c.writes) frame.writes.push(w.exists ? { path, value: w.value } : { path, delete: true });
    c.id = frame.id;
    c.conn = this.conn;
    c.frame = frame;
    c.status = 'sent';
    this.commits.set(c.id, c);
    this.send(frame);
    for (const d of [...this.locals]) if (d.deps.has(c)) this.trySend(d); // may now name it
  }

  result(m) {
    const c = this.commits.get(m.id);
    if (!c) return;
    this.commits.delete(m.id);
    if (m.status === 'valid') {
      this.awaitDurable(m.id, c);
      this.finish(c, { status: 'valid', version: m.version });
    } else this.finish(c, { status: 'rejected', conflict: m.conflict });
  }

  /** Settles a commit: confirmed ones stay shown until echoed; others are rolled back. */
  finish(c, out) {
    if (!c.pending) return;
    c.status = out.status;
    c.version = out.version ?? null;
    c.settledAt = Date.now();
    this.markCovering(c.writes.keys());
    if (out.status !== 'valid') this.locals.splice(this.locals.indexOf(c), 1);
    c.settle(out);
    // Commits waiting on this one go out now, or are rolled back with it.
    for (const d of [...this.locals]) if (d.deps.has(c)) this.trySend(d);
    this.gc();
  }

  /**
   * A commit sent on a connection that ended before its result came: it may or may not have
   * been applied. If it locked a path it also writes, the first valid write of that path above
   * the lock is the commit's own iff it was applied, so the path's history tells. Otherwise its
   * writes do not build on their own old values and the transaction simply runs again.
   */
  async resolveInDoubt(c) {
    this.commits.delete(c.id);
    c.status = 'checking';
    const lock = c.reads.find((r) => c.writes.has(r.path));
    const settle = (out) => {
      c.status = 'sent';
      this.finish(c, out);
      this.flush();
    };
    if (!lock) return settle({ status: 'lost' });
    // A lock on an earlier commit: this one was applied only if that one was.
    if (lock.dep && (await lock.dep.done).status !== 'valid') return settle({ status: 'lost' });
    const since = lock.dep ? lock.dep.version : lock.version;
    let first;
    try {
      first = await this.firstWriteAbove(lock.path, since);
    } catch (e) {
      return settle({ status: 'failed', error: new QuerysubError('OUTCOME_UNKNOWN', `a commit sent before the connection dropped may or may not have been applied (${e.message})`) });
    }
    if (c.status !== 'checking') return; // closed meanwhile
    if (!first) return settle({ status: 'lost' });
    const mine = c.writes.get(lock.path);
    const e = entryOf(first);
    const applied = e.exists === mine.exists && (!e.exists || deepEqual(e.value, mine.value));
    // Applied, but whether it reached the node's log before the drop is not known from here.
    if (applied) c.durable.reject(new QuerysubError('OUTCOME_UNKNOWN', 'the commit was applied, but the connection dropped before the node said it was durable'));
    settle(applied ? { status: 'valid', version: first.version } : { status: 'lost' });
  }

  firstWriteAbove(path, since) {
    return new Promise((resolve, reject) => {
      const w = new PlainWatch(this, path, 'history', since, null, reject);
      w.internal = true;
      w.snapshot = (m) => {
        this.byId.delete(w.id);
        this.plain.delete(w);
        if (this.isOpen()) this.send({ type: 'unwatch', id: w.id });
        resolve(m.entries[0] ?? null);
      };
      w.changes = () => {};
      this.plain.add(w);
      if (this.isOpen()) this.sendPlain(w);
    });
  }

  /** Drops confirmed commits once every ready watch covering their paths has seen their version. */
  gc() {
    for (let i = 0; i < this.locals.length; i++) {
      const c = this.locals[i];
      if (c.status !== 'valid') continue;
      let echoed = true;
      for (const w of this.watches.values()) {
        if (!w.since || compareVersions(w.since, c.version) >= 0) continue;
        for (const p of c.writes.keys()) if (w.covers(p)) echoed = false;
      }
      // A call's prediction may name paths the function did not write after all: no change will
      // echo them, so it goes after a grace period.
      const graceOver = !echoed && c.isCall && Date.now() - c.settledAt >= this.opts.echoGraceMs;
      if (echoed || graceOver) {
        this.locals.splice(i--, 1);
        if (graceOver) {
          this.markCovering(c.writes.keys());
          queueMicrotask(() => this.flush());
        }
      } else if (c.isCall && !c.graceTimer) {
        c.graceTimer = setTimeout(() => {
          this.gc();
          this.flush();
        }, this.opts.echoGraceMs);
      }
    }
  }
}
