#!/usr/bin/env node
// Browser tests of sequenza-wasm: every shared vector (flows, conditions, time, lists, CSV
// import), two import fixtures (fetched from examples/data/import), the error shapes,
// filter / count against matches, the SegmentIndex, the live preview (count over 10,000
// contacts), the flow engine (its scenario vectors, API and CSV import) and the README's
// "### Browser" snippets, run in Debian's Chromium against the
// --target web build (pkg-web).
//
//   make build-wasm && cd bindings-wasm && node tests/browser/run.mjs
//
// Serves the repository root on 127.0.0.1 (a free port; .wasm as application/wasm), drives
// /usr/bin/chromium headless through playwright-core with a fresh user-data dir, loads
// tests/browser/index.html, collects its results and prints a last line `N passed, M failed`.
// Exits 0 only when nothing failed. Every step has a timeout; the server, the browser and the
// temporary directory are always cleaned up.
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { browserSnippets, snippetPackage, snippetPromises } from '../shared/readme.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = resolve(HERE, '../..');
const REPO_ROOT = resolve(PACKAGE_DIR, '..');
const PAGE = 'bindings-wasm/tests/browser/index.html';
const WEB_PKG = 'bindings-wasm/pkg-web/sequenza_wasm.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LAUNCH_TIMEOUT_MS = 30_000;
const PAGE_TIMEOUT_MS = 30_000;
const RESULTS_TIMEOUT_MS = 90_000;
const CLOSE_TIMEOUT_MS = 10_000;
const OVERALL_TIMEOUT_MS = 180_000;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** A static file server for the repository root, on 127.0.0.1 and a free port. */
async function startServer() {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const file = resolve(REPO_ROOT, `.${decodeURIComponent(url.pathname)}`);
      const inside = file === REPO_ROOT || file.startsWith(REPO_ROOT + sep);
      const info = inside && req.method === 'GET' ? await stat(file).catch(() => null) : null;
      if (!info || !info.isFile()) {
        res.writeHead(inside ? 404 : 403, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] || 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  return server;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(cleanup) {
  for (const [path, hint] of [[WEB_PKG, 'run `make build-wasm` first'], [PAGE, '']]) {
    if (!(await stat(join(REPO_ROOT, path)).catch(() => null))) {
      throw new Error(`${path} does not exist${hint ? `: ${hint}` : ''}`);
    }
  }
  const snippets = browserSnippets(await readFile(join(REPO_ROOT, 'README.md'), 'utf8'));

  const server = await startServer();
  cleanup.push(() => new Promise((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  }));
  const origin = `http://127.0.0.1:${server.address().port}`;

  const userDataDir = await mkdtemp(join(tmpdir(), 'sequenza-chromium-'));
  cleanup.push(() => rm(userDataDir, { recursive: true, force: true }));

  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
  // Registered after the directory's removal, so it runs before it (cleanup runs in reverse).
  cleanup.push(() => withTimeout(context.close(), CLOSE_TIMEOUT_MS, 'closing Chromium'));

  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      console.error(`[page ${msg.type()}] ${msg.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) console.error(`[http ${response.status()}] ${response.url()}`);
  });

  await page.goto(`${origin}/${PAGE}`, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
  await page.waitForFunction(() => window.__sequenzaResults !== undefined, null, {
    timeout: RESULTS_TIMEOUT_MS,
  });
  const results = await page.evaluate(() => window.__sequenzaResults);
  if (results.fatal) throw new Error(`the test page failed: ${results.fatal}`);

  // The README snippets, verbatim but for their import path, as modules of the page.
  for (const [i, snippet] of snippets.entries()) {
    const name = `README "### Browser" snippet #${i + 1} runs in the page`;
    try {
      const promises = snippetPromises(snippet);
      const pkg = snippetPackage(snippet);
      const url = JSON.stringify(`${origin}/bindings-wasm/${pkg}/sequenza_wasm.js`);
      const source = `${snippet.replace(`'./${pkg}/sequenza_wasm.js'`, url)}\n` +
        `export { ${promises.names.join(', ')} };\n`;
      const values = await page.evaluate(async ([code, names]) => {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        try {
          const module = await import(url);
          return Object.fromEntries(names.map((n) => [n, module[n]]));
        } finally {
          URL.revokeObjectURL(url);
        }
      }, [source, promises.names]);
      promises.check(values);
      results.passed.push(name);
    } catch (e) {
      results.failed.push({ name, error: `${e.name}: ${e.message}` });
    }
  }
  return results;
}

async function runCleanup(cleanup) {
  while (cleanup.length > 0) {
    const step = cleanup.pop();
    try {
      await step();
    } catch (e) {
      console.error(`cleanup: ${e.message}`);
    }
  }
}

const cleanup = [];
let finished = false;
async function finish(results) {
  if (finished) return;
  finished = true;
  await runCleanup(cleanup);
  for (const line of results.timings ?? []) console.log(line);
  for (const s of results.skipped ?? []) console.log(`SKIPPED ${s.name}: ${s.reason}`);
  for (const f of results.failed) console.log(`FAILED  ${f.name}\n        ${f.error}`);
  console.log(`${results.passed.length} passed, ${results.failed.length} failed`);
  process.exit(results.failed.length === 0 ? 0 : 1);
}

const watchdog = setTimeout(() => {
  console.error(`browser tests took longer than ${OVERALL_TIMEOUT_MS / 1000} s: giving up`);
  finish({ passed: [], failed: [{ name: 'browser tests', error: 'overall timeout' }] });
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    finish({ passed: [], failed: [{ name: 'browser tests', error: `interrupted (${signal})` }] });
  });
}

main(cleanup).then(
  (results) => {
    console.log(`Chromium ran ${results.passed.length + results.failed.length} checks`);
    return finish(results);
  },
  (e) => finish({
    passed: [],
    failed: [{ name: 'browser tests', error: e && e.stack ? e.stack : String(e) }],
  }),
);
