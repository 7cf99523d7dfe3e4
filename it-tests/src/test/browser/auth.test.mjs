// The demo with the demo's own rules (web/src/dev/rules.json) and signed-in people, in real
// Chromium: two people share the board, each sees only their own private notes, and an anonymous
// tab can read the board but not change it. Runs last: it swaps the node's rules file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BASE, newPage, screenshot, unique, until, WAIT } from './lib.mjs';

const opts = { timeout: WAIT };
const RULES = process.env.QUERYSUB_RULES_FILE;
const DEMO_RULES = process.env.QUERYSUB_DEMO_RULES;

/** How many times the node put a rules file in force (its readiness check). */
async function loads() {
  const health = await (await fetch(new URL('/health/ready', BASE))).json();
  const check = health.checks.find((c) => c.name === 'querysub-rules');
  return Number(check.data.loads);
}

async function installRules(text) {
  const before = await loads();
  fs.writeFileSync(RULES + '.tmp', text);
  fs.renameSync(RULES + '.tmp', RULES);
  await until(async () => (await loads()) > before, 'the node to load the rules file');
}

async function tab(board, user) {
  const page = await newPage();
  await page.goto(`${BASE}/?board=${board}${user ? '&user=' + user : ''}`);
  await page.waitForSelector('#state.state-open', opts);
  return page;
}

const card = (text) => `.card:has(.text:text-is("${text}"))`;
const note = (text) => `#notes li:text-is("${text}")`;

describe('signed-in people (the demo rules)', () => {
  let open;
  before(async () => {
    assert.ok(RULES && DEMO_RULES, 'QUERYSUB_RULES_FILE and QUERYSUB_DEMO_RULES must be set');
    open = fs.readFileSync(RULES, 'utf8');
    await installRules(fs.readFileSync(DEMO_RULES, 'utf8'));
  });
  after(async () => {
    if (open) await installRules(open);
  });

  test('two people share the board and see only their own private notes', async () => {
    const board = unique('signed');
    const alice = await tab(board, 'alice');
    const bob = await tab(board, 'bob');
    await alice.waitForSelector('#who:text-is("signed in as alice")', opts);
    await bob.waitForSelector('#who:text-is("signed in as bob")', opts);

    await alice.fill('#new-text', 'From alice');
    await alice.click('#add button');
    await bob.waitForSelector(card('From alice'), opts);

    const secretA = unique('alice-secret');
    const secretB = unique('bob-secret');
    await alice.fill('#note-text', secretA);
    await alice.click('#add-note button');
    await bob.fill('#note-text', secretB);
    await bob.click('#add-note button');
    await alice.waitForSelector(`${note(secretA)}:not(.pending-value)`, opts);
    await bob.waitForSelector(`${note(secretB)}:not(.pending-value)`, opts);
    // Each note was confirmed by the node, yet the other tab never shows it.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await bob.locator(note(secretA)).count(), 0, "bob sees alice's note");
    assert.equal(await alice.locator(note(secretB)).count(), 0, "alice sees bob's note");
    // Asking the node directly with bob's token for alice's notes: refused.
    const refused = await bob.evaluate(async () => {
      const t = await (await fetch(new URL('api/v1/auth/dev-sign-in', document.baseURI), {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'bob' }),
      })).json();
      const r = await fetch(new URL('api/v1/children/demo/private/alice/notes', document.baseURI), { headers: { Authorization: 'Bearer ' + t.token } });
      return { status: r.status, body: await r.json() };
    });
    assert.equal(refused.status, 200, 'a listing answers, without what bob may not read');
    assert.deepEqual(refused.body.children, []);
    await screenshot(alice, 'auth-alice');
    await screenshot(bob, 'auth-bob');
    await alice.close();
    await bob.close();
  });

  test('an anonymous tab reads the board, and its edit is refused and rolled back', async () => {
    const board = unique('anon');
    const alice = await tab(board, 'alice');
    const anon = await tab(board, null);
    await anon.waitForSelector('#who:text-is("not signed in")', opts);
    assert.equal(await anon.locator('#private').isHidden(), true);
    await alice.fill('#new-text', 'Read only for you');
    await alice.click('#add button');
    await anon.waitForSelector(card('Read only for you'), opts);
    await anon.fill('#new-text', 'Anonymous card');
    await anon.click('#add button');
    await anon.waitForSelector('#notice:has-text("PERMISSION_DENIED"), #notice:has-text("no rule")', opts);
    await anon.waitForSelector(card('Anonymous card'), { ...opts, state: 'detached' });
    assert.equal(await alice.locator(card('Anonymous card')).count(), 0);
    await screenshot(anon, 'auth-anonymous-refused');
    await alice.close();
    await anon.close();
  });
});
