// The JavaScript client (/querysub.js) in real Chromium against the real node: each test runs
// in a page on the node's origin that imports the module as an application would.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { BASE, SYNC, newPage, recordFrames, startProxy, unique, until, WAIT } from './lib.mjs';

/**
 * A page on the node's origin with the client module loaded as window.q. The page is the node's
 * health document: a real page of the node (Chromium refuses loopback WebSockets to pages that
 * did not come from the network) that runs no client of its own.
 */
const pages = [];

async function clientPage() {
  const page = await newPage();
  pages.push(page);
  const frames = recordFrames(page);
  await page.goto(`${BASE}/health`);
  await page.evaluate(async (wait) => {
    window.q = await import('/querysub.js');
    window.until = async (cond, what) => {
      const end = Date.now() + wait;
      while (!cond()) {
        if (Date.now() > end) throw new Error('timed out waiting for ' + (typeof what === 'function' ? what() : what));
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    window.open = async (url, opts) => {
      const c = q.connect(url, opts);
      await until(() => c.state === 'open', 'the connection');
      return c;
    };
  }, WAIT);
  return { page, frames };
}

const sent = (frames, type) => frames.filter((f) => f.dir === 'sent' && f.type === type);

describe('JavaScript client', () => {
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close(); // and with them their clients
  });

  test('a transaction runs again with fresh reads when its commit is rejected', async () => {
    const { page } = await clientPage();
    const out = await page.evaluate(async (p) => {
      const c1 = await open();
      const c2 = await open();
      await c2.transaction((tx) => tx.set(p, 1));
      let runs = 0;
      const r = await c1.transaction(async (tx) => {
        runs++;
        const x = await tx.get(p);
        if (runs === 1) await c2.transaction((t) => t.set(p, 100)); // breaks the read lock
        tx.set(p, x + 1);
      });
      let error;
      await c1
        .transaction(async (tx) => {
          const x = await tx.get(p);
          await c2.transaction((t) => t.set(p, x + 1000));
          tx.set(p, -1);
        }, { maxRetries: 0 })
        .catch((e) => (error = { code: e.code, path: e.conflict?.path, attempts: e.attempts }));
      return { runs, attempts: r.attempts, version: r.version, value: await c2.get(p), error };
    }, '/t/' + unique('retry') + '/x');
    assert.equal(out.runs, 2);
    assert.equal(out.attempts, 2);
    assert.match(out.version, /^\d+\.\d+\.\d+$/);
    assert.equal(out.value, 1101, 'the second run built on the value that broke the first');
    assert.deepEqual(out.error, { code: 'CONFLICT', path: out.error.path, attempts: 1 });
    assert.match(out.error.path, /\/x$/);
  });

  test('reads of watched paths cost no round trip; own writes show pending, then confirmed', async () => {
    const { page, frames } = await clientPage();
    const p = '/t/' + unique('cached') + '/n';
    const out = await page.evaluate(async (p) => {
      const c = await open();
      await c.transaction((tx) => tx.set(p, 1));
      const views = [];
      c.watch(p, {}, (v) => views.push({ value: v.value, pending: v.pending, version: v.version }));
      await until(() => views.length === 1, 'the snapshot');
      const r = await c.transaction(async (tx) => tx.set(p, (await tx.get(p)) + 1));
      await until(() => views.at(-1).version === r.version && !views.at(-1).pending, 'the confirmed value');
      return { views, version: r.version, got: await c.get(p) };
    }, p);
    assert.deepEqual(out.views[0].value, 1);
    assert.deepEqual(out.views[1], { value: 2, pending: true, version: null }, 'the optimistic write, at once');
    assert.deepEqual(out.views.at(-1), { value: 2, pending: false, version: out.version });
    assert.ok(out.views.every((v) => v.value !== 1 || v === out.views[0]), 'never back to the old value');
    assert.equal(out.got, 2);
    const commits = sent(frames, 'commit');
    assert.equal(commits.length, 2);
    assert.equal(sent(frames, 'read').length, 0, 'the watched value was read from the cache');
    assert.deepEqual(commits[1].reads, [{ path: p, version: out.views[0].version ?? commits[1].reads[0].version }]);
  });

  test('a children watch sees keys come and go and values change; tx.children locks the listing', async () => {
    const { page } = await clientPage();
    const out = await page.evaluate(async (room) => {
      const c = await open();
      const other = await open();
      await other.transaction((tx) => tx.set(room + '/alice', { name: 'Alice' }));
      const views = [];
      const keys = () => views.at(-1)?.entries.map((e) => `${e.key}=${e.exists ? JSON.stringify(e.value) : '-'}`).join(' ');
      c.children(room, (v) => views.push(v));
      await until(() => keys() === 'alice={"name":"Alice"}', 'the snapshot');
      const seen = [keys()];
      await other.transaction((tx) => tx.set(room + '/bob/deep', true)); // adds key bob (no value of its own)
      await until(() => keys() === 'alice={"name":"Alice"} bob=-', 'bob');
      seen.push(keys());
      await other.transaction((tx) => tx.set(room + '/alice', { name: 'Ada' }));
      await until(() => keys() === 'alice={"name":"Ada"} bob=-', 'the new value');
      seen.push(keys());
      await other.transaction((tx) => tx.delete(room + '/bob/deep'));
      await until(() => keys() === 'alice={"name":"Ada"}', 'bob gone');
      seen.push(keys());
      // A transaction listing the room, then a concurrent new key: the listing's lock breaks.
      let runs = 0;
      const r = await c.transaction(async (tx) => {
        runs++;
        const ks = await tx.children(room);
        if (runs === 1) await other.transaction((t) => t.set(room + '/carol', 3));
        tx.set(room + '/count', ks.length);
      });
      await until(() => keys()?.includes('count=2'), 'the count');
      return { seen, runs, attempts: r.attempts, final: keys() };
    }, '/t/' + unique('room'));
    assert.deepEqual(out.seen, ['alice={"name":"Alice"}', 'alice={"name":"Alice"} bob=-', 'alice={"name":"Ada"} bob=-', 'alice={"name":"Ada"}']);
    assert.equal(out.runs, 2, 'the new key broke the children lock');
    assert.equal(out.final, 'alice={"name":"Ada"} carol=3 count=2');
  });

  test('after a dropped connection watches resume with since and catch up', async () => {
    const { page, frames } = await clientPage();
    const proxy = await startProxy();
    const base = '/t/' + unique('resume');
    await page.evaluate(async ({ base, url }) => {
      const w = await open();
      await w.transaction((tx) => {
        tx.set(base + '/still', 'same');
        tx.set(base + '/moving', 1);
        tx.set(base + '/kids/a', 1);
      });
      window.c = await open(url, { reconnectMinMs: 50, reconnectMaxMs: 200 });
      window.other = w;
      window.last = {};
      for (const p of ['still', 'moving']) c.watch(base + '/' + p, {}, (v) => (last[p] = v.value));
      c.children(base + '/kids', (v) => (last.kids = v.entries.map((e) => e.key).join(',')));
      window.states = [];
      c.onState((s) => states.push(s));
      await until(() => last.still === 'same' && last.moving === 1 && last.kids === 'a', 'the snapshots');
    }, { base, url: proxy.url });
    proxy.block();
    proxy.cut();
    await page.evaluate(async (base) => {
      await until(() => c.state === 'reconnecting', 'reconnecting');
      await other.transaction((tx) => {
        tx.set(base + '/moving', 2);
        tx.set(base + '/kids/b', 2);
        tx.delete(base + '/kids/a');
      });
    }, base);
    proxy.unblock();
    const out = await page.evaluate(async () => {
      await until(() => last.moving === 2 && last.kids === 'b', 'the catch-up');
      return { last, states };
    });
    assert.deepEqual(out.last, { still: 'same', moving: 2, kids: 'b' });
    assert.deepEqual(out.states.slice(0, 2), ['reconnecting', 'open']);
    const viaProxy = frames.filter((f) => f.url === proxy.url);
    const watches = sent(viaProxy, 'watch');
    assert.equal(watches.length, 6, 'three watches, sent again after the reconnect');
    const resumed = watches.slice(3);
    assert.ok(resumed.every((w) => /^\d+\.\d+\.\d+$/.test(w.since)), `resumed with since: ${JSON.stringify(resumed)}`);
    const snapshot = (path) => viaProxy.filter((f) => f.type === 'snapshot' && f.path === path).at(-1);
    assert.equal(snapshot(base + '/still').full, false, 'nothing newer: no value resent');
    assert.equal(snapshot(base + '/moving').full, true);
    assert.equal(snapshot(base + '/kids').full, true);
    await proxy.close();
  });

  test('a quiet client pings, so the node does not close it as idle', async () => {
    const { page, frames } = await clientPage();
    const out = await page.evaluate(async () => {
      const c = await open();
      const states = [];
      c.onState((s) => states.push(s));
      const idle = c.welcome.limits.idleTimeoutSeconds;
      // The subject of this test is time passing: quiet for longer than the node's idle timeout.
      await new Promise((r) => setTimeout(r, idle * 1500));
      return { idle, states, state: c.state };
    });
    assert.ok(out.idle > 0 && out.idle <= 30, `the test node's idle timeout is short (${out.idle} s)`);
    assert.deepEqual(out.states, [], 'never dropped');
    assert.equal(out.state, 'open');
    const pings = sent(frames, 'ping').length;
    assert.ok(pings >= 3, `pinged at a third of the idle timeout (${pings} pings)`);
    const pongs = frames.filter((f) => f.dir === 'received' && f.type === 'pong').length;
    assert.ok(pongs >= pings - 1, `answered (${pongs} pongs)`); // the last may still be on its way
  });

  test('an unwatched path lingers: watching it again is answered from the cache', async () => {
    const { page, frames } = await clientPage();
    const p = '/t/' + unique('linger') + '/v';
    const out = await page.evaluate(async (p) => {
      const c = await open(undefined, { lingerMs: 1500 });
      await c.transaction((tx) => tx.set(p, 'kept'));
      let got = [];
      let stop = c.watch(p, {}, (v) => got.push(v.value));
      await until(() => got.length === 1, 'the snapshot');
      stop();
      got = [];
      stop = c.watch(p, {}, (v) => got.push(v.value));
      await Promise.resolve(); // the cached answer comes in a microtask, before any message
      const fromCache = [...got];
      stop();
      const stoppedAt = Date.now();
      return { fromCache, stoppedAt };
    }, p);
    assert.deepEqual(out.fromCache, ['kept']);
    assert.equal(sent(frames, 'watch').length, 1, 'no second watch request');
    await until(() => sent(frames, 'unwatch').length === 1, 'the unwatch after the linger');
    const lingered = Date.now() - out.stoppedAt;
    assert.ok(lingered >= 1400, `unwatched only after the linger (${lingered} ms)`);
    await page.evaluate(async (p) => {
      const c2 = q.connect(undefined, { lingerMs: 0 });
      let v;
      const stop = c2.watch(p, {}, (x) => (v = x.value));
      await until(() => v === 'kept', 'a fresh watch');
      stop();
    }, p);
    await until(() => sent(frames, 'unwatch').length === 2, 'an immediate unwatch with lingerMs 0');
  });

  test('a write built on a pending write that is rejected is rolled back with it', async () => {
    const { page, frames } = await clientPage();
    const base = '/t/' + unique('dep');
    const out = await page.evaluate(async (base) => {
      const [A, B] = [base + '/a', base + '/b'];
      const c = await open();
      const other = await open();
      await other.transaction((tx) => tx.set(A, 1));
      const viewsA = [];
      const viewsB = [];
      let t2;
      c.watch(B, {}, (v) => viewsB.push({ value: v.value, pending: v.pending }));
      c.watch(A, {}, (v) => {
        viewsA.push({ value: v.value, pending: v.pending });
        // The moment a's optimistic write shows, start a transaction that reads it.
        if (v.pending && v.value === 2 && !t2) {
          t2 = c.transaction(async (tx) => {
            const a = await tx.get(A);
            tx.set(B, a * 10);
            return a;
          });
        }
      });
      await until(() => viewsA.length && viewsB.length, 'the snapshots');
      let first = true;
      const t1 = await c
        .transaction(async (tx) => {
          const a = await tx.get(A);
          if (first) await other.transaction((t) => t.set(A, 50)); // breaks t1's lock
          first = false;
          tx.set(A, a + 1);
        }, { maxRetries: 0 })
        .then(() => 'valid', (e) => e.code);
      const r2 = await t2;
      await until(() => viewsB.at(-1).value === 500 && !viewsB.at(-1).pending, () => 'b confirmed: ' + JSON.stringify({ viewsA, viewsB, locals: c.locals.map((l) => l.status) }));
      return { t1, t2: r2, viewsA, viewsB, b: await other.get(B) };
    }, base);
    assert.equal(out.t1, 'CONFLICT');
    assert.equal(out.t2.result, 50, 'the second run read the value that won');
    assert.equal(out.t2.attempts, 2);
    assert.equal(out.b, 500);
    assert.ok(out.viewsB.some((v) => v.value === 20 && v.pending), `b showed the dependent write: ${JSON.stringify(out.viewsB)}`);
    assert.ok(!out.viewsB.some((v) => v.value === 20 && !v.pending), 'and never confirmed it');
    const i20 = out.viewsB.findIndex((v) => v.value === 20);
    assert.equal(out.viewsB[i20 + 1].value, undefined, 'rolled back to the server value (absent)');
    // Pipelined: the dependent commit went out at once, locking on the first by its request id,
    // and the node rejected it because the first was rejected.
    const commitOfA = sent(frames, 'commit').find((f) => f.writes.some((w) => w.path === base + '/a' && w.value === 2));
    const commitsOfB = sent(frames, 'commit').filter((f) => f.writes.some((w) => w.path === base + '/b'));
    assert.deepEqual(commitsOfB.map((f) => f.writes[0].value), [20, 500]);
    assert.deepEqual(commitsOfB[0].reads, [{ path: base + '/a', commit: commitOfA.id }]);
    const resultOf = (id) => frames.find((f) => f.dir === 'received' && f.type === 'result' && f.id === id);
    assert.equal(resultOf(commitsOfB[0].id).status, 'rejected');
    assert.equal(resultOf(commitsOfB[0].id).conflict.commit, commitOfA.id);
    assert.equal(resultOf(commitsOfB[1].id).status, 'valid');
    assert.ok(out.viewsA.some((v) => v.value === 2 && v.pending));
    assert.deepEqual(out.viewsA.at(-1), { value: 50, pending: false }, JSON.stringify(out.viewsA) + JSON.stringify(out.viewsB));
  });

  test('a burst of edits, each building on the last, goes out without waiting for answers', async () => {
    const { page, frames } = await clientPage();
    const p = '/t/' + unique('burst') + '/n';
    const out = await page.evaluate(async (p) => {
      const c = await open();
      await c.transaction((tx) => tx.set(p, 0));
      const increments = [];
      const increment = () => increments.push(c.transaction(async (tx) => tx.set(p, (await tx.get(p)) + 1)));
      let seen;
      // Like clicks in quick succession: each increment starts as soon as the last one shows.
      c.watch(p, {}, (v) => {
        seen = v;
        if (v.pending && v.value === increments.length && increments.length < 5) increment();
      });
      await until(() => seen?.value === 0, 'the watch');
      increment();
      await until(() => increments.length === 5, 'five increments');
      const results = await Promise.all(increments);
      await until(() => seen.value === 5 && !seen.pending, 'five');
      return { attempts: results.map((r) => r.attempts), value: await q.connect().get(p) };
    }, p);
    assert.deepEqual(out.attempts, [1, 1, 1, 1, 1]);
    assert.equal(out.value, 5);
    const commits = frames.filter((f) => f.dir === 'sent' && f.type === 'commit' && f.writes[0].path === p).slice(1);
    assert.equal(commits.length, 5);
    assert.deepEqual(commits.slice(1).map((f) => f.reads[0].commit), commits.slice(0, 4).map((f) => f.id), 'each locks on the one before');
    const firstResult = frames.findIndex((f) => f.type === 'result' && f.id === commits[0].id);
    assert.ok(frames.indexOf(commits[4]) < firstResult, 'all five were sent before the first answer came');
  });

  test('a commit whose result was lost in a dropped connection is applied exactly once', async () => {
    const { page, frames } = await clientPage();
    const proxy = await startProxy();
    const p = '/t/' + unique('doubt') + '/counter';
    await page.evaluate(async ({ p, url }) => {
      window.other = await open();
      await other.transaction((tx) => tx.set(p, 5));
      window.c = await open(url, { reconnectMinMs: 50, reconnectMaxMs: 200 });
      let seen;
      c.watch(p, {}, (v) => (seen = v.value)); // so the increment's read is answered locally
      await until(() => seen === 5, 'the watch');
      window.increment = () => c.transaction(async (tx) => tx.set(p, (await tx.get(p)) + 1));
    }, { p, url: proxy.url });
    const serverValue = () => page.evaluate((p) => other.get(p), p);
    const commitsSent = () => sent(frames.filter((f) => f.url === proxy.url), 'commit').length;

    // 1. The commit reaches the node, its result never reaches the page.
    proxy.hold('down');
    const first = page.evaluate(() => increment());
    await until(async () => (await serverValue()) === 6, 'the node to apply the increment');
    proxy.cut();
    const r1 = await first;
    assert.equal(r1.attempts, 1, 'recognised as applied, not run again');
    assert.equal(await serverValue(), 6);

    // 2. The commit never reaches the node: after the reconnect it runs again, once.
    await page.evaluate(() => until(() => c.state === 'open', 'open again'));
    proxy.hold('up');
    const before = commitsSent();
    const second = page.evaluate(() => increment());
    await until(() => commitsSent() === before + 1, 'the commit to leave the page');
    proxy.cut();
    const r2 = await second;
    assert.equal(r2.attempts, 2, 'not applied, so run again');
    assert.equal(await serverValue(), 7);
    await proxy.close();
  });

  test('a refused call rolls back its prediction and, at once, every local write that read it', async () => {
    const { page } = await clientPage();
    const proxy = await startProxy();
    const board = unique('calls');
    await page.evaluate(async ({ url, board }) => {
      window.c = await open(url);
      const card = (id, f) => `/demo/boards/${board}/cards/${id}/${f}`;
      window.paths = { text: card('x', 'text'), votes: card('x', 'votes'), note: `/demo/notes/${board}` };
      c.predict('board.add', (p, a) => {
        p.set(card(a.card, 'text'), a.text);
        p.set(card(a.card, 'votes'), 0);
      });
      c.predict('board.vote', (p, a) => {
        if (p.get(card(a.card, 'text')) !== undefined) p.set(card(a.card, 'votes'), (p.get(card(a.card, 'votes')) ?? 0) + 1);
      });
      let votes;
      c.watch(paths.votes, {}, (v) => (votes = v));
      await until(() => votes, 'the watch');
      window.votesView = () => votes;
    }, { url: proxy.url, board });
    proxy.pause('down'); // every answer waits until resume()
    await page.evaluate(({ board }) => {
      window.out = {};
      const tooLong = 'x'.repeat(41);
      window.add = c.call('board.add', { board, card: 'x', text: tooLong }).catch(async (e) => {
        out.add = e.code;
        // Before any later answer is handled: the vote predicted on top of the card is gone too.
        out.votesAtAddFailure = await c.get(paths.votes);
        out.votesViewAtAddFailure = votesView().exists;
      });
      window.vote = c.call('board.vote', { board, card: 'x' }).then(() => (out.vote = 'ok'), (e) => (out.vote = e.code));
      // A transaction that reads the predicted count waits for the call, is rolled back with it
      // and runs again with fresh reads.
      let runs = 0;
      window.tx = c.transaction(async (tx) => {
        runs++;
        const v = await tx.get(paths.votes);
        tx.set(paths.note, v === undefined ? 'no card' : `card with ${v} votes`);
      }).then((r) => {
        out.txAttempts = r.attempts;
        out.txRuns = runs;
      });
    }, { board });
    assert.equal(await page.evaluate(() => votesView().pending && votesView().value), 1, 'both predictions shown');
    proxy.resume();
    await page.evaluate(() => Promise.all([add, vote, tx]));
    const out = await page.evaluate(() => out);
    assert.equal(out.add, 'INVALID_ARGUMENT');
    assert.equal(out.votesAtAddFailure, undefined, 'the dependent prediction went with the refused one');
    assert.equal(out.votesViewAtAddFailure, false);
    assert.equal(out.vote, 'FUNCTION_ERROR');
    assert.equal(out.txAttempts, 2, 'the transaction that read the prediction ran again');
    assert.equal(await page.evaluate(() => c.get(paths.note)), 'no card');
    await proxy.close();
  });
  test('a write resolves when applied and its durable promise after the node says so; {durable: true} waits', async () => {
    const { page, frames } = await clientPage();
    const board = unique('durable');
    const p = '/t/' + board + '/n';
    const out = await page.evaluate(async ({ p, board }) => {
      const c = await open();
      c.receive({ type: 'fromANewerNode', id: 1 }); // a message this client does not know: ignored
      const r = await c.transaction((tx) => tx.set(p, 1));
      const isPromise = r.durable instanceof Promise;
      await r.durable;
      const waited = await c.transaction(async (tx) => tx.set(p, (await tx.get(p)) + 1), { durable: true });
      const nothing = await c.transaction(async (tx) => tx.get(p)); // writes nothing: durable at once
      await nothing.durable;
      const added = await c.call('board.add', { board, card: 'd', text: 'durable' });
      await added.durable;
      const voted = await c.call('board.vote', { board, card: 'd' }, { durable: true });
      await voted.durable;
      return { isPromise, version: r.version, waited: waited.version, added: added.version, value: await c.get(p), state: c.state };
    }, { p, board });
    assert.equal(out.isPromise, true);
    assert.equal(out.value, 2);
    assert.equal(out.state, 'open');
    const received = frames.filter((f) => f.dir === 'received');
    const answerThenNotice = (type, request) => {
      const answer = received.findIndex((f) => f.type === type && f.id === request.id);
      const notices = received.filter((f) => f.type === 'durable' && f.id === request.id);
      const notice = received.findIndex((f) => f.type === 'durable' && f.id === request.id);
      assert.ok(answer >= 0, `${type} of ${request.id}`);
      assert.equal(notices.length, 1, `one durable notice for ${request.id}`);
      assert.ok(notice > answer, `the notice of ${request.id} after its ${type}`);
      return received[notice];
    };
    const [plain, waitedCommit] = sent(frames, 'commit');
    assert.equal(plain.durable, undefined);
    assert.equal(answerThenNotice('result', plain).version, out.version);
    assert.equal(waitedCommit.durable, true, 'the commit asked to be answered once durable');
    assert.equal(received.filter((f) => f.type === 'durable' && f.id === waitedCommit.id).length, 0, 'and got no notice');
    const [add, vote] = sent(frames, 'call');
    assert.equal(answerThenNotice('callResult', add).version, out.added);
    assert.equal(vote.durable, true);
    assert.equal(received.filter((f) => f.type === 'durable' && f.id === vote.id).length, 0);
  });
});
