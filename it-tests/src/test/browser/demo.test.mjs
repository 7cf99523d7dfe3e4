// The demo board at / in real Chromium: two windows, a dropped connection, a rejected edit.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE, newPage, screenshot, startProxy, unique, WAIT } from './lib.mjs';

const opts = { timeout: WAIT };

async function board(name, sync) {
  const page = await newPage();
  await page.goto(`${BASE}/?board=${name}${sync ? '&sync=' + encodeURIComponent(sync) : ''}`);
  await page.waitForSelector('#state.state-open', opts);
  return page;
}

async function addCard(page, text) {
  await page.fill('#new-text', text);
  await page.click('#add button');
}

const card = (text) => `.card:has(.text:text-is("${text}"))`;

describe('demo board', () => {
  test('two windows see each other\'s edits live', async () => {
    const name = unique('two');
    const a = await board(name);
    const b = await board(name);
    await addCard(a, 'Buy milk');
    await b.waitForSelector(card('Buy milk'), opts);
    await b.click(`${card('Buy milk')} .vote`);
    await b.click(`${card('Buy milk')} .vote`);
    await a.waitForSelector(`${card('Buy milk')} .votes:text-is("2")`, opts);
    await addCard(b, 'Walk the dog');
    await a.waitForSelector(card('Walk the dog'), opts);
    assert.deepEqual(await a.$$eval('.card .text', (els) => els.map((e) => e.textContent)), ['Buy milk', 'Walk the dog']);
    await screenshot(a, 'demo-two-windows');
    await a.click(`${card('Buy milk')} .delete`);
    await b.waitForSelector(card('Buy milk'), { ...opts, state: 'detached' });
    assert.equal(await b.locator('.card').count(), 1);
    await a.close();
    await b.close();
  });

  test('a window survives a dropped connection and catches up', async () => {
    const name = unique('drop');
    const proxy = await startProxy();
    const a = await board(name, proxy.url);
    const b = await board(name);
    await addCard(b, 'Before the outage');
    await a.waitForSelector(card('Before the outage'), opts);

    proxy.block();
    proxy.cut();
    await a.waitForSelector('#state.state-reconnecting', opts);
    // While a is cut off: b votes twice and adds a card; a votes once (kept pending locally).
    await b.click(`${card('Before the outage')} .vote`);
    await b.click(`${card('Before the outage')} .vote`);
    await b.waitForSelector(`${card('Before the outage')} .votes:text-is("2")`, opts);
    await addCard(b, 'During the outage');
    await b.waitForSelector(card('During the outage'), opts);
    await a.click(`${card('Before the outage')} .vote`);
    await a.waitForSelector(`${card('Before the outage')}.pending .votes:text-is("1")`, opts);
    assert.equal(await a.locator(card('During the outage')).count(), 0, 'a cannot see it yet');
    await screenshot(a, 'demo-reconnecting');

    proxy.unblock();
    await a.waitForSelector('#state.state-open', { timeout: 30000 });
    await a.waitForSelector(card('During the outage'), opts);
    // a's vote was committed after the reconnect on top of b's two: three in both windows.
    await a.waitForSelector(`${card('Before the outage')}:not(.pending) .votes:text-is("3")`, opts);
    await b.waitForSelector(`${card('Before the outage')} .votes:text-is("3")`, opts);
    await screenshot(a, 'demo-caught-up');
    await a.close();
    await b.close();
    await proxy.close();
  });

  test('an edit rejected by the node is rolled back on screen', async () => {
    const name = unique('reject');
    const a = await board(name);
    const b = await board(name);
    await addCard(a, 'Draft');
    await b.waitForSelector(card('Draft'), opts);

    // a starts editing (its transaction reads the text), then b saves another text first.
    await a.click(`${card('Draft')} .edit`);
    await a.fill('.card .edit-text', 'Text from a');
    await b.click(`${card('Draft')} .edit`);
    await b.fill('.card .edit-text', 'Text from b');
    await b.click('.card .save');
    await a.waitForFunction(() => document.querySelector('.card .text').textContent === 'Text from b', null, opts);

    // Record what a's card shows from now on, then save a's edit.
    await a.evaluate(() => {
      const li = document.querySelector('.card');
      window.shown = [];
      new MutationObserver(() => {
        window.shown.push(`${li.querySelector('.text').textContent}${li.classList.contains('pending') ? ' (pending)' : ''}`);
      }).observe(li, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
    });
    await a.click('.card .save');
    await a.waitForSelector('.card.rejected .note:not([hidden])', opts);
    await screenshot(a, 'demo-rejected-edit');
    assert.equal(await a.textContent('.card .text'), 'Text from b', 'rolled back to the saved text');
    assert.match(await a.textContent('.card .note'), /Not saved: someone changed this card/);
    assert.equal(await a.locator('.card.pending').count(), 0);
    const shown = await a.evaluate(() => window.shown);
    assert.ok(shown.includes('Text from a (pending)'), `the optimistic edit was shown first: ${JSON.stringify(shown)}`);
    assert.equal(shown.at(-1), 'Text from b');
    assert.equal(await b.textContent('.card .text'), 'Text from b', 'b never sees the rejected text');
    await a.close();
    await b.close();
  });
});
