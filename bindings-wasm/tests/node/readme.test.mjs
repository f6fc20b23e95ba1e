// The README's "### Browser" snippets (every ```js block of the section), run under Node.
//
// 1. Each snippet's text, with its import turned into the Node build (`pkg`) and `init()` into a
//    no-op: the same calls against the nodejs target.
// 2. The snippet's text verbatim (but for the import's URL) against the web build (`pkg-web`),
//    with the module initialised from the .wasm bytes first (Node's fetch cannot read file:
//    URLs; the snippet's own `await init()` then finds the module ready).
// Both check the results against the snippet's comments (tests/shared/readme.mjs). tests/browser runs it in Chromium.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { browserSnippets, SNIPPET_IMPORT, snippetPackage, snippetPromises } from '../shared/readme.mjs';
import { PACKAGE_DIR, readRepoFile, sequenza } from './helpers.mjs';

const snippets = browserSnippets(await readRepoFile('README.md'));

// pkg-web has no package.json saying "type": "module", so Node would warn when importing the
// file itself; its text as a data: URL is the same ES module without the warning.
async function webBuild(pkg) {
  let glue = await readFile(join(PACKAGE_DIR, `${pkg}/sequenza_wasm.js`), 'utf8');
  // A data: URL resolves no relative import: the JS snippets (the error classes) go inline too.
  for (const [, spec] of glue.matchAll(/from '(\.\/snippets\/[^']+)'/g)) {
    const code = await readFile(join(PACKAGE_DIR, pkg, spec), 'utf8');
    const url = `data:text/javascript,${encodeURIComponent(code).replaceAll("'", '%27')}`;
    glue = glue.replace(`'${spec}'`, `'${url}'`);
  }
  const webJs = `data:text/javascript,${encodeURIComponent(glue)}`;
  const web = await import(webJs);
  const bytes = await readFile(join(PACKAGE_DIR, `${pkg}/sequenza_wasm_bg.wasm`));
  await web.default({ module_or_path: bytes });
  return webJs;
}

for (const [i, snippet] of snippets.entries()) {
  const promises = snippetPromises(snippet);
  describe(`README "### Browser" snippet #${i + 1}`, () => {
    test('initialises the module before calling it', () => {
      assert.match(snippet, /^await init\(\);$/m);
    });

    test('runs against the nodejs build (pkg)', async () => {
      const body = snippet.replace(SNIPPET_IMPORT, (_, names, _pkg) =>
        `const {${names}} = pkg;\nconst init = async () => {};`);
      const AsyncFunction = (async () => {}).constructor;
      const run = new AsyncFunction('pkg', `${body}\nreturn { ${promises.names.join(', ')} };`);
      promises.check(await run(sequenza));
    });

    test('runs verbatim against the web build (pkg-web)', async () => {
      const pkg = snippetPackage(snippet);
      const webJs = await webBuild(pkg);
      const source = `${snippet.replace(`'./${pkg}/sequenza_wasm.js'`, JSON.stringify(webJs))}\n` +
        `export { ${promises.names.join(', ')} };\n`;
      const module = await import(`data:text/javascript,${encodeURIComponent(source)}`);
      promises.check(module);
    });
  });
}
