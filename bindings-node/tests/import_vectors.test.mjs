// Every case of the shared CSV import vectors (core/tests/vectors/README.md, `import_csv.json`):
// a file case runs twice, from its path (read in chunks on a worker thread: a Promise) and from a Buffer; `existing` contacts
// go into an Audience the import merges into. Also: every fixture of examples/data/import/ is
// named by a vector, and previews without error. SEQUENZA_VECTORS_DIR points at another folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, sequenza } from './helpers.mjs';

const { Audience, importCsv, previewCsv } = sequenza;

const VECTORS = process.env.SEQUENZA_VECTORS_DIR
  ? path.resolve(process.env.SEQUENZA_VECTORS_DIR)
  : path.join(ROOT, 'core', 'tests', 'vectors');
const v = JSON.parse(readFileSync(path.join(VECTORS, 'import_csv.json'), 'utf8'));
const fields = JSON.parse(readFileSync(path.join(ROOT, v.fields), 'utf8'));

/** `date_order` → `dateOrder`. */
const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** The core's ImportOptions JSON as the camelCase options of the binding (mapping kept as is). */
function jsOptions(options) {
  return Object.fromEntries(Object.entries(options ?? {}).map(([k, val]) => [camel(k), val]));
}

/** The inputs of a case: [label, path or Buffer]. */
function inputs(c) {
  if (c.file) {
    const file = path.join(ROOT, c.file);
    return [['path', file], ['Buffer', readFileSync(file)]];
  }
  if (c.text !== undefined) return [['Buffer', Buffer.from(c.text, 'utf8')]];
  return [['Uint8Array', new Uint8Array(Buffer.from(c.base64, 'base64'))]];
}

function run(c, input) {
  const options = { ...jsOptions(c.options), fields, now: v.now };
  if (c.existing) {
    const audience = new Audience();
    for (const e of c.existing) audience.upsertContact(e, v.now);
    options.audience = audience;
  }
  return importCsv(input, options);
}

if (!Array.isArray(v.cases) || v.cases.length === 0) test('import_csv.json has cases', () => assert.fail('no cases'));
v.cases.forEach((c, i) => {
  for (const [label, input] of inputs(c)) {
    test(`import_csv.json #${i} (${label}): ${c.name}`, async () => {
      if (c.error) {
        await assert.rejects(
          async () => run(c, input),
          (e) => {
            assert.ok(e instanceof Error, 'a real Error');
            assert.equal(e.name, 'CsvImportError');
            assert.equal(e.code, c.error.code);
            if ('row' in c.error) assert.equal(e.row, c.error.row);
            // The core's location field names: a CSV column is `csvColumn` (absent fields are undefined).
            if ('column' in c.error) assert.equal(e.csvColumn, c.error.column);
            assert.equal(e.line, undefined);
            return true;
          },
        );
        return;
      }
      const r = await run(c, input);
      assert.equal(r.imported + r.updated + r.duplicates + r.rejected, r.rows, 'every row accounted for');
      for (const [k, want] of Object.entries(c.detected ?? {})) assert.deepEqual(r.detected[camel(k)], want, `detected.${k}`);
      for (const [k, want] of Object.entries(c.counts ?? {})) {
        assert.equal(r[camel(k)], want, `counts.${k}`);
      }
      const want = c.rejections ?? [];
      assert.equal(r.rejections.length, want.length, JSON.stringify(r.rejections));
      want.forEach((w, j) => {
        for (const [k, val] of Object.entries(w)) assert.deepEqual(r.rejections[j][camel(k)], val, `rejection ${j} ${k}`);
        for (const k of ['row', 'column', 'columnName', 'code', 'value']) assert.ok(k in r.rejections[j], `rejection has ${k}`);
      });
      if (c.existing) {
        assert.equal(typeof r.listId, 'string');
      } else {
        assert.equal(r.listId, null);
        assert.deepEqual(r.changes, []);
      }
    });
  }
});

test('every fixture of examples/data/import/ is named by a vector, and previews as the vector says', () => {
  const dir = path.join(ROOT, 'examples', 'data', 'import');
  const named = new Set(v.cases.filter((c) => c.file).map((c) => path.basename(c.file)));
  for (const name of readdirSync(dir)) {
    if (name === 'fields.json') continue;
    assert.ok(named.has(name), `${name} is checked by import_csv.json`);
    const c = v.cases.find((k) => k.file && path.basename(k.file) === name);
    const file = path.join(dir, name);
    if (c.error) {
      assert.throws(() => previewCsv(file, { ...jsOptions(c.options), fields }), { name: 'CsvImportError', code: c.error.code });
      continue;
    }
    const p = previewCsv(file, { ...jsOptions(c.options), fields });
    for (const [k, want] of Object.entries(c.detected ?? {})) assert.deepEqual(p.detected[camel(k)], want, `${name}: detected.${k}`);
    assert.deepEqual(previewCsv(readFileSync(file), { ...jsOptions(c.options), fields }), p, `${name}: path and Buffer agree`);
    // The preview's rows with problems are the import's rejected rows (for the first rows).
    const shown = new Set(p.rows.map((r) => r.row));
    const rejectedRows = new Set(c.rejections.map((r) => r.row).filter((row) => shown.has(row)));
    assert.deepEqual(new Set(p.rows.filter((r) => r.rejections.length > 0).map((r) => r.row)), rejectedRows, name);
  }
});
