// The ```js blocks under the "### Node" and "### Node: the flow engine" headings of the
// repository's README.md must run, with `require('sequenza')` resolving to this package and every
// console.assert holding.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import vm from 'node:vm';

import { ROOT, readRepoText, require } from './helpers.mjs';

/** The first ```js (or ```javascript) block after the `heading`, before the next heading. */
function nodeBlock(markdown, heading = /^###\s+Node\s*$/) {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => heading.test(l));
  assert.notEqual(start, -1, `README.md has a ${heading} heading`);
  let fence = -1;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^#{1,3}\s/.test(lines[i])) break;
    if (/^```(js|javascript)\s*$/.test(lines[i])) {
      fence = i;
      break;
    }
  }
  assert.notEqual(fence, -1, 'the "### Node" section has a ```js block');
  const end = lines.findIndex((l, i) => i > fence && /^```\s*$/.test(l));
  assert.notEqual(end, -1, 'the ```js block is closed');
  return { code: lines.slice(fence + 1, end).join('\n'), line: fence + 2 };
}

for (const [label, heading] of [
  ['Node', undefined],
  ['Node flow engine', /^###\s+Node: the flow engine\s*$/],
]) test(`the README ${label} snippet runs and its console.asserts hold`, () => {
  const readme = path.join(ROOT, 'README.md');
  const { code, line } = nodeBlock(readRepoText('README.md'), heading);
  const written = (code.match(/console\.assert\(/g) || []).length;
  assert.ok(written > 0, 'the snippet checks something with console.assert');

  let held = 0;
  const strictConsole = Object.create(console);
  strictConsole.assert = (condition, ...message) => {
    if (!condition) {
      throw new assert.AssertionError({
        message: `console.assert failed in README.md (Node snippet)${message.length ? `: ${message.join(' ')}` : ''}`,
      });
    }
    held += 1;
  };
  const run = vm.compileFunction(code, ['require', 'console', 'module', 'exports', '__filename', '__dirname'], {
    filename: readme,
    lineOffset: line - 1,
  });
  const module = { exports: {} };
  run(require, strictConsole, module, module.exports, readme, ROOT);
  // Every console.assert written in the snippet ran (an assert in a `catch` that never ran would
  // hide a call that should have thrown).
  assert.equal(held, written, 'every console.assert of the snippet ran');
});
