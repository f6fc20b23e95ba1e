import assert from 'node:assert/strict';
// Time (issue 4) against the Node build: every case of the shared time vectors and the API's
// shape. The browser page (tests/browser) runs the same cases from tests/shared/time.mjs.
import { describe, test } from 'node:test';

import { loadTimeGroups, timeApiCases } from '../shared/time.mjs';
import { VECTOR_DIR } from '../shared/vectors.mjs';
import { readVector, sequenza } from './helpers.mjs';

const { groups } = await loadTimeGroups(sequenza, { readVector });

for (const group of groups) {
  if (group.missing) {
    test(group.file, () => assert.fail(`${VECTOR_DIR}/${group.file} does not exist: a missing vector file fails`));
    continue;
  }
  describe(group.file, () => {
    for (const c of group.cases) test(c.name, c.run);
  });
}

describe('time API (shared with the browser page)', () => {
  for (const c of timeApiCases(sequenza)) test(c.name, c.run);
});

describe('time API TypeScript declarations', () => {
  test('type the options, instants, decisions and rules', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { PACKAGE_DIR } = await import('./helpers.mjs');
    const assert = (await import('node:assert/strict')).default;
    const dts = await readFile(join(PACKAGE_DIR, 'pkg/sequenza_wasm.d.ts'), 'utf8');
    for (const line of [
      'export type Instant = Date | string;',
      'export interface SendPolicyOptions {',
      'export class TimeError extends SequenzaError {}',
      'constructor(options?: SendPolicyOptions | null);',
      'static fromJson(data: string | object, time_zone?: string | null): SendPolicy;',
      'nextAllowed(at: Instant): string;',
      'isAllowed(at: Instant): boolean;',
      'decide(at: Instant): Decision;',
      'constructor(rule: RecurrenceRuleJson | string, options?: RecurrenceOptions | null);',
      'static fromRrule(text: string, options?: RecurrenceOptions | null): Recurrence;',
      'nextAfter(t: Instant): string;',
      'between(a: Instant, b: Instant): string[];',
      'export function waitEnd(wait: WaitNodeJson | string, at: Instant, options?: WaitEndOptions | null): string;',
      'export function planSend(at: Instant, channel: ChannelName, options?: PlanSendOptions | null): Decision;',
      'export function resolveTimeZone(contact: object | string | null, options?: ResolveTimeZoneOptions | null): ResolvedZone;',
      'export function localToUtc(local: string, time_zone: string): string;',
      'static combine(policies: Array<SendPolicy | SendPolicyJson | string>, time_zone?: string | null): SendPolicy;',
      'stricter(other: SendPolicy | SendPolicyJson | string): SendPolicy;',
      'constructor(options?: FrequencyCapsOptions | null);',
      'freesAt(history: SentMessage[] | null | undefined, channel: ChannelName, at: Instant): string;',
    ]) {
      assert.ok(dts.includes(line), `sequenza_wasm.d.ts lacks: ${line}`);
    }
  });
});
