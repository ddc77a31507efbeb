// cdp-livereload.mjs URL CSS_FILE PROFILE TIMEOUT_MS - headless Chromium
// driven over the DevTools protocol (through --remote-debugging-pipe, as
// Puppeteer's pipe mode does: JSON messages ended by NUL on fds 3 and 4).
// It loads URL and waits for the page's `networkIdle` lifecycle event (what
// Puppeteer's networkidle0 waits for), checks that live reload is connected,
// then rewrites CSS_FILE and waits for the new colour to apply without the
// page reloading. Prints one JSON line per step:
//   {"networkIdle": 812, "transport": "websocket", "webSockets": ["wss://..."], "color": "rgb(0, 0, 0)"}
//   {"swapped": true, "color": "rgb(255, 0, 0)", "sameDocument": true}
// Exits 0 when both happened, 1 on an error, 2 on the timeout.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [url, cssFile, profile, timeoutArg] = process.argv.slice(2);
if (!url || !cssFile || !profile) {
  console.error('usage: node cdp-livereload.mjs URL CSS_FILE PROFILE TIMEOUT_MS');
  process.exit(64);
}
const chromium = spawn(process.env.CHROMIUM || 'chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', `--user-data-dir=${profile}`, '--ignore-certificate-errors',
  '--remote-debugging-pipe', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
chromium.stderr.on('data', (d) => { stderr += d; });
const finish = (code, text) => {
  if (text) console.error(`cdp: ${text}${code !== 0 ? `\nchromium said:\n${stderr.slice(-2000)}` : ''}`);
  chromium.kill('SIGKILL');
  process.exit(code);
};
const timer = setTimeout(() => finish(2, 'timed out'), Number(timeoutArg || 60000));
chromium.on('exit', (code, signal) => finish(1, `chromium exited (${code ?? signal})`));
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

// The protocol: requests by id, events to the listeners.
let nextId = 1;
const pending = new Map();
const listeners = new Set();
const toChromium = chromium.stdio[3];
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject, method });
  toChromium.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
});
let inbox = '';
chromium.stdio[4].setEncoding('utf8');
chromium.stdio[4].on('data', (chunk) => {
  inbox += chunk;
  let end;
  while ((end = inbox.indexOf('\0')) >= 0) {
    const message = JSON.parse(inbox.slice(0, end));
    inbox = inbox.slice(end + 1);
    if (message.id && pending.has(message.id)) {
      const { resolve, reject, method } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners) listener(message);
    }
  }
});
const waitFor = (predicate) => new Promise((resolve) => {
  const listener = (message) => {
    if (predicate(message)) {
      listeners.delete(listener);
      resolve(message);
    }
  };
  listeners.add(listener);
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = (method, params) => send(method, params, sessionId);
  const evaluate = async (expression) => (await page('Runtime.evaluate', { expression, returnByValue: true })).result.value;
  const webSockets = [];
  listeners.add((m) => { if (m.method === 'Network.webSocketCreated') webSockets.push(m.params.url); });
  await page('Page.enable');
  await page('Network.enable');
  await page('Runtime.enable');
  await page('Page.setLifecycleEventsEnabled', { enabled: true });

  const started = Date.now();
  let loaderId = null;
  const seen = []; // lifecycle events that arrive before navigate() answers
  listeners.add((m) => { if (m.method === 'Page.lifecycleEvent') seen.push(m.params); });
  const idle = waitFor((m) => m.method === 'Page.lifecycleEvent' && m.params.name === 'networkIdle'
    && loaderId !== null && m.params.loaderId === loaderId);
  ({ loaderId } = await page('Page.navigate', { url }));
  if (!seen.some((e) => e.name === 'networkIdle' && e.loaderId === loaderId)) await idle;
  const idleMs = Date.now() - started;

  let transport = await evaluate('window.__h2scopeLiveReload');
  for (let i = 0; i < 100 && transport !== 'websocket'; ++i) {
    await sleep(100);
    transport = await evaluate('window.__h2scopeLiveReload');
  }
  const before = await evaluate("window.__h2scopeMarker = 'before-edit'; getComputedStyle(document.querySelector('p')).color");
  print({ networkIdle: idleMs, transport, webSockets, color: before });

  writeFileSync(cssFile, 'p { color: rgb(255, 0, 0); }\n');
  for (let i = 0; i < 150; ++i) {
    const state = await evaluate("({ color: getComputedStyle(document.querySelector('p')).color, marker: window.__h2scopeMarker })");
    if (state.color === 'rgb(255, 0, 0)') {
      print({ swapped: true, color: state.color, sameDocument: state.marker === 'before-edit' });
      chromium.removeAllListeners('exit');
      await send('Browser.close').catch(() => {});
      clearTimeout(timer);
      process.exit(0);
    }
    await sleep(100);
  }
  finish(1, 'the stylesheet was not swapped within 15 s of the edit');
}
main().catch((err) => finish(1, err.message));
