// Shared by the browser tests: the node's address, one Chromium, and a TCP proxy that can cut,
// block and half-silence WebSocket connections between a page and the node.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = (process.env.QUERYSUB_BASE_URL || process.argv[2] || '').replace(/\/$/, '');
if (!BASE) throw new Error('set QUERYSUB_BASE_URL (or pass it as the first argument): the node, e.g. http://127.0.0.1:8080');
export const SYNC = BASE.replace(/^http/, 'ws') + '/sync';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.SCREENSHOT_DIR || path.resolve('target/browser-screenshots');
export const WAIT = 15000;

let browser;

/** A fresh page in the shared browser (a persistent context on a fresh profile directory). */
export async function newPage() {
  if (!browser) {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'querysub-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 800, height: 600 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    browser.profile = profile;
  }
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  // Failed WebSocket connections are expected while a test holds the proxy closed.
  page.on('console', (m) => m.type() === 'error' && !/^WebSocket connection to .* failed/.test(m.text()) && console.log(`# console: ${m.text()}`));
  page.on('dialog', (d) => {
    console.log(`# dialog: ${d.message()}`);
    d.dismiss();
  });
  return page;
}

export async function closeBrowser() {
  if (browser) {
    await browser.close();
    fs.rmSync(browser.profile, { recursive: true, force: true });
    browser = undefined;
  }
}

export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true });
}

/** A unique name per run, so tests never see each other's data on a shared node. */
export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Records every frame each WebSocket of a page sends and receives, parsed. */
export function recordFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => {
    const url = ws.url();
    ws.on('framesent', (f) => frames.push({ url, dir: 'sent', ...JSON.parse(f.payload) }));
    ws.on('framereceived', (f) => frames.push({ url, dir: 'received', ...JSON.parse(f.payload) }));
  });
  return frames;
}

/** Polls `cond` until it is true (or fails after `ms` with `what`). */
export async function until(cond, what, ms = WAIT) {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A TCP proxy in front of the node. cut() drops every open connection at once (the page sees
 * its WebSocket die as on a network failure), block() refuses new ones until unblock(), and
 * hold('down'|'up') silently discards what one direction carries until cut.
 */
export async function startProxy(target = new URL(BASE)) {
  const pairs = new Set();
  let blocked = false;
  const server = net.createServer((client) => {
    if (blocked) return client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    const pair = { client, upstream, hold: null };
    pairs.add(pair);
    client.on('data', (d) => pair.hold !== 'up' && upstream.write(d));
    upstream.on('data', (d) => pair.hold !== 'down' && client.write(d));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    get open() {
      return pairs.size;
    },
    cut() {
      for (const p of [...pairs]) {
        p.client.resetAndDestroy();
        p.upstream.destroy();
      }
    },
    block() {
      blocked = true;
    },
    unblock() {
      blocked = false;
    },
    hold(direction) {
      for (const p of pairs) p.hold = direction;
    },
    close() {
      this.cut();
      return new Promise((r) => server.close(r));
    },
  };
}
