// Lists and CSV import (issue 5) against the Node build: every case of the shared vectors
// lists.json and import_csv.json, two fixtures of examples/data/import and the API's shape. The
// browser page (tests/browser) runs the same cases from tests/shared/lists.mjs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { fixtureCases, listApiCases, loadListGroups } from '../shared/lists.mjs';
import { VECTOR_DIR } from '../shared/vectors.mjs';
import { PACKAGE_DIR, REPO_ROOT, readVector, sequenza } from './helpers.mjs';

const readBytes = async (path) => new Uint8Array(await readFile(join(REPO_ROOT, path)));
const { groups } = await loadListGroups(sequenza, { readVector, readBytes });

for (const group of groups) {
  if (group.missing) {
    test(group.file, () => assert.fail(`${VECTOR_DIR}/${group.file} does not exist: a missing vector file fails`));
    continue;
  }
  describe(group.file, () => {
    for (const c of group.cases) test(c.name, c.run);
  });
}

describe('fixtures of examples/data/import (shared with the browser page)', async () => {
  for (const c of await fixtureCases(sequenza, { readBytes })) test(c.name, c.run);
});

describe('lists and import API (shared with the browser page)', () => {
  for (const c of listApiCases(sequenza)) test(c.name, c.run);
});

describe('lists and import TypeScript declarations', () => {
  test('type the audience, the import options, the report and the errors', async () => {
    // The model types (Finding, Condition, Contact, ListChange …) come from model.d.ts, generated
    // from the core; `make test-types` type-checks them (tests/types/usage.ts).
    const dts = await readFile(join(PACKAGE_DIR, 'pkg-full/sequenza_wasm.d.ts'), 'utf8');
    for (const line of [
      "export * from './model';",
      'export class CsvImportError extends SequenzaError {',
      'export class ListError extends SequenzaError {}',
      'constructor(options?: AudienceOptions | null);',
      'createList(list: List | string, now: Instant): number;',
      'tick(now: Instant): ListChange[];',
      'members(list: string, options?: MembersOptions | null): MemberPage;',
      'export function importCsv(data: Uint8Array, options: ImportCsvOptions): ImportReport;',
      'export function previewCsv(data: Uint8Array, options?: CsvOptions | null): CsvPreview;',
      'export function sourceCondition(source: object | string): object;',
      'export function listTriggerHits(changes: ListChange[], flows: Array<Flow | string | object>): TriggerHit[];',
    ]) {
      assert.ok(dts.includes(line), `sequenza_wasm.d.ts lacks: ${line}`);
    }
    assert.ok(!dts.includes('__audienceHandle'), 'the internal handle is not typed');
  });
});
