// The flow engine (issue 11) against the Node builds: every scenario of
// core/tests/vectors/engine_scenarios.json (a missing file fails), the API cases, CSV import into
// the engine (pkg-full only) and the TypeScript declarations. The browser page (tests/browser)
// runs the same cases from tests/shared/engine.mjs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { engineApiCases, engineImportCases, loadEngineGroups } from '../shared/engine.mjs';
import { enginePreviewCases, loadEnginePreviewGroups } from '../shared/engine.mjs';
import { lean, PACKAGE_DIR, readRepoFile, readVector, sequenza } from './helpers.mjs';

const { groups } = await loadEngineGroups(sequenza, { readVector, readFile: readRepoFile });

for (const group of groups) {
  describe(group.file, () => {
    for (const c of group.cases) test(c.name, c.run);
  });
}

describe('engine API (shared with the browser page)', () => {
  for (const c of engineApiCases(sequenza)) test(c.name, c.run);
});

describe('the engine is in the full build only (the default bundle keeps its size budget)', () => {
  test('no Engine in the default build', () => {
    assert.equal(lean.Engine, undefined);
    assert.equal(lean.newFeedItems, undefined);
    assert.equal(typeof sequenza.Engine.prototype.importCsv, 'function');
  });
});

describe('engine CSV import (shared with the browser page)', () => {
  for (const c of engineImportCases(sequenza)) test(c.name, c.run);
});

describe('a missing engine vector file fails', () => {
  test('loadEngineGroups turns a missing file into a failing case', async () => {
    const { groups: missing } = await loadEngineGroups(sequenza, {
      readVector: async () => null,
      readFile: readRepoFile,
    });
    const cases = missing.flatMap((g) => g.cases);
    assert.equal(cases.length, 3);
    await assert.rejects(async () => cases[2].run(), /engine_batch\.json does not exist/);
    await assert.rejects(async () => cases[1].run(), /engine_versions\.json does not exist/);
    await assert.rejects(async () => cases[0].run(), /engine_scenarios\.json does not exist/);
  });
});

describe('engine TypeScript declarations', () => {
  test('type the class, its arguments and its results', async () => {
    const dts = await readFile(join(PACKAGE_DIR, 'pkg-full/sequenza_wasm.d.ts'), 'utf8');
    for (const line of [
      'export class Engine {',
      'constructor(options?: EngineOptions | null);',
      'publish(flow: Flow | string | object, now: Instant, options?: PublishOptions | null): Published;',
      'duplicate(flow_id: string, new_id: string, now: Instant): model.Flow;',
      'skipWait(flow_id: string, contact_id: string, now: Instant, options?: ActorOptions | null): void;',
      'moveTo(flow_id: string, contact_id: string, node_id: string, now: Instant, options?: ActorOptions | null): void;',
      'cancel(flow_id: string, contact_id: string, now: Instant, options?: ActorOptions | null): void;',
      'export interface PublishOptions {',
      "setStatus(flow_id: string, status: 'active' | 'paused' | 'archived', now: Instant): void;",
      'upsertContact(contact: Contact | string, now: Instant): void;',
      'removeContact(contact_id: string, now: Instant): void;',
      'recordEvent(event: ContactEvent | string, now: Instant): void;',
      'receiveMessage(message: InboundMessage | string, now: Instant): void;',
      'enroll(flow_id: string, contact_ids: string[], now: Instant): EnrollOutcome;',
      'enrollMatching(flow_id: string, now: Instant): EnrollOutcome;',
      'tick(now: Instant): number;',
      'nextWakeup(): string | null;',
      'effects(): Effect[];',
      'ack(key: string, outcome: EffectOutcome, now: Instant, response?: ApiResponse | string | null): void;',
      'deliver(handlers: DeliveryHandlers, now: Instant): number;',
      'enrollments(filter?: EnrollmentsFilter | null): EnrollmentView[];',
      'stats(flow_id: string): FlowStats;',
      'history(contact_id: string, flow?: string | null): HistoryEntry[];',
      'registerSegment(segment: Segment | SegmentObject | string, now: Instant): number;',
      'export function newFeedItems(document: string, seen?: string[] | null): FeedItem[];',
      'export interface EngineOptions {',
      'export interface Effect {',
      'export type DeliveryHandlers =',
      'export interface FlowStats extends EngineCounts {',
      'export class EngineError extends SequenzaError {}',
    ]) {
      assert.ok(dts.includes(line), `sequenza_wasm.d.ts lacks: ${line}`);
    }
    const full = await readFile(join(PACKAGE_DIR, 'pkg-full/sequenza_wasm.d.ts'), 'utf8');
    assert.ok(
      full.includes('importCsv(data: Uint8Array, options: EngineImportCsvOptions): EngineImport;'),
      'pkg-full types Engine.importCsv',
    );
  });
});

// ---- preview_schedule (issue 12 §2) ----
const previewGroups = await loadEnginePreviewGroups(sequenza, { readVector, readFile: readRepoFile });
for (const group of previewGroups.groups) {
  describe(group.file, () => {
    for (const c of group.cases) test(c.name, c.run);
  });
}
describe('engine previewSchedule (shared with the browser page)', () => {
  for (const c of enginePreviewCases(sequenza)) test(c.name, c.run);
});
