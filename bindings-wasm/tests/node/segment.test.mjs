// The API surface of conditions and segments: Segment, SegmentIndex, ContactTable and
// jsonlogicApply — shapes of inputs and outputs, round trips, TypeScript declarations.
// (The vectors, the bulk agreement and the error shapes are in conditions.test.mjs.)
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { PACKAGE_DIR, sequenza } from './helpers.mjs';

const { ContactTable, Segment, SegmentIndex, jsonlogicApply } = sequenza;

const NOW = '2026-11-25T12:00:00Z';
const TEXT = 'city = "Milano" and tags has any ("vip")';
const JSON_FORM = {
  type: 'and',
  conditions: [
    { type: 'field', field: 'city', op: 'eq', value: 'Milano' },
    { type: 'tags', op: 'has_any', tags: ['vip'] },
  ],
};
const ANNA = { id: 'anna', fields: { city: 'Milano' }, tags: ['vip'] };
const BRUNO = { id: 'bruno', fields: { city: 'Roma' } };

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an exception');
}

describe('TypeScript declarations', () => {
  test('type the condition and segment API', async () => {
    const dts = await readFile(join(PACKAGE_DIR, 'pkg/sequenza_wasm.d.ts'), 'utf8');
    for (const line of [
      'export type Condition =',
      'export interface Contact {',
      'export interface ContactEvent {',
      'export type Instant = Date | string;',
      'export interface MatchOptions {',
      'export interface FilterOptions {',
      "change: 'entered' | 'exited';",
      'export class ConditionSyntaxError extends SequenzaError {}',
      'expected?: string[];',
      'export class ConditionError extends SequenzaError {}',
      'export class JsonLogicError extends SequenzaError {}',
      'static parse(text: string, id?: string | null, name?: string | null): Segment;',
      'static fromJson(data: Condition | SegmentObject | Segment | string): Segment;',
      'static fromJsonlogic(rule: JsonValue, id?: string | null, name?: string | null): Segment;',
      'readonly id: string | null;',
      'toText(): string;',
      'toJson(pretty?: boolean | null): string;',
      'toObject(): Condition;',
      'check(fields?: string | object | null): void;',
      'matches(contact: Contact | string, options: MatchOptions): boolean;',
      'filter(contacts: Array<Contact | string>, options: FilterOptions): string[];',
      'count(contacts: Array<Contact | string>, options: FilterOptions): number;',
      'constructor(options?: SegmentIndexOptions | null);',
      'register(segment: Segment | SegmentObject | string, now?: Instant | null): MembershipDelta[];',
      'upsertContact(contact: Contact | string, now: Instant): MembershipDelta[];',
      'addEvent(event: ContactEvent | string, now: Instant): MembershipDelta[];',
      'tick(now: Instant): MembershipDelta[];',
      'nextWakeup(): string | null;',
      'members(segment: string): string[];',
      'segmentsOf(contact: string): string[];',
      'constructor(contacts: Array<Contact | string>, options?: ContactTableOptions | null);',
      'count(segment: Segment, options: TableFilterOptions): number;',
      'export function jsonlogicApply(rule: JsonValue, data?: JsonValue | null): JsonValue;',
    ]) {
      assert.ok(dts.includes(line), `sequenza_wasm.d.ts lacks: ${line}`);
    }
  });
});

describe('Segment', () => {
  test('parse, fromJson and fromJsonlogic read the same condition', () => {
    const a = Segment.parse(TEXT);
    const b = Segment.fromJson(JSON_FORM);
    const c = Segment.fromJson(JSON.stringify(JSON_FORM));
    const d = Segment.fromJsonlogic({ and: [
      { '==': [{ var: 'city' }, 'Milano'] }, { in: ['vip', { var: 'tags' }] },
    ] });
    const e = Segment.fromJsonlogic('{"and": [{"==": [{"var": "city"}, "Milano"]}, {"in": ["vip", {"var": "tags"}]}]}');
    for (const s of [a, b, c, d, e]) {
      assert.ok(s instanceof Segment);
      assert.deepEqual(s.toObject(), JSON_FORM);
      assert.equal(s.toText(), TEXT);
    }
    assert.equal(Segment.fromJsonlogic(true).toText(), 'all()');
    assert.equal(Segment.fromJsonlogic(false).toText(), 'any()');
  });

  test('id and name are null unless given; a name defaults to the id', () => {
    const bare = Segment.parse(TEXT);
    assert.equal(bare.id, null);
    assert.equal(bare.name, null);
    const named = Segment.parse(TEXT, 'milano_vip', 'Milano VIP');
    assert.equal(named.id, 'milano_vip');
    assert.equal(named.name, 'Milano VIP');
    assert.equal(Segment.parse(TEXT, 'milano_vip').name, 'milano_vip');
    assert.equal(Segment.fromJsonlogic(true, 'everyone', 'Everyone').name, 'Everyone');
    assert.throws(() => {
      named.id = 'x';
    }, TypeError);
  });

  test('toText, toString, toJson, toObject and JSON.stringify', () => {
    const s = Segment.parse(TEXT, 'milano_vip', 'Milano VIP');
    assert.equal(String(s), TEXT);
    assert.equal(`${s}`, TEXT);
    assert.equal(s.toJson(), JSON.stringify(JSON_FORM));
    assert.ok(s.toJson(true).includes('\n  "type": "and"'));
    assert.equal(Object.getPrototypeOf(s.toObject()), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), { id: 'milano_vip', name: 'Milano VIP', condition: JSON_FORM });
    assert.deepEqual(JSON.parse(JSON.stringify(Segment.parse(TEXT))), JSON_FORM);
  });

  test('fromJson reads a segment document and a Segment back', () => {
    const doc = { id: 'milano_vip', name: 'Milano VIP', condition: JSON_FORM };
    const s = Segment.fromJson(doc);
    assert.equal(s.id, 'milano_vip');
    assert.equal(s.name, 'Milano VIP');
    assert.deepEqual(s.toObject(), JSON_FORM);
    const again = Segment.fromJson(s);
    assert.equal(again.id, 'milano_vip');
    assert.equal(again.toText(), TEXT);
    // A `not` has a `condition` key too: it is a condition, not a segment document.
    const not = Segment.fromJson({ type: 'not', condition: JSON_FORM });
    assert.equal(not.id, null);
    assert.equal(not.toText(), `not (${TEXT})`);
  });

  test('check returns nothing for a sound condition, with or without fields', () => {
    const s = Segment.parse(TEXT);
    assert.equal(s.check(), undefined);
    assert.equal(s.check({ fields: [{ key: 'city', type: 'text' }] }), undefined);
    assert.equal(s.check('{"fields": [{"key": "city", "type": "text"}]}'), undefined);
    assert.equal(s.check(null), undefined);
  });

  test('matches: contact as object or JSON text, now as Date or string', () => {
    const s = Segment.parse(TEXT);
    assert.equal(s.matches(ANNA, { now: NOW }), true);
    assert.equal(s.matches(JSON.stringify(ANNA), { now: new Date(NOW) }), true);
    assert.equal(s.matches(BRUNO, { now: NOW }), false);
  });

  test('matches: events, defaultTimeZone and segments', () => {
    const recent = Segment.parse('did "order.placed" within 1 days');
    const order = { contact: 'anna', name: 'order.placed', at: '2026-11-24T12:30:00Z' };
    assert.equal(recent.matches(ANNA, { now: NOW, events: [order] }), true);
    assert.equal(recent.matches(ANNA, { now: NOW }), false);
    assert.equal(recent.matches(BRUNO, { now: NOW, events: [order] }), false, "another contact's event");
    // Midnight of a date in the contact's zone: 2026-11-25 00:00 in Tokyo is still the 24th in UTC.
    const today = Segment.parse('signup after 2026-11-25');
    const c = { id: 'c', fields: { signup: '2026-11-24T20:00:00Z' } };
    assert.equal(today.matches(c, { now: NOW }), false);
    assert.equal(today.matches(c, { now: NOW, defaultTimeZone: 'Asia/Tokyo' }), true);
    const inSeg = Segment.parse('in segment "lapsed"');
    assert.equal(inSeg.matches(ANNA, { now: NOW, segments: ['lapsed'] }), true);
    assert.equal(inSeg.matches(ANNA, { now: NOW }), false);
  });

  test('filter returns ids in input order; count the number', () => {
    const s = Segment.parse('tags has any ("vip") or city = "Roma"');
    const contacts = [BRUNO, { id: 'carla' }, ANNA];
    assert.deepEqual(s.filter(contacts, { now: NOW }), ['bruno', 'anna']);
    assert.equal(s.count(contacts, { now: NOW }), 2);
    assert.deepEqual(s.filter([], { now: NOW }), []);
    assert.equal(s.count([], { now: NOW }), 0);
    // Contacts may be JSON text too (each one read on its own).
    assert.deepEqual(s.filter(contacts.map((c) => JSON.stringify(c)), { now: NOW }), ['bruno', 'anna']);
  });

  test('a contact id twice in filter is a located FormatError', () => {
    const e = thrown(() => Segment.parse('all()').count([ANNA, BRUNO, ANNA], { now: NOW }));
    assert.equal(e.name, 'FormatError');
    assert.equal(e.code, 'format.invalid');
    assert.equal(e.path, '/2/id');
  });

  test('a freed Segment is an Error, not a crash', () => {
    const s = Segment.parse(TEXT);
    s.free();
    assert.ok(thrown(() => s.matches(ANNA, { now: NOW })) instanceof Error);
    const table = new ContactTable([ANNA]);
    assert.ok(thrown(() => table.count(s, { now: NOW })) instanceof Error);
    assert.equal(Segment.parse(TEXT).matches(ANNA, { now: NOW }), true);
  });
});

describe('ContactTable', () => {
  test('reads contacts once and evaluates any number of segments', () => {
    const table = new ContactTable([ANNA, BRUNO], {
      events: [{ contact: 'bruno', name: 'order.placed', at: '2026-11-20T10:00:00Z' }],
    });
    assert.equal(table.length, 2);
    assert.deepEqual(table.ids(), ['anna', 'bruno']);
    assert.equal(table.count(Segment.parse(TEXT), { now: NOW }), 1);
    assert.deepEqual(table.filter(Segment.parse('did "order.placed"'), { now: NOW }), ['bruno']);
    assert.deepEqual(table.filter(Segment.parse('in segment "x"'), { now: NOW, segments: { x: ['bruno'] } }), ['bruno']);
    assert.equal(new ContactTable([]).length, 0);
  });

  test('a field schema makes unknown fields an error', () => {
    const table = new ContactTable([ANNA], { fields: { fields: [{ key: 'city', type: 'text' }] } });
    const e = thrown(() => table.count(Segment.parse('cty = "Milano"'), { now: NOW }));
    assert.equal(e.name, 'ConditionError');
    assert.equal(e.code, 'condition.field.unknown');
    assert.equal(e.path, '/field');
  });
});

describe('SegmentIndex', () => {
  test('deltas are plain objects with ISO instants', () => {
    const index = new SegmentIndex();
    index.register(Segment.parse(TEXT, 'mv', 'Milano VIP'));
    const deltas = index.upsertContact(ANNA, new Date(NOW));
    assert.deepEqual(deltas, [{ contact: 'anna', segment: 'mv', change: 'entered', at: NOW }]);
    assert.equal(Object.getPrototypeOf(deltas[0]), Object.prototype);
    assert.equal(index.nextWakeup(), null);
  });

  test('register accepts segment documents and JSON text', () => {
    const index = new SegmentIndex({ fields: { fields: [{ key: 'city', type: 'text' }] } });
    index.register({ id: 'a', name: 'A', condition: { type: 'field', field: 'city', op: 'is_set' } });
    index.register('{"id": "b", "name": "B", "condition": {"type": "in_segment", "segment": "a"}}');
    index.upsertContact(ANNA, NOW);
    assert.deepEqual(index.segmentsOf('anna'), ['a', 'b']);
    const e = thrown(() => index.register(Segment.parse('cty is set', 'c'), NOW));
    assert.equal(e.name, 'ConditionError');
    assert.equal(e.code, 'condition.field.unknown');
    assert.equal(e.path, '/condition/field');
  });

  test('registerAll says which segment is broken (index)', () => {
    const index = new SegmentIndex();
    const e = thrown(() => index.registerAll([Segment.parse('all()', 'ok'), { id: 'x', name: 'X', condition: { type: 'nope' } }]));
    assert.equal(e.name, 'FormatError');
    assert.equal(e.index, 1);
    assert.equal(e.path, '/condition/type');
    assert.deepEqual(index.members('ok'), [], 'nothing registered');
  });
});

describe('jsonlogicApply', () => {
  test('rule and data are JS values; data defaults to null', () => {
    assert.equal(jsonlogicApply({ '+': [1, 2] }), 3);
    assert.equal(jsonlogicApply({ var: 'a.b' }, { a: { b: 'x' } }), 'x');
    assert.equal(jsonlogicApply('apple'), 'apple');
    assert.equal(jsonlogicApply({ var: '' }, 'whole data'), 'whole data');
    assert.deepEqual(jsonlogicApply({ merge: [[1], [2, 3]] }), [1, 2, 3]);
    assert.equal(jsonlogicApply({ '/': [1, 0] }), null, 'Infinity becomes null, as in JSON');
    assert.equal(jsonlogicApply({ '>=': [{ var: 'age' }, 18] }, { age: '34' }), true);
  });

  test('results are plain objects and arrays', () => {
    const out = jsonlogicApply({ var: 'o' }, { o: { a: [1, { b: 2 }] } });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(out, { a: [1, { b: 2 }] });
  });
});
