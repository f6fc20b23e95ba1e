// The README's "### Browser" snippets and the results their comments promise. Shared by the
// Node test (tests/node/readme.test.mjs) and the browser runner (tests/browser/run.mjs).
//
// Every ```js block of the section runs. A block promises results in comments: the findings of
// a validation (`// [{code: '…', severity: '…', …}]` under `const findings = …`), and values of
// its constants as `// name === <JSON>` (e.g. `// n === 1`, `// ids === ["anna"]`).

/**
 * `import init, { … } from './pkg-web/sequenza_wasm.js';` — the snippet's import line (or
 * `./pkg-web-full/…`, the build with CSV import).
 */
export const SNIPPET_IMPORT =
  /^import\s+init\s*,\s*\{([^}]*)\}\s*from\s*'\.\/(pkg-web(?:-full)?)\/sequenza_wasm\.js';\s*$/m;

/** The web build a snippet imports: `pkg-web` or `pkg-web-full`. */
export function snippetPackage(snippet) {
  return snippet.match(SNIPPET_IMPORT)[2];
}

/**
 * Every ```js block under the "### Browser" headings of the README (the binding's own, and one
 * per capability section, e.g. the flow engine's), in order.
 */
export function browserSnippets(readme) {
  const sections = readme.split(/^### /m).filter((s) => s.startsWith('Browser'));
  if (sections.length === 0) throw new Error('README.md has no "### Browser" section');
  const blocks = sections.flatMap((section) => [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]));
  if (blocks.length === 0) throw new Error('the "### Browser" section of README.md has no ```js block');
  for (const [i, block] of blocks.entries()) {
    if (!SNIPPET_IMPORT.test(block)) {
      throw new Error(`the README's browser snippet #${i + 1} does not import init from ./pkg-web[-full]/sequenza_wasm.js`);
    }
  }
  return blocks;
}

/** The first ```js block under the "### Browser" heading of the README. */
export function browserSnippet(readme) {
  return browserSnippets(readme)[0];
}

/** `// name === <JSON>`: a value a snippet promises for one of its constants. */
const VALUE_PROMISE = /^\/\/\s*([A-Za-z_$][\w$]*)\s*===\s*(.+?)\s*$/gm;

function jsonEqual(a, b) {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => jsonEqual(a[k], b[k]));
}

/**
 * What a snippet promises: the findings comment (`// [{code: '…', …}]` under a call that sets
 * `findings`) and any `// name === <JSON>` lines. Returns `{ names, check(values) }`: `names` are
 * the constants to export from the snippet, `check` throws unless they hold what is promised.
 */
export function snippetPromises(snippet) {
  const checks = [];
  if (/^\/\/\s*\[\{.*\}\]\s*$/m.test(snippet)) {
    const expected = promisedFinding(snippet);
    checks.push({ name: 'findings', check: (v) => checkPromisedFindings(v, expected) });
  }
  for (const [, name, literal] of snippet.matchAll(VALUE_PROMISE)) {
    let expected;
    try {
      expected = JSON.parse(literal);
    } catch {
      throw new Error(`the README comment \`// ${name} === ${literal}\` is not JSON`);
    }
    checks.push({
      name,
      check(value) {
        if (!jsonEqual(value, expected)) {
          throw new Error(`${name} is ${JSON.stringify(value)}, README says ${literal}`);
        }
      },
    });
  }
  if (checks.length === 0) throw new Error('a README browser snippet promises no result');
  return {
    names: [...new Set(checks.map((c) => c.name))],
    check(values) {
      for (const c of checks) c.check(values[c.name]);
    },
  };
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
