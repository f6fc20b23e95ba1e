// Every case of the shared list vectors (core/tests/vectors/README.md, `lists.json`): `sources`
// (sourceCondition, its text, and the members of a static list made from it), `sequences`
// (the list changes of each step of an Audience) and `errors` (ListError code and path).
// SEQUENZA_VECTORS_DIR points the runner at another folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, sequenza } from './helpers.mjs';

const { Audience, Segment, sourceCondition } = sequenza;

const VECTORS = process.env.SEQUENZA_VECTORS_DIR
  ? path.resolve(process.env.SEQUENZA_VECTORS_DIR)
  : path.join(ROOT, 'core', 'tests', 'vectors');
const v = JSON.parse(readFileSync(path.join(VECTORS, 'lists.json'), 'utf8'));

/** Declares one test per entry of `list` (a failing test when the list is empty). */
function eachCase(label, list, run) {
  if (!Array.isArray(list) || list.length === 0) {
    test(`${label}: has cases`, () => assert.fail(`${label} has no cases`));
    return;
  }
  list.forEach((c, i) => test(`${label} #${i}: ${c.name ?? ''}`, () => run(c)));
}

/** The Audience of the `sources` cases: contacts, then activities, each at `now`. */
function loaded() {
  const a = new Audience({ defaultTimeZone: v.default_time_zone ?? null });
  for (const c of v.contacts) a.upsertContact(c, v.now);
  for (const r of v.activities) a.recordActivity(r, v.now);
  return a;
}

/** List changes without `at` (which must equal the step's instant). */
function rows(changes, now) {
  for (const c of changes) assert.equal(c.at, new Date(now).toISOString().replace('.000Z', 'Z'));
  return changes.map(({ at, ...rest }) => rest);
}

eachCase('lists.json sources', v.sources, (c) => {
  const condition = sourceCondition(c.source);
  // Compared in canonical form (the vector may leave defaults out, as the core compares values).
  assert.deepEqual(condition, Segment.fromJson(c.condition).toObject(), 'condition');
  assert.equal(Segment.fromJson(condition).toText(), c.text, 'text');
  // A JSON string reads the same.
  assert.deepEqual(sourceCondition(JSON.stringify(c.source)), condition);
  const a = loaded();
  const count = a.createList({ id: 'l', name: c.name, source: c.source }, new Date(v.now));
  assert.deepEqual(a.memberIds('l'), c.members, 'members');
  assert.equal(count, c.members.length, 'count');
  assert.equal(a.memberCount('l'), c.members.length);
});

eachCase('lists.json sequences', v.sequences, (seq) => {
  const a = new Audience();
  for (const c of seq.contacts) a.upsertContact(c, v.now);
  for (const l of seq.lists) a.createList(l, v.now);
  seq.steps.forEach((step, i) => {
    let changes;
    if (step.activity) changes = a.recordActivity(step.activity, step.now);
    else if (step.upsert) changes = a.upsertContact(step.upsert, step.now);
    else if (step.tick) changes = a.tick(step.now);
    else if (step.remove_contact) changes = a.removeContact(step.remove_contact, step.now);
    else assert.fail(`unknown step ${JSON.stringify(step)}`);
    assert.deepEqual(rows(changes, step.now), step.changes, `step ${i}`);
  });
  // Every member's contact names the list.
  for (const l of a.lists()) {
    for (const id of a.memberIds(l.id)) assert.ok(a.contact(id).lists.includes(l.id), `${id} in ${l.id}`);
  }
});

eachCase('lists.json errors', v.errors, (c) => {
  assert.throws(
    () => new Audience().createList(c.list, v.now),
    (e) => {
      assert.ok(e instanceof Error, 'a real Error');
      assert.equal(e.name, 'ListError');
      assert.equal(e.code, c.code);
      assert.equal(e.path, c.path);
      assert.ok(e.message.length > 0);
      return true;
    },
  );
});
