// Conditions and segments (issue 3): Segment, SegmentIndex, jsonlogicApply, their errors, and
// the bulk evaluator (filter / count) against the single-contact one (matches).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sequenza } from './helpers.mjs';

const { Segment, SegmentIndex, jsonlogicApply } = sequenza;

const NOW = '2026-11-25T12:00:00Z';
const ANNA = { id: 'anna', fields: { city: 'Milano', spend: 320 }, tags: ['vip'] };
const BRUNO = { id: 'bruno', fields: { city: 'Roma', spend: 40 } };
const CARLA = { id: 'carla', fields: { city: 'milano', spend: 510 }, lists: ['blacklist'] };
const ORDERS = [
  { contact: 'anna', name: 'order.placed', at: '2026-11-01T10:00:00Z', properties: { amount: 120 } },
  { contact: 'carla', name: 'order.placed', at: '2026-11-20T10:00:00Z', properties: { amount: 15 } },
];
const FIELDS = { fields: [{ key: 'city', type: 'text' }, { key: 'spend', type: 'number' }] };

/** Calls `fn`, which must throw; returns what it threw. */
function thrownBy(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

function assertNamedError(e, name, props) {
  assert.ok(e instanceof Error, `a real Error, got ${e}`);
  assert.equal(e.name, name, e.message);
  for (const [k, v] of Object.entries(props)) assert.deepEqual(e[k], v, `${k} (${e.message})`);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  assert.match(String(e.stack), new RegExp(`^${name}: `));
}

function assertArgError(fn, type, code, pattern) {
  const e = thrownBy(fn);
  assert.ok(e instanceof type, `a ${type.name}, got ${e && e.name}: ${e && e.message}`);
  assert.equal(e.code, code);
  if (pattern) assert.match(e.message, pattern);
}

// ---- the API surface ----------------------------------------------------------------------------

test('the package exports the condition and segment API', () => {
  for (const name of ['Segment', 'SegmentIndex', 'jsonlogicApply']) assert.equal(typeof sequenza[name], 'function', name);
  for (const name of ['parse', 'fromJson', 'fromJsonlogic']) assert.equal(typeof Segment[name], 'function', name);
  for (const name of ['toText', 'toJson', 'toObject', 'toString', 'check', 'matches', 'filter', 'count']) {
    assert.equal(typeof Segment.prototype[name], 'function', name);
  }
  for (const name of ['register', 'registerAll', 'upsertContact', 'addEvent', 'removeContact', 'tick', 'nextWakeup', 'members', 'segmentsOf', 'isMember']) {
    assert.equal(typeof SegmentIndex.prototype[name], 'function', name);
  }
});

test('Segment.parse reads text, with an optional id and name', () => {
  const seg = Segment.parse('city = "Milano" ignoring case and tags has any ("vip")', 'milano-vip', 'Milano VIP');
  assert.ok(seg instanceof Segment);
  assert.equal(seg.id, 'milano-vip');
  assert.equal(seg.name, 'Milano VIP');
  assert.equal(seg.toText(), 'city = "Milano" ignoring case and tags has any ("vip")');
  assert.equal(String(seg), seg.toText());
  assert.equal(`${seg}`, seg.toText());
  assert.deepEqual(seg.toObject(), {
    type: 'and',
    conditions: [
      { type: 'field', field: 'city', op: 'eq', value: 'Milano', fold: true },
      { type: 'tags', op: 'has_any', tags: ['vip'] },
    ],
  });
  const anonymous = Segment.parse('in list "news"');
  assert.equal(anonymous.id, null);
  assert.equal(anonymous.name, null);
  assert.equal(Segment.parse('in list "news"', null, undefined).id, null);
});

test('toJson, toJson(true) and toObject give the same canonical condition', () => {
  const seg = Segment.parse('score between 1 and 5 or not in segment "lapsed"');
  const compact = seg.toJson();
  assert.ok(!compact.includes('\n'));
  assert.ok(seg.toJson(true).includes('\n  '));
  assert.deepEqual(JSON.parse(seg.toJson(true)), JSON.parse(compact));
  const obj = seg.toObject();
  assert.equal(Object.getPrototypeOf(obj), Object.prototype, 'a plain object');
  // Same keys in the same order (numbers are f64 in the core: `1.0` in toJson, `1` in JS).
  assert.equal(JSON.stringify(obj), JSON.stringify(JSON.parse(compact)), 'same keys, same order');
  assert.equal(Segment.fromJson(compact).toText(), seg.toText());
  assert.equal(Segment.fromJson(obj).toJson(), compact);
});

test('Segment.fromJson reads a condition or a whole segment document', () => {
  const condition = { type: 'tags', op: 'has_any', tags: ['vip'] };
  const bare = Segment.fromJson(condition);
  assert.equal(bare.id, null);
  assert.equal(bare.toText(), 'tags has any ("vip")');
  const doc = Segment.fromJson({ id: 'vip', name: 'VIP', condition });
  assert.equal(doc.id, 'vip');
  assert.equal(doc.name, 'VIP');
  assert.deepEqual(doc.toObject(), condition);
  const fromText = Segment.fromJson(JSON.stringify({ id: 'vip', name: 'VIP', condition }));
  assert.equal(fromText.id, 'vip');
});

test('Segment.fromJsonlogic translates a query-builder rule', () => {
  const rule = {
    and: [
      { '==': [{ var: 'city' }, 'Milano'] },
      { '<=': [25, { var: 'score' }, 34] },
      { in: ['vip', { var: 'tags' }] },
    ],
  };
  const seg = Segment.fromJsonlogic(rule);
  assert.equal(seg.toText(), 'city = "Milano" and score between 25 and 34 and tags has any ("vip")');
  assert.equal(Segment.fromJsonlogic(JSON.stringify(rule)).toText(), seg.toText(), 'a string is JSON text');
  assert.deepEqual(Segment.fromJsonlogic(true).toObject(), { type: 'and', conditions: [] });
  assert.equal(seg.matches({ id: 'a', fields: { city: 'Milano', score: 30 }, tags: ['vip'] }, { now: NOW }), true);
});

test('jsonlogicApply evaluates rules on data', () => {
  const rule = {
    or: [
      { and: [{ '>=': [{ var: 'age' }, 18] }, { in: ['newsletter', { var: 'tags' }] }] },
      { '==': [{ var: 'address.city' }, 'Milano'] },
    ],
  };
  assert.equal(jsonlogicApply(rule, { age: '34', tags: ['vip', 'newsletter'], address: { city: 'Roma' } }), true);
  assert.equal(jsonlogicApply({ '+': [1, 1] }), 2, 'data is optional');
  assert.equal(jsonlogicApply({ var: 'x' }, null), null);
  assert.equal(jsonlogicApply('apple'), 'apple', 'a string rule is the string itself');
  assert.equal(jsonlogicApply(null), null);
  assert.deepEqual(jsonlogicApply({ map: [{ var: 'xs' }, { '*': [{ var: '' }, 2] }] }, { xs: [1, 2, 3] }), [2, 4, 6]);
  assert.equal(jsonlogicApply({ '/': [1, 0] }), null, 'Infinity becomes null, as in JSON');
  assert.deepEqual(jsonlogicApply({ merge: [[1], [2]] }), [1, 2]);
  // Data nests without limit in the core; deep data is fine here too.
  let deep = 1;
  for (let i = 0; i < 500; i++) deep = { a: deep };
  assert.equal(jsonlogicApply({ var: 'a.a.a' }, deep).a.a !== undefined, true);
});

// ---- errors -------------------------------------------------------------------------------------

test('condition text that does not parse throws ConditionSyntaxError', () => {
  const e = thrownBy(() => Segment.parse('city == "Milano"'));
  assertNamedError(e, 'ConditionSyntaxError', { code: 'condition.syntax', path: undefined, line: 1, column: 6 });
  assert.match(e.found, /==/);
  assert.ok(Array.isArray(e.expected) && e.expected.length > 0);
  assert.ok(e.expected.every((x) => typeof x === 'string'));
  const multi = thrownBy(() => Segment.parse('age >= 18\nand (\n  city = \n)'));
  assertNamedError(multi, 'ConditionSyntaxError', { code: 'condition.syntax', line: 4 });
  const deep = thrownBy(() => Segment.parse(`${'('.repeat(100)}a = 1${')'.repeat(100)}`));
  assertNamedError(deep, 'ConditionSyntaxError', { code: 'condition.syntax', line: 1 });
});

test('a condition that cannot be evaluated throws ConditionError with a path', () => {
  const regex = Segment.fromJson({
    type: 'or',
    conditions: [
      { type: 'tags', op: 'has_all', tags: [] },
      { type: 'field', field: 'email', op: 'matches', value: '(unclosed' },
    ],
  });
  const e = thrownBy(() => regex.check());
  assertNamedError(e, 'ConditionError', { code: 'condition.regex.invalid', path: '/conditions/1/value' });
  // matches, filter and count compile the condition and throw the same error.
  assert.throws(() => regex.matches(ANNA, { now: NOW }), { name: 'ConditionError', code: 'condition.regex.invalid' });
  assert.throws(() => regex.filter([ANNA], { now: NOW }), { name: 'ConditionError', code: 'condition.regex.invalid' });
  assert.throws(() => regex.count([ANNA], { now: NOW }), { name: 'ConditionError', code: 'condition.regex.invalid' });

  const typo = Segment.parse('cty = "Milano"');
  typo.check(); // without declared fields any field name goes
  assertNamedError(thrownBy(() => typo.check(FIELDS)), 'ConditionError', { code: 'condition.field.unknown', path: '/field' });
  assertNamedError(thrownBy(() => typo.check(JSON.stringify(FIELDS))), 'ConditionError', { code: 'condition.field.unknown' });
  assert.throws(() => typo.matches(ANNA, { now: NOW, fields: FIELDS }), { name: 'ConditionError', code: 'condition.field.unknown' });
  assert.throws(() => typo.filter([ANNA], { now: NOW, fields: FIELDS }), { name: 'ConditionError', code: 'condition.field.unknown' });
  assert.equal(typo.matches(ANNA, { now: NOW }), false, 'without fields an unknown field is missing');

  assertNamedError(thrownBy(() => Segment.parse('spend > "lots"').check(FIELDS)), 'ConditionError', { code: 'condition.type_mismatch', path: '/value' });

  let nested = { type: 'in_list', list: 'x' };
  for (let i = 0; i < 70; i++) nested = { type: 'not', condition: nested };
  const tooDeep = thrownBy(() => Segment.fromJson(nested).check());
  assertNamedError(tooDeep, 'ConditionError', { code: 'condition.too_deep' });
  assert.match(tooDeep.path, /^(\/condition)+$/);

  const unsupported = thrownBy(() => Segment.fromJsonlogic({ and: [{ reduce: [] }] }));
  assertNamedError(unsupported, 'ConditionError', { code: 'condition.jsonlogic.unsupported', path: '/and/0' });
});

test('a document that is not a condition throws FormatError, located', () => {
  const e = thrownBy(() => Segment.fromJson('{"type": "teleport"}'));
  assertNamedError(e, 'FormatError', { code: 'format.invalid', path: '/type' });
  assert.equal(typeof e.line, 'number');
  assert.equal(typeof e.column, 'number');
  assertNamedError(thrownBy(() => Segment.fromJson('{"type": "field",')), 'FormatError', { code: 'format.eof' });
  assertNamedError(thrownBy(() => Segment.fromJson({ id: 'x', name: 'X', condition: { type: 'nope' } })), 'FormatError', {
    code: 'format.invalid',
    path: '/condition/type',
  });
  // A contact of an array is located by its index.
  const bad = thrownBy(() => Segment.parse('city is set').filter([ANNA, { id: 'b', fields: { city: { x: 1 } } }], { now: NOW }));
  assertNamedError(bad, 'FormatError', { code: 'format.invalid' });
  assert.match(bad.path, /^\/1\/fields/);
  const badEvent = thrownBy(() => Segment.parse('city is set').matches(ANNA, { now: NOW, events: [ORDERS[0], { contact: 'anna', name: 'x' }] }));
  assertNamedError(badEvent, 'FormatError', { code: 'format.invalid' });
  assert.match(badEvent.path, /^\/1/);
  assertNamedError(thrownBy(() => Segment.parse('city is set').matches({ id: 'a', tags: 'vip' }, { now: NOW })), 'FormatError', {
    code: 'format.invalid',
    path: '/tags',
  });
  let deepValue = 'x';
  for (let i = 0; i < 300; i++) deepValue = [deepValue];
  const deepContact = thrownBy(() => Segment.parse('city is set').filter([ANNA, { id: 'd', fields: { city: deepValue } }], { now: NOW }));
  assertNamedError(deepContact, 'FormatError', {});
  assert.match(deepContact.path, /^\/1\/fields/);
  const duplicate = thrownBy(() => Segment.parse('city is set').filter([ANNA, ANNA], { now: NOW }));
  assertNamedError(duplicate, 'FormatError', { code: 'format.invalid', path: '/1/id' });
});

test('jsonlogicApply throws JsonLogicError with code and path', () => {
  const unknown = thrownBy(() => jsonlogicApply({ and: [true, { bogus: [1] }] }, null));
  assertNamedError(unknown, 'JsonLogicError', { code: 'jsonlogic.unknown_operator', path: '/and/1' });
  assertNamedError(thrownBy(() => jsonlogicApply({ '*': [] })), 'JsonLogicError', { code: 'jsonlogic.invalid_arguments', path: '' });
  let rule = true;
  for (let i = 0; i < 300; i++) rule = { '!!': [rule] };
  const deep = thrownBy(() => jsonlogicApply(rule, null));
  assertNamedError(deep, 'JsonLogicError', { code: 'jsonlogic.too_deep' });
  assert.match(deep.path, /^(\/!!\/0)+$/);
  // Beyond what the core reads at all (1024 levels): its format.syntax error, as in every binding.
  for (let i = 0; i < 300; i++) rule = { '!!': [rule] }; // 1200 levels: arrays and objects
  assert.throws(() => jsonlogicApply(rule, null), { name: 'FormatError', code: 'format.syntax' });
  let data = 1;
  for (let i = 0; i < 1100; i++) data = [data];
  assert.throws(() => jsonlogicApply({ var: '0' }, data), { name: 'FormatError', code: 'format.syntax' });
});

test('segment cycles, duplicates and unknown segments throw SegmentError (a ConditionError)', () => {
  const a = { id: 'a', name: 'A', condition: { type: 'in_segment', segment: 'b' } };
  const b = { id: 'b', name: 'B', condition: { type: 'not', condition: { type: 'in_segment', segment: 'a' } } };
  const cycle = thrownBy(() => new SegmentIndex().registerAll([a, b], NOW));
  assertNamedError(cycle, 'SegmentError', { code: 'segment.cycle', path: '/0/condition/segment' });
  assert.ok(cycle instanceof sequenza.ConditionError, 'a SegmentError is a ConditionError');
  assert.match(cycle.message, /a → b → a/);
  const index = new SegmentIndex();
  assertNamedError(thrownBy(() => index.register(a, NOW)), 'SegmentError', { code: 'segment.unknown' });
  index.register(Segment.parse('tags has any ("vip")', 'vip', 'VIP'), NOW);
  assertNamedError(thrownBy(() => index.register(Segment.parse('in list "x"', 'vip', 'Again'))), 'SegmentError', {
    code: 'segment.duplicate',
    path: '/id',
  });
  // filter: a segment without a given membership has no members (as for one contact).
  const inSeg = Segment.parse('in segment "vip"');
  assert.deepEqual(inSeg.filter([ANNA], { now: NOW }), []);
  assert.deepEqual(inSeg.filter([ANNA, BRUNO], { now: NOW, segments: { vip: ['bruno', 'nobody'] } }), ['bruno']);
  assert.equal(inSeg.matches(BRUNO, { now: NOW, segments: ['vip'] }), true);
  assert.equal(inSeg.matches(BRUNO, { now: NOW }), false);
});

test('bad arguments throw TypeError / RangeError with Node codes, never crash', () => {
  const seg = Segment.parse('city = "Milano"');
  for (const bad of [undefined, null, 5, {}, ['x']]) assertArgError(() => Segment.parse(bad), TypeError, 'ERR_INVALID_ARG_TYPE', /"text"/);
  assertArgError(() => Segment.parse('city is set', 5), TypeError, 'ERR_INVALID_ARG_TYPE', /"id"/);
  assertArgError(() => Segment.parse('city is set', 'x', {}), TypeError, 'ERR_INVALID_ARG_TYPE', /"name"/);
  for (const bad of [undefined, null, 5, true]) assertArgError(() => Segment.fromJson(bad), TypeError, 'ERR_INVALID_ARG_TYPE', /"data"/);
  assertArgError(() => Segment.fromJsonlogic(undefined), TypeError, 'ERR_INVALID_ARG_TYPE', /"rule"/);
  assert.throws(() => Segment.fromJsonlogic('{not json'), SyntaxError, 'a string rule is JSON text');
  assertArgError(() => jsonlogicApply(), TypeError, 'ERR_INVALID_ARG_TYPE', /"rule"/);
  assertArgError(() => jsonlogicApply(() => 1), TypeError, 'ERR_INVALID_ARG_TYPE', /"rule"/);
  assertArgError(() => jsonlogicApply({ var: 'a' }, Symbol('s')), TypeError, 'ERR_INVALID_ARG_TYPE', /"data"/);
  assert.throws(() => jsonlogicApply({ var: 'a' }, { a: 1n }), TypeError, 'JSON.stringify refuses BigInt');

  // now
  assertArgError(() => seg.matches(ANNA), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.now"/);
  assertArgError(() => seg.matches(ANNA, {}), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.now"/);
  assertArgError(() => seg.matches(ANNA, { now: 1764072000000 }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.now"/);
  assertArgError(() => seg.matches(ANNA, { now: 'yesterday' }), RangeError, 'ERR_INVALID_ARG_VALUE', /RFC 3339/);
  assertArgError(() => seg.matches(ANNA, { now: '2026-11-25T12:00:00' }), RangeError, 'ERR_INVALID_ARG_VALUE', /offset/);
  assertArgError(() => seg.matches(ANNA, { now: new Date('nope') }), RangeError, 'ERR_INVALID_ARG_VALUE', /invalid Date/);
  // other options
  // An unknown zone is the core's TimeError, as everywhere.
  assertNamedError(thrownBy(() => seg.matches(ANNA, { now: NOW, defaultTimeZone: 'Mars/Olympus' })), 'TimeError', { code: 'time.zone.unknown' });
  assertArgError(() => seg.matches(ANNA, { now: NOW, defaultTimezone: 'UTC' }), RangeError, 'ERR_INVALID_ARG_VALUE', /defaultTimezone/);
  assertArgError(() => seg.matches(ANNA, { now: NOW, events: {} }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.events"/);
  assertArgError(() => seg.matches(ANNA, { now: NOW, segments: 'vip' }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.segments"/);
  assertArgError(() => seg.matches(ANNA, { now: NOW, segments: ['vip', 3] }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.segments\[1\]"/);
  assertArgError(() => seg.matches(ANNA, 'now'), TypeError, 'ERR_INVALID_ARG_TYPE', /"options"/);
  assertArgError(() => seg.matches(5, { now: NOW }), TypeError, 'ERR_INVALID_ARG_TYPE', /"contact"/);
  assertArgError(() => seg.filter('contacts', { now: NOW }), TypeError, 'ERR_INVALID_ARG_TYPE', /"contacts"/);
  assertArgError(() => seg.filter([ANNA], { now: NOW, segments: ['vip'] }), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.segments"/);
  assertArgError(() => seg.count([ANNA]), TypeError, 'ERR_INVALID_ARG_TYPE', /"options.now"/);
  assertArgError(() => seg.check(5), TypeError, 'ERR_INVALID_ARG_TYPE', /"fields"/);
  assertNamedError(thrownBy(() => seg.check({ fields: 1 })), 'FormatError', { code: 'format.invalid', path: '/fields' });
  // misuse of the classes
  assert.throws(() => new Segment(), Error, 'Segment has no public constructor');
  assert.throws(() => Segment.prototype.toText.call({}), Error);
  assert.throws(() => Segment.prototype.matches.call(5, ANNA, { now: NOW }), Error);
  assertNamedError(thrownBy(() => new SegmentIndex({ defaultTimeZone: 'Nowhere' })), 'TimeError', { code: 'time.zone.unknown' });
  assertArgError(() => new SegmentIndex(5), TypeError, 'ERR_INVALID_ARG_TYPE');
  const index = new SegmentIndex();
  assertArgError(() => index.register(Segment.parse('city is set')), RangeError, 'ERR_INVALID_ARG_VALUE', /without an id/);
  assertArgError(() => index.register(5), TypeError, 'ERR_INVALID_ARG_TYPE', /"segment"/);
  assertArgError(() => index.registerAll('x'), TypeError, 'ERR_INVALID_ARG_TYPE', /"segments"/);
  assertArgError(() => index.registerAll([{ id: 's', name: 'S', condition: { type: 'in_list', list: 'x' } }, 7]), TypeError, 'ERR_INVALID_ARG_TYPE', /"segments\[1\]"/);
  assertArgError(() => index.tick(), TypeError, 'ERR_INVALID_ARG_TYPE', /"now"/);
  assertArgError(() => index.upsertContact(ANNA), TypeError, 'ERR_INVALID_ARG_TYPE', /"now"/);
  assertArgError(() => index.members(5), TypeError, 'ERR_INVALID_ARG_TYPE', /"segmentId"/);
});

// ---- evaluation ---------------------------------------------------------------------------------

test('matches, filter and count on the core example', () => {
  const seg = Segment.fromJson({
    type: 'and',
    conditions: [
      { type: 'field', field: 'city', op: 'in', value: ['Milano', 'Torino'], fold: true },
      { type: 'field', field: 'spend', op: 'gt', value: 200 },
      { type: 'event', name: 'order.placed', within: { amount: 90, unit: 'days' } },
      { type: 'not', condition: { type: 'in_list', list: 'blacklist' } },
    ],
  });
  const contacts = [ANNA, BRUNO, CARLA];
  const options = { now: NOW, events: ORDERS, defaultTimeZone: 'Europe/Rome' };
  assert.deepEqual(seg.filter(contacts, options), ['anna']);
  assert.equal(seg.count(contacts, options), 1);
  assert.deepEqual(contacts.map((c) => seg.matches(c, options)), [true, false, false]);
  assert.deepEqual(seg.filter([], { now: NOW }), []);
  assert.equal(seg.count([], { now: NOW }), 0);
  // Without the events nobody ordered.
  assert.equal(seg.count(contacts, { now: NOW }), 0);
  assert.equal(seg.matches(ANNA, { now: NOW }), false);
  // Declared fields.
  assert.deepEqual(seg.filter(contacts, { ...options, fields: FIELDS }), ['anna']);
  assert.equal(seg.matches(ANNA, { ...options, fields: JSON.stringify(FIELDS) }), true);
  // null options are the same as absent ones
  assert.equal(seg.count(contacts, { now: NOW, events: null, defaultTimeZone: null, segments: null, fields: null }), 0);
});

test('now can be a Date or an RFC 3339 string with any offset', () => {
  const recent = Segment.parse('did "order.placed" within 7 days');
  const justInside = '2026-11-08T09:59:59.999Z'; // the order at 2026-11-01T10:00Z plus 7 days
  const after = '2026-11-08T10:00:01Z';
  for (const now of [justInside, new Date(justInside), '2026-11-08T10:59:59.999+01:00']) {
    assert.equal(recent.matches(ANNA, { now, events: ORDERS }), true, String(now));
    assert.deepEqual(recent.filter([ANNA], { now, events: ORDERS }), ['anna'], String(now));
  }
  for (const now of [after, new Date(after), '2026-11-08T05:00:01-05:00']) {
    assert.equal(recent.matches(ANNA, { now, events: ORDERS }), false, String(now));
    assert.equal(recent.count([ANNA], { now, events: ORDERS }), 0, String(now));
  }
});

test('defaultTimeZone applies to contacts without one', () => {
  // Midnight of 2026-11-25 in Rome is 2026-11-24T23:00Z.
  const seg = Segment.parse('signup after 2026-11-25');
  const contact = { id: 'a', fields: { signup: '2026-11-24T23:30:00Z' } };
  assert.equal(seg.matches(contact, { now: NOW }), false);
  assert.equal(seg.matches(contact, { now: NOW, defaultTimeZone: 'Europe/Rome' }), true);
  assert.deepEqual(seg.filter([contact], { now: NOW, defaultTimeZone: 'Europe/Rome' }), ['a']);
  assert.equal(seg.matches({ ...contact, time_zone: 'UTC' }, { now: NOW, defaultTimeZone: 'Europe/Rome' }), false);
});

/** A small deterministic random generator (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Contacts with every kind of value (and some values of the wrong type), and their events. */
function population(n, seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const maybe = (p, f) => (r() < p ? f() : undefined);
  const day = (from, span) => new Date(Date.parse(from) + Math.floor(r() * span) * 86400000).toISOString().slice(0, 10);
  const instant = (from, spanDays) => new Date(Date.parse(from) + Math.floor(r() * spanDays * 86400) * 1000).toISOString();
  const contacts = [];
  const events = [];
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const fields = {};
    const set = (k, v) => {
      if (v !== undefined) fields[k] = v;
    };
    set('city', maybe(0.9, () => pick(['Milano', 'milano', 'Roma', 'Torino', 'Napoli', 'Città di Castello', '', 'MILANO'])));
    set('score', maybe(0.85, () => pick([Math.floor(r() * 100), r() * 100, '42', null, true])));
    set('newsletter', maybe(0.8, () => pick([true, false, 'yes'])));
    set('birth_date', maybe(0.8, () => pick([day('1950-01-01', 27000), '2000-02-29', 'not a date', day('2008-11-20', 15)])));
    set('last_login', maybe(0.7, () => instant('2026-08-01T00:00:00Z', 130)));
    set('interests', maybe(0.6, () => ['sport', 'food', 'travel', 'music'].filter(() => r() < 0.4)));
    set('plan', maybe(0.9, () => pick(['free', 'pro', 'Pro'])));
    const contact = { id, fields };
    const tags = ['vip', 'newsletter', 'lead', 'churned'].filter(() => r() < 0.3);
    if (tags.length) contact.tags = tags;
    const lists = ['news', 'blacklist'].filter(() => r() < 0.2);
    if (lists.length) contact.lists = lists;
    if (r() < 0.5) contact.consent = { email: { status: pick(['opted_in', 'opted_out', 'unknown']) } };
    if (r() < 0.4) contact.time_zone = pick(['Europe/Rome', 'America/New_York', 'Asia/Tokyo', 'Not/AZone']);
    if (r() < 0.5) contact.email = `${id}@example.com`;
    contacts.push(contact);
    const orders = Math.floor(r() * 4);
    for (let k = 0; k < orders; k++) {
      const properties = r() < 0.9 ? { amount: Math.round(r() * 300), channel: pick(['web', 'shop']) } : { amount: 'n/a' };
      events.push({ contact: id, name: 'order.placed', at: instant('2025-10-01T00:00:00Z', 450), properties });
    }
    if (r() < 0.5) events.push({ contact: id, name: 'email.opened', at: instant('2026-09-01T00:00:00Z', 100) });
  }
  return { contacts, events };
}

const CONDITIONS = [
  'city = "Milano"',
  'city = "milano" ignoring case',
  'city != "Roma"',
  'city in ("Milano", "Torino") ignoring case',
  'city contains "ilan"',
  'city starts with "M" ignoring case',
  'city ends with "castello" ignoring case',
  'city matches "^[MT]" ignoring case',
  'city is empty',
  'score > 50',
  'score between 10 and 20',
  'score = 42',
  'score != 42',
  'newsletter = true',
  'plan in ("pro", "free")',
  'interests contains "sport"',
  'interests in ("food", "music")',
  'interests is set',
  'email ends with "example.com"',
  'tags has any ("vip", "lead")',
  'tags has all ("vip", "newsletter")',
  'tags has none ("churned")',
  'in list "news" and not in list "blacklist"',
  'consent email is opted_in',
  'birth_date anniversary within 14 days',
  'age between 25 and 34',
  'age >= 18',
  'last_login within last 30 days',
  'last_login more than 2 months ago',
  'last_login before 2026-10-01',
  'birth_date between 1980-01-01 and 1989-12-31',
  'did "order.placed" at least 2 times within 90 days',
  'not did "order.placed" within 180 days',
  'did "order.placed" where (amount > 100 and channel = "web") within 365 days',
  'did "email.opened" exactly 1 time',
  'last "order.placed" within last 60 days',
  'first "order.placed" before 2026-01-01',
  'sum of "amount" in "order.placed" within 365 days >= 300',
  'avg of "amount" in "order.placed" > 150',
  'count of "order.placed" within 90 days < 1',
  'max of "amount" in "order.placed" where (channel = "shop") >= 200',
  '(city = "Milano" or tags has any ("vip")) and not age < 30 and score > 20',
  'in segment "big-spenders" or city = "Roma"',
];

test('filter and count equal per-contact matches on a generated population', () => {
  const { contacts, events } = population(2000, 20261125);
  const eventsOf = new Map(contacts.map((c) => [c.id, []]));
  for (const e of events) eventsOf.get(e.contact).push(e);
  const bigSpenders = contacts.filter((_, i) => i % 7 === 0).map((c) => c.id);
  const bigSet = new Set(bigSpenders);
  const runs = [
    { now: NOW, defaultTimeZone: undefined },
    { now: new Date('2026-03-29T01:30:00Z'), defaultTimeZone: 'Europe/Rome' },
  ];
  let nonTrivial = 0;
  for (const text of CONDITIONS) {
    const seg = Segment.parse(text);
    for (const run of runs) {
      const options = { now: run.now, events, defaultTimeZone: run.defaultTimeZone, segments: { 'big-spenders': bigSpenders } };
      const ids = seg.filter(contacts, options);
      const expected = contacts
        .filter((c) =>
          seg.matches(c, {
            now: run.now,
            events: eventsOf.get(c.id),
            defaultTimeZone: run.defaultTimeZone,
            segments: bigSet.has(c.id) ? ['big-spenders'] : [],
          }),
        )
        .map((c) => c.id);
      assert.deepEqual(ids, expected, `${text} at ${run.now} (${run.defaultTimeZone ?? 'UTC'})`);
      if (run === runs[0]) assert.equal(seg.count(contacts, options), expected.length, `count of ${text}`);
      if (expected.length > 0 && expected.length < contacts.length) nonTrivial++;
    }
  }
  assert.ok(nonTrivial >= CONDITIONS.length, `most conditions split the population (${nonTrivial})`);
});

// ---- SegmentIndex -------------------------------------------------------------------------------

test('SegmentIndex keeps membership up to date and returns deltas', () => {
  const index = new SegmentIndex({ defaultTimeZone: 'Europe/Rome' });
  assert.equal(index.nextWakeup(), null);
  assert.deepEqual(index.register(Segment.parse('did "order.placed" within 7 days', 'recent', 'Ordered this week')), []);
  assert.deepEqual(index.register({ id: 'milano', name: 'Milano', condition: { type: 'field', field: 'city', op: 'eq', value: 'Milano' } }, NOW), []);
  assert.deepEqual(index.segmentIds, ['recent', 'milano']);

  const t0 = new Date('2026-11-01T09:00:00Z');
  const entered = index.addEvent({ contact: 'anna', name: 'order.placed', at: '2026-11-01T09:00:00Z' }, t0);
  assert.deepEqual(entered, [{ contact: 'anna', segment: 'recent', change: 'entered', at: '2026-11-01T09:00:00Z' }]);
  assert.equal(Object.getPrototypeOf(entered[0]), Object.prototype);

  const milano = index.upsertContact({ id: 'anna', fields: { city: 'Milano' } }, '2026-11-02T10:00:00.250+01:00');
  assert.deepEqual(milano, [{ contact: 'anna', segment: 'milano', change: 'entered', at: '2026-11-02T09:00:00.250Z' }]);
  assert.deepEqual(index.members('milano'), ['anna']);
  assert.deepEqual(index.members('nope'), []);
  assert.deepEqual(index.segmentsOf('anna').sort(), ['milano', 'recent']);
  assert.deepEqual(index.segmentsOf('nobody'), []);
  assert.equal(index.isMember('recent', 'anna'), true);
  assert.equal(index.isMember('recent', 'bruno'), false);
  assert.equal(index.contactCount, 1);

  // Seven days later (in Rome) the order leaves the window.
  const wake = index.nextWakeup();
  assert.equal(wake, '2026-11-08T09:00:00Z');
  assert.deepEqual(index.tick(new Date(Date.parse(wake) - 1000)), []);
  const exited = index.tick(new Date(Date.parse(wake) + 1000));
  assert.deepEqual(exited, [{ contact: 'anna', segment: 'recent', change: 'exited', at: '2026-11-08T09:00:01Z' }]);
  assert.deepEqual(index.members('recent'), []);

  // register without now evaluates the contacts held at the latest instant given.
  const late = index.register(Segment.parse('city is set', 'has-city', 'Has a city'));
  assert.deepEqual(late, [{ contact: 'anna', segment: 'has-city', change: 'entered', at: '2026-11-08T09:00:01Z' }]);

  const gone = index.removeContact('anna', NOW);
  assert.deepEqual(gone.map((d) => [d.segment, d.change]).sort(), [['has-city', 'exited'], ['milano', 'exited']]);
  assert.equal(index.contactCount, 0);
});

test('SegmentIndex.registerAll takes segments in any order; fields are checked', () => {
  const index = new SegmentIndex({ fields: FIELDS });
  const deltas = index.registerAll(
    [
      Segment.parse('in segment "milano" and spend > 100', 'rich-milano', 'Rich in Milano'),
      JSON.stringify({ id: 'milano', name: 'Milano', condition: { type: 'field', field: 'city', op: 'eq', value: 'Milano' } }),
    ],
    NOW,
  );
  assert.deepEqual(deltas, []);
  assert.deepEqual(index.upsertContact(ANNA, NOW).map((d) => d.segment), ['milano', 'rich-milano']);
  assert.deepEqual(index.segmentsOf('anna'), ['milano', 'rich-milano']);
  const unknownField = thrownBy(() => index.register(Segment.parse('cty is set', 'typo', 'Typo'), NOW));
  assertNamedError(unknownField, 'ConditionError', { code: 'condition.field.unknown', path: '/condition/field' });
  const inArray = thrownBy(() => new SegmentIndex({ fields: JSON.stringify(FIELDS) }).registerAll([{ id: 'ok', name: 'Ok', condition: { type: 'in_list', list: 'x' } }, Segment.parse('spend > "x"', 'bad', 'Bad')], NOW));
  assertNamedError(inArray, 'ConditionError', { code: 'condition.type_mismatch', path: '/1/condition/value' });
});
