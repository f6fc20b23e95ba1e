// The README's "### Browser" snippet and the result its comment promises. Shared by the Node
// test (tests/node/readme.test.mjs) and the browser runner (tests/browser/run.mjs).

/** `import init, { … } from './pkg-web/sequenza_wasm.js';` — the snippet's import line. */
export const SNIPPET_IMPORT =
  /^import\s+init\s*,\s*\{([^}]*)\}\s*from\s*'\.\/pkg-web\/sequenza_wasm\.js';\s*$/m;

/** The first ```js block under the "### Browser" heading of the README. */
export function browserSnippet(readme) {
  const section = readme.split(/^### /m).find((s) => s.startsWith('Browser'));
  if (!section) throw new Error('README.md has no "### Browser" section');
  const block = section.match(/```js\n([\s\S]*?)```/);
  if (!block) throw new Error('the "### Browser" section of README.md has no ```js block');
  if (!SNIPPET_IMPORT.test(block[1])) {
    throw new Error("the README's browser snippet does not import init from ./pkg-web/sequenza_wasm.js");
  }
  return block[1];
}

/** What the comment under the call promises: `// [{code: '…', severity: '…', …}]`. */
export function promisedFinding(snippet) {
  const comment = snippet.match(/^\/\/\s*(\[\{.*\}\])\s*$/m);
  if (!comment) throw new Error('the README snippet has no `// [{…}]` result comment');
  const pairs = [...comment[1].matchAll(/(\w+):\s*'([^']*)'/g)].map((m) => [m[1], m[2]]);
  if (pairs.length === 0) throw new Error('the README result comment names no values');
  return Object.fromEntries(pairs);
}

/** Throws unless `findings` is the one finding the comment promises. */
export function checkPromisedFindings(findings, expected) {
  if (!Array.isArray(findings)) throw new Error('the snippet did not produce a findings array');
  if (findings.length !== 1) {
    throw new Error(`expected one finding, got ${JSON.stringify(findings)}`);
  }
  for (const [key, value] of Object.entries(expected)) {
    if (findings[0][key] !== value) {
      throw new Error(`finding.${key} is ${JSON.stringify(findings[0][key])}, README says '${value}'`);
    }
  }
}
