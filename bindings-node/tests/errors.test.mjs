// The package's error classes (one per area of the core's errors, under SequenzaError) and
// errorCodes(): every thrown core error is an instance of its area's class, with a registered code.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sequenza } from './helpers.mjs';

const { SequenzaError, Flow, Segment, SegmentIndex, SendPolicy, Audience, previewCsv, jsonlogicApply, errorCodes } = sequenza;

function thrownBy(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

test('each area has its class, every one a SequenzaError and an Error', () => {
  for (const name of ['FormatError', 'ConditionSyntaxError', 'ConditionError', 'SegmentError', 'TimeError', 'ListError',
    'CsvImportError', 'JsonLogicError', 'MergeSyntaxError', 'FlowError', 'EngineError', 'StoreError']) {
    const cls = sequenza[name];
    assert.equal(typeof cls, 'function', name);
    assert.ok(cls.prototype instanceof SequenzaError, name);
    assert.equal(cls.prototype.name, name);
  }
  assert.ok(SequenzaError.prototype instanceof Error);
  assert.ok(sequenza.SegmentError.prototype instanceof sequenza.ConditionError);
});

test('a thrown core error is an instance of its area class, with a registered code and its location', () => {
  const registered = new Map(errorCodes().map((c) => [c.code, c]));
  assert.ok(registered.size > 50);
  for (const c of errorCodes()) assert.equal(typeof c.meaning, 'string', c.code);
  const cases = [
    [() => Flow.fromJson('{'), sequenza.FormatError, { path: '', line: 1 }],
    [() => Segment.parse('city =='), sequenza.ConditionSyntaxError, { line: 1 }],
    [() => Segment.fromJson({ type: 'field', field: 'email', op: 'matches', value: '(' }).check(), sequenza.ConditionError, { path: '/value' }],
    [() => new SegmentIndex().register({ id: 'a', name: 'A', condition: { type: 'in_segment', segment: 'b' } }), sequenza.SegmentError, {}],
    [() => new SendPolicy({ timeZone: 'Mars/Base' }), sequenza.TimeError, { path: '/time_zone' }],
    [() => new Audience().renameList('nope', 'x'), sequenza.ListError, { path: '/id' }],
    [() => previewCsv(Buffer.from('')), sequenza.CsvImportError, { byteOffset: 0 }],
    [() => jsonlogicApply({ bogus: [] }), sequenza.JsonLogicError, { path: '' }],
  ];
  for (const [fn, cls, location] of cases) {
    const e = thrownBy(fn);
    assert.ok(e instanceof cls, `${cls.name}, got ${e.name}: ${e.message}`);
    assert.ok(e instanceof SequenzaError);
    assert.equal(e.name, cls.name);
    assert.ok(registered.has(e.code), `${e.code} is registered`);
    for (const [k, v] of Object.entries(location)) assert.deepEqual(e[k], v, `${cls.name}.${k}`);
    assert.match(String(e.stack), new RegExp(`^${cls.name}: `));
  }
});

test('argument type errors stay Node TypeErrors, not SequenzaErrors', () => {
  const e = thrownBy(() => Flow.fromJson(5));
  assert.ok(e instanceof TypeError && !(e instanceof SequenzaError));
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE');
});
