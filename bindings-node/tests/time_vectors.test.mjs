// Every case of the shared time vectors (core/tests/vectors/README.md): time_policy.json
// (`cases`, `combine`, `errors`, `zones`, `local_to_utc`), time_recurrence.json (`next`, `between`, `errors`, `rrule`,
// `rrule_errors`), time_wait.json (`cases`, `errors`) and time_cap.json (`cases`, `errors`). SEQUENZA_VECTORS_DIR points the runner at another folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, sequenza } from './helpers.mjs';

const { SendPolicy, Recurrence, resolveTimeZone, localToUtc, waitEnd, FrequencyCaps } = sequenza;

const VECTORS = process.env.SEQUENZA_VECTORS_DIR
  ? path.resolve(process.env.SEQUENZA_VECTORS_DIR)
  : path.join(ROOT, 'core', 'tests', 'vectors');

/** The parsed vector file, or a failing test when it is missing. */
function load(fileName) {
  const file = path.join(VECTORS, fileName);
  if (!existsSync(file)) {
    test(`${fileName}: exists`, () => assert.fail(`${file} does not exist`));
    return null;
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Declares one test per entry of `list` (a failing test when the list is empty). */
function eachCase(label, list, run) {
  if (!Array.isArray(list) || list.length === 0) {
    test(`${label}: has cases`, () => assert.fail(`${label} has no cases`));
    return;
  }
  list.forEach((c, i) => {
    test(`${label} #${i}: ${c.name ?? c.text ?? ''}`, () => run(c));
  });
}

/** Asserts that `fn` throws a core error with this code (and path when given). */
function assertCoreError(fn, code, pointer) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, 'a real Error');
    const expectedName = code.startsWith('format.') ? 'FormatError' : 'TimeError';
    assert.equal(e.name, expectedName);
    assert.equal(e.code, code);
    if (pointer !== undefined) assert.equal(e.path, pointer);
    assert.ok(e.message.length > 0);
    return true;
  });
}

const policyFile = load('time_policy.json');
if (policyFile) {
  eachCase('time_policy.json cases', policyFile.cases, (c) => {
    const policy = SendPolicy.fromJson(c.policy);
    assert.equal(policy.isAllowed(c.at, c.zone), c.allowed, 'isAllowed');
    assert.equal(policy.nextAllowed(c.at, c.zone), c.next_allowed, 'nextAllowed');
    // The same through a Date and a JSON string.
    assert.equal(SendPolicy.fromJson(JSON.stringify(c.policy)).nextAllowed(new Date(c.at), c.zone), c.next_allowed);
    if (c.decision !== undefined) assert.deepEqual(policy.decide(c.at, c.zone), c.decision, 'decide');
  });
  eachCase('time_policy.json combine', policyFile.combine, (c) => {
    if (c.code !== undefined) {
      assertCoreError(() => SendPolicy.combine(c.policies, c.zone), c.code, c.path);
      return;
    }
    assert.equal(SendPolicy.combine(c.policies, c.zone).nextAllowed(c.at), c.next_allowed);
    // SendPolicy instances and JSON text as elements give the same answer.
    const mixed = c.policies.map((p, i) => (i % 2 ? JSON.stringify(p) : SendPolicy.fromJson(p)));
    assert.equal(SendPolicy.combine(mixed).nextAllowed(c.at, c.zone), c.next_allowed);
  });
  eachCase('time_policy.json zones', policyFile.zones, (c) => {
    if (c.code !== undefined) {
      assertCoreError(() => resolveTimeZone(c.chain), c.code, c.path);
      return;
    }
    assert.deepEqual(resolveTimeZone(c.chain), { zone: c.zone, source: c.source, skipped: c.skipped });
  });
  eachCase('time_policy.json local_to_utc', policyFile.local_to_utc, (c) => {
    assert.equal(localToUtc(c.local, c.zone), c.utc);
  });
  eachCase('time_policy.json errors', policyFile.errors, (c) => {
    assertCoreError(() => SendPolicy.fromJson(c.policy), c.code, c.path);
  });
}

const recurrenceFile = load('time_recurrence.json');
if (recurrenceFile) {
  const options = (c) => ({ timeZone: c.zone ?? 'UTC', policy: c.policy ?? null });
  eachCase('time_recurrence.json next', recurrenceFile.next, (c) => {
    const r = new Recurrence(c.rule, options(c));
    let t = c.after;
    for (const expected of c.next) {
      t = r.nextAfter(t);
      assert.equal(t, expected);
    }
  });
  eachCase('time_recurrence.json between', recurrenceFile.between, (c) => {
    const r = new Recurrence(c.rule, options(c));
    assert.deepEqual(r.between(c.from, c.to), c.occurrences);
  });
  eachCase('time_recurrence.json errors', recurrenceFile.errors, (c) => {
    assertCoreError(() => new Recurrence(c.rule, options(c)), c.code, c.path);
  });
  eachCase('time_recurrence.json rrule', recurrenceFile.rrule, (c) => {
    assert.equal(new Recurrence(c.rule).toRrule(), c.text);
    assert.deepEqual(Recurrence.fromRrule(c.text).toObject(), c.rule);
  });
  eachCase('time_recurrence.json rrule_errors', recurrenceFile.rrule_errors, (c) => {
    assertCoreError(() => Recurrence.fromRrule(c.text), c.code);
  });
}

const waitFile = load('time_wait.json');
if (waitFile) {
  const options = (c) => ({ timeZone: c.zone ?? 'UTC', date: c.date ?? null, policy: c.policy ?? null });
  eachCase('time_wait.json cases', waitFile.cases, (c) => {
    assert.equal(waitEnd(c.wait, c.at, options(c)), c.end);
    // A Date and JSON text give the same.
    assert.equal(waitEnd(JSON.stringify(c.wait), new Date(c.at), options(c)), c.end);
  });
  eachCase('time_wait.json errors', waitFile.errors, (c) => {
    assertCoreError(() => waitEnd(c.wait, c.at ?? '2025-01-01T00:00:00Z', options(c)), c.code, c.path);
  });
}

const capFile = load('time_cap.json');
if (capFile) {
  eachCase('time_cap.json cases', capFile.cases, (c) => {
    const caps = FrequencyCaps.fromJson(c.caps);
    assert.deepEqual(caps.decide(c.history, c.channel, c.at, c.transactional), c.decision);
    // The options form, and history entries as objects with Dates, give the same.
    const again = new FrequencyCaps({ caps: c.caps.caps, whenCapped: c.caps.when_capped });
    const objects = c.history.map(([at, channel, transactional]) => ({ at: new Date(at), channel, transactional }));
    assert.deepEqual(again.decide(objects, c.channel, new Date(c.at), c.transactional), c.decision);
  });
  eachCase('time_cap.json errors', capFile.errors, (c) => {
    assertCoreError(() => FrequencyCaps.fromJson(c.caps), c.code, c.path);
    assertCoreError(() => new FrequencyCaps({ caps: c.caps.caps }), c.code, c.path);
  });
}
