// Every case of the shared condition vectors (core/tests/vectors/README.md):
// condition_text.json, condition_eval.json and jsonlogic_public.json.
// SEQUENZA_VECTORS_DIR points the runner at another folder (to try it on uncommitted vectors).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, sequenza } from './helpers.mjs';

const { Segment, jsonlogicApply } = sequenza;

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
  list.forEach((c, i) => test(`${label} #${i}: ${c.name ?? c.text ?? c.description ?? ''}`, () => run(c)));
}

/** Calls `fn`, which must throw; returns what it threw. */
function thrownBy(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

/** Every `in_segment` segment id named in a condition (JSON form). */
function segmentsNamed(condition, out = new Set()) {
  if (Array.isArray(condition)) condition.forEach((c) => segmentsNamed(c, out));
  else if (condition && typeof condition === 'object') {
    if (condition.type === 'in_segment') out.add(condition.segment);
    Object.values(condition).forEach((v) => segmentsNamed(v, out));
  }
  return out;
}

// ---- condition_text.json ----------------------------------------------------------------------

const text = load('condition_text.json');
if (text) {
  eachCase('condition_text.json cases', text.cases, (c) => {
    const parsed = Segment.parse(c.text);
    // Compared as conditions: the canonical JSON form fills in defaults the vector may omit
    // (`age` without `field` is `"field": "birth_date"`).
    const fromJson = Segment.fromJson(c.json);
    assert.deepEqual(parsed.toObject(), fromJson.toObject(), 'parse(text) gives json');
    const display = c.display ?? c.text;
    assert.equal(parsed.toText(), display, 'printed form of the parsed condition');
    assert.equal(String(parsed), display, 'toString() is the text form');
    assert.equal(fromJson.toText(), display, 'printing json gives display');
    assert.equal(Segment.fromJson(JSON.stringify(c.json)).toJson(), fromJson.toJson(), 'object and text read alike');
    assert.deepEqual(Segment.parse(display).toObject(), fromJson.toObject(), 'the printed form reads back');
  });

  eachCase('condition_text.json errors', text.errors, (c) => {
    const e = thrownBy(() => Segment.parse(c.text));
    assert.ok(e instanceof Error, 'a real Error');
    assert.equal(e.name, 'ConditionSyntaxError');
    assert.equal(e.code, c.code);
    assert.equal(e.line, c.line, 'line');
    assert.equal(e.column, c.column, 'column');
    assert.equal(e.path, undefined, 'a syntax error has a line and column, no JSON pointer');
    assert.ok(Array.isArray(e.expected), 'expected is an array');
    assert.ok(e.expected.every((x) => typeof x === 'string'));
    assert.equal(typeof e.found, 'string');
    assert.ok(e.message.length > 0);
  });
}

// ---- condition_eval.json ----------------------------------------------------------------------

const evalVectors = load('condition_eval.json');
if (evalVectors) {
  eachCase('condition_eval.json cases', evalVectors.cases, (c) => {
    const seg = Segment.fromJson(c.condition);
    const options = {
      now: c.now,
      events: c.events ?? [],
      defaultTimeZone: c.default_time_zone,
      segments: c.segments ?? [],
    };
    assert.equal(seg.matches(c.contact, options), c.expect, 'matches, now as an RFC 3339 string');
    assert.equal(seg.matches(c.contact, { ...options, now: new Date(c.now) }), c.expect, 'matches, now as a Date');
    assert.equal(seg.matches(JSON.stringify(c.contact), options), c.expect, 'contact as JSON text');
    // The bulk evaluator over a one-contact array agrees with the single-contact one.
    const members = {};
    for (const id of segmentsNamed(c.condition)) members[id] = (c.segments ?? []).includes(id) ? [c.contact.id] : [];
    const bulk = { ...options, segments: members };
    assert.deepEqual(seg.filter([c.contact], bulk), c.expect ? [c.contact.id] : [], 'filter');
    assert.equal(seg.count([c.contact], bulk), c.expect ? 1 : 0, 'count');
  });

  eachCase('condition_eval.json errors', evalVectors.errors, (c) => {
    const seg = Segment.fromJson(c.condition);
    const e = thrownBy(() => seg.check(c.fields));
    assert.ok(e instanceof Error, 'a real Error');
    assert.equal(e.name, 'ConditionError', `${e.name}: ${e.message}`);
    assert.equal(e.code, c.code, e.message);
    assert.equal(e.path, c.path, e.message);
    assert.equal(e.line, undefined);
    assert.equal(e.column, undefined);
    // The field schema as JSON text takes the same path.
    if (c.fields) assert.throws(() => seg.check(JSON.stringify(c.fields)), { name: 'ConditionError', code: c.code, path: c.path });
  });
}

// ---- segment_bulk.json (issue 10 §6) ----------------------------------------------------------

const bulkVectors = load('segment_bulk.json');
if (bulkVectors) {
  eachCase('segment_bulk.json', bulkVectors.cases, (c) => {
    const seg = Segment.fromJson(c.condition);
    assert.deepEqual(seg.filter(c.contacts, { now: c.now, segments: c.memberships }), c.expect, 'filter');
    for (const contact of c.contacts) {
      const mine = Object.keys(c.memberships).filter((s) => c.memberships[s].includes(contact.id));
      assert.equal(seg.matches(contact, { now: c.now, segments: mine }), c.expect.includes(contact.id), contact.id);
    }
  });
}

// ---- jsonlogic_public.json --------------------------------------------------------------------

/** Equal as JSON values; numbers compare as numbers (`0` is `-0`). */
function same(actual, expected) {
  if (typeof expected === 'number') return typeof actual === 'number' && actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => same(actual[i], e));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return keys.length === Object.keys(actual).length && keys.every((k) => Object.hasOwn(actual, k) && same(actual[k], expected[k]));
  }
  return actual === expected;
}

const publicSuite = load('jsonlogic_public.json');
if (publicSuite) {
  let section = '';
  const cases = [];
  for (const entry of publicSuite) {
    if (typeof entry === 'string') section = entry;
    else if (Array.isArray(entry)) cases.push({ rule: entry[0], data: entry[1], result: entry[2], section });
    else cases.push({ ...entry, section });
  }
  eachCase('jsonlogic_public.json', cases, (c) => {
    const actual = jsonlogicApply(c.rule, c.data);
    assert.ok(same(actual, c.result), `[${c.section}] ${JSON.stringify(c.rule)} on ${JSON.stringify(c.data)}: expected ${JSON.stringify(c.result)}, got ${JSON.stringify(actual)}`);
  });
}
