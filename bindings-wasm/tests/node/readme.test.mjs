// The README's "### Browser" snippet, run under Node.
//
// 1. The snippet's text, with its import turned into the Node build (`pkg`) and `init()` into a
//    no-op: the same calls against the nodejs target.
// 2. The snippet's text verbatim (but for the import's URL) against the web build (`pkg-web`),
//    with the module initialised from the .wasm bytes first (Node's fetch cannot read file:
//    URLs; the snippet's own `await init()` then finds the module ready).
// Both check the result against the comment under the call. tests/browser runs it in Chromium.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import {
  browserSnippet, checkPromisedFindings, promisedFinding, SNIPPET_IMPORT,
} from '../shared/readme.mjs';
import { PACKAGE_DIR, readRepoFile, sequenza } from './helpers.mjs';

const snippet = browserSnippet(await readRepoFile('README.md'));
const expected = promisedFinding(snippet);

describe('README "### Browser" snippet', () => {
  test('initialises the module before calling it', () => {
    assert.match(snippet, /^await init\(\);$/m);
  });

  test('runs against the nodejs build (pkg)', async () => {
    const body = snippet.replace(SNIPPET_IMPORT, (_, names) =>
      `const {${names}} = pkg;\nconst init = async () => {};`);
    const AsyncFunction = (async () => {}).constructor;
    const run = new AsyncFunction('pkg', `${body}\nreturn findings;`);
    checkPromisedFindings(await run(sequenza), expected);
  });

  test('runs verbatim against the web build (pkg-web)', async () => {
    // pkg-web has no package.json saying "type": "module", so Node would warn when importing
    // the file itself; its text as a data: URL is the same ES module without the warning.
    const glue = await readFile(join(PACKAGE_DIR, 'pkg-web/sequenza_wasm.js'), 'utf8');
    const webJs = `data:text/javascript,${encodeURIComponent(glue)}`;
    const web = await import(webJs);
    const bytes = await readFile(join(PACKAGE_DIR, 'pkg-web/sequenza_wasm_bg.wasm'));
    await web.default({ module_or_path: bytes });
    const source = `${snippet.replace("'./pkg-web/sequenza_wasm.js'", JSON.stringify(webJs))}\n` +
      'export { findings };\n';
    const module = await import(`data:text/javascript,${encodeURIComponent(source)}`);
    checkPromisedFindings(module.findings, expected);
  });
});
