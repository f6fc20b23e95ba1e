// Runs every case of the shared, language-neutral vectors in core/tests/vectors/.
//
// The format is described in core/tests/vectors/README.md; every path inside a vector file is
// relative to the repository root. A vector file that does not exist fails; a file that exists
// is always run in full, and one without cases fails.
//
// SEQUENZA_VECTORS_DIR points the runner at another folder (to try it on uncommitted vectors).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { findingsAt } from '../../bindings-wasm/tests/shared/vectors.mjs';
import { ROOT, readRepoText, sequenza } from './helpers.mjs';

const VECTORS = process.env.SEQUENZA_VECTORS_DIR
  ? path.resolve(process.env.SEQUENZA_VECTORS_DIR)
  : path.join(ROOT, 'core', 'tests', 'vectors');

const KNOWN_CODES = new Map(sequenza.findingCodes().map((c) => [c.code, c.severity]));
const FINDING_KEYS = ['code', 'severity', 'flow', 'node', 'path', 'message'];

/** Declares one test per case of `fileName`, or one failing test when the file is missing. */
function vectorCases(fileName, run) {
  const file = path.join(VECTORS, fileName);
  const relative = path.relative(ROOT, file);
  const shown = relative.startsWith('..') ? file : relative;
  if (!existsSync(file)) {
    test(`${fileName}: missing`, () => assert.fail(`${shown} does not exist: a missing vector file fails`));
    return;
  }
  const vector = JSON.parse(readFileSync(file, 'utf8'));
  const cases = vector && Array.isArray(vector.cases) ? vector.cases : [];
  if (cases.length === 0) {
    test(`${fileName}: has cases`, () => assert.fail(`${shown} has no "cases"`));
    return;
  }
  cases.forEach((c, i) => {
    test(`${fileName} #${i}: ${c.name ?? c.file ?? ''}`, () => run(vector, c));
  });
}

function fieldsOf(vector) {
  return vector.fields ? readRepoText(vector.fields) : undefined;
}

/** Sorted codes (duplicates kept), after checking every finding has the documented shape. */
function codesOf(findings) {
  assert.ok(Array.isArray(findings), 'findings are an array');
  for (const f of findings) {
    assert.deepEqual(Object.keys(f), FINDING_KEYS, 'a finding is a plain object with the documented keys');
    assert.equal(Object.getPrototypeOf(f), Object.prototype);
    assert.ok(KNOWN_CODES.has(f.code), `${f.code} is listed by findingCodes()`);
    assert.equal(f.severity, KNOWN_CODES.get(f.code), `severity of ${f.code}`);
    for (const key of ['flow', 'path', 'message']) assert.equal(typeof f[key], 'string', key);
    assert.ok(f.node === null || typeof f.node === 'string', 'node is a string or null');
    assert.ok(f.path === '' || f.path.startsWith('/'), `path ${f.path} is a JSON pointer`);
  }
  return findings.map((f) => f.code).sort();
}

const sorted = (codes) => [...codes].sort();

vectorCases('validate_flow.json', (vector, c) => {
  const text = readRepoText(c.file);
  const fields = fieldsOf(vector);
  const expected = sorted(c.expect);
  // The same flow as JSON text, as a plain object and as a Flow handle: one code path, one answer.
  const fromText = sequenza.validateFlow(text, fields);
  assert.deepEqual(codesOf(fromText), expected, `${c.file} (JSON text)`);
  const asObject = sequenza.validateFlow(JSON.parse(text), fields && JSON.parse(fields));
  assert.deepEqual(codesOf(asObject), expected, `${c.file} (object)`);
  const handle = sequenza.validateFlow(sequenza.Flow.fromJson(text), fields);
  assert.deepEqual(handle, fromText, `${c.file} (Flow handle)`);
  // Where each finding is: node and path as well as the code.
  if (c.findings) assert.deepEqual(findingsAt(fromText), c.findings, `${c.file} (node and path)`);
});

vectorCases('validate_flows.json', (vector, c) => {
  const texts = c.files.map(readRepoText);
  const fields = fieldsOf(vector);
  const expected = sorted(c.expect);
  assert.deepEqual(codesOf(sequenza.validateFlows(texts, fields)), expected, `${c.name} (JSON text)`);
  const mixed = texts.map((t, i) => (i % 2 === 0 ? sequenza.Flow.fromJson(t) : JSON.parse(t)));
  assert.deepEqual(codesOf(sequenza.validateFlows(mixed, fields)), expected, `${c.name} (Flow handles and objects)`);
});

vectorCases('format_errors.json', (vector, c) => {
  let thrown;
  try {
    sequenza.Flow.fromJson(c.json);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown, `${c.name}: Flow.fromJson must throw`);
  assert.ok(thrown instanceof Error, 'a real Error');
  assert.equal(thrown.name, 'FormatError');
  assert.equal(thrown.code, c.code, 'code');
  assert.equal(thrown.path, c.path, 'path');
  if (c.line !== undefined) assert.equal(thrown.line, c.line, 'line');
  if (c.column !== undefined) assert.equal(thrown.column, c.column, 'column');
  assert.equal(typeof thrown.message, 'string');
  assert.ok(thrown.message.length > 0, 'a readable message');
  // validateFlow reads the document through the same path and throws the same error.
  assert.throws(() => sequenza.validateFlow(c.json), { name: 'FormatError', code: c.code, path: c.path });
});
