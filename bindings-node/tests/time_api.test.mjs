// SendPolicy and Recurrence (issue 4): the JS surface — options, Date / ISO input, RFC 3339 UTC
// output, TimeError and argument errors. The core's rules are covered by time_vectors.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sequenza } from './helpers.mjs';

const { SendPolicy, Recurrence, resolveTimeZone, localToUtc } = sequenza;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

function office() {
  return new SendPolicy({
    quietHours: [['22:00', '08:00']],
    weekdays: WEEKDAYS,
    hours: [['09:00', '20:00']],
    timeZone: 'Europe/Rome',
  });
}

/** Asserts a thrown TimeError with this code and path. */
function assertTimeError(fn, code, pointer) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'TimeError');
    assert.equal(e.code, code);
    if (pointer !== undefined) assert.equal(e.path, pointer);
    assert.equal(e.line, undefined);
    assert.equal(e.column, undefined);
    assert.match(e.message, /\S/);
    return true;
  });
}

test('SendPolicy: the issue example, Friday evening defers to Monday 09:00 Rome', () => {
  const p = office();
  assert.equal(p.timeZone, 'Europe/Rome');
  const fri = '2025-06-06T19:00:00Z'; // Fri 21:00 CEST
  assert.equal(p.isAllowed(fri), false);
  assert.equal(p.nextAllowed(fri), '2025-06-09T07:00:00Z');
  assert.equal(p.nextAllowed(new Date(fri)), '2025-06-09T07:00:00Z');
  assert.deepEqual(p.decide(fri), { decision: 'defer', until: '2025-06-09T07:00:00Z' });
  // Any offset in, UTC out.
  assert.equal(p.nextAllowed('2025-06-09T10:30:00+02:00'), '2025-06-09T08:30:00Z');
  assert.equal(p.isAllowed('2025-06-09T10:30:00+02:00'), true);
  // Another zone per call.
  assert.equal(p.nextAllowed(fri, 'UTC'), fri);
});

test('SendPolicy: every option optional; windows as pairs or {start, end}', () => {
  const always = new SendPolicy();
  assert.equal(always.timeZone, 'UTC');
  assert.equal(always.isAllowed('2025-01-01T03:00:00Z'), true);
  assert.equal(new SendPolicy({}).nextAllowed('2025-01-01T03:00:00Z'), '2025-01-01T03:00:00Z');
  assert.equal(new SendPolicy(null).isAllowed(new Date(0)), true);
  const a = new SendPolicy({ quietHours: [{ start: '22:00', end: '08:00' }], timeZone: 'Europe/Rome' });
  const b = new SendPolicy({ quietHours: [['22:00', '08:00']], timeZone: 'Europe/Rome' });
  assert.equal(a.nextAllowed('2025-03-30T00:30:00Z'), '2025-03-30T06:00:00Z'); // across the DST change
  assert.equal(b.nextAllowed('2025-03-30T00:30:00Z'), '2025-03-30T06:00:00Z');
  assert.deepEqual(a.toObject(), b.toObject());
  assert.deepEqual(b.toObject(), { quiet_hours: [{ start: '22:00', end: '08:00' }], time_zone: 'Europe/Rome', outside_window: 'defer' });
});

test('SendPolicy: outsideWindow skip, fromJson and the JSON round trip', () => {
  const p = new SendPolicy({ hours: [['09:00', '18:00']], outsideWindow: 'skip' });
  assert.deepEqual(p.decide('2025-06-06T20:00:00Z'), { decision: 'skip' });
  assert.deepEqual(p.decide('2025-06-06T10:00:00Z'), { decision: 'allow' });
  const again = SendPolicy.fromJson(JSON.stringify(p));
  assert.deepEqual(again.toObject(), p.toObject());
  assert.equal(SendPolicy.fromJson(p.toObject()).nextAllowed('2025-06-06T20:00:00Z'), '2025-06-07T09:00:00Z');
});

test('SendPolicy: bad input is a TimeError with code and path', () => {
  assertTimeError(() => new SendPolicy({ hours: [['09:00', '25:00']] }), 'time.time.malformed', '/hours/0/end');
  assertTimeError(() => new SendPolicy({ quietHours: [['9:00', '10:00']] }), 'time.time.malformed', '/quiet_hours/0/start');
  assertTimeError(() => new SendPolicy({ timeZone: 'Europe/Atlantis' }), 'time.zone.unknown', '/time_zone');
  assertTimeError(() => new SendPolicy({ quietHours: [['08:00', '08:00']] }), 'time.window.ambiguous', '/quiet_hours/0');
  assertTimeError(() => new SendPolicy({ quietHours: [['00:00', '12:00'], ['11:00', '00:00']] }), 'time.policy.never_allowed', '');
  assertTimeError(() => office().nextAllowed('2025-01-01T00:00:00Z', 'Mars/Olympus'), 'time.zone.unknown');
  assert.throws(() => new SendPolicy({ weekdays: ['funday'] }), { name: 'FormatError', code: 'format.invalid', path: '/weekdays/0' });
});

test('SendPolicy: wrong arguments are TypeError / RangeError, never a crash', () => {
  // The options are the core's send policy: an unknown one is its format error.
  assert.throws(() => new SendPolicy({ quietHour: [] }), { name: 'FormatError', code: 'format.invalid' });
  assert.throws(() => new SendPolicy('22:00'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new SendPolicy({ timeZone: 3 }), (e) => e instanceof Error);
  const p = office();
  assert.throws(() => p.nextAllowed(), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => p.nextAllowed(12), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => p.isAllowed('2025-06-06 19:00'), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => p.isAllowed(new Date(NaN)), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => p.nextAllowed('2025-06-06T19:00:00Z', 5), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('Recurrence: from the rule JSON, nextAfter and between', () => {
  const r = new Recurrence({ kind: 'weekly', weekdays: ['mon', 'fri'], times: ['09:30'] }, { timeZone: 'Europe/Rome' });
  assert.equal(r.timeZone, 'Europe/Rome');
  assert.equal(r.nextAfter('2025-06-06T07:30:00Z'), '2025-06-09T07:30:00Z'); // strictly after
  assert.equal(r.nextAfter(new Date('2025-06-06T07:29:00Z')), '2025-06-06T07:30:00Z');
  assert.deepEqual(r.between('2025-06-01T00:00:00Z', new Date('2025-06-10T00:00:00Z')), [
    '2025-06-02T07:30:00Z', '2025-06-06T07:30:00Z', '2025-06-09T07:30:00Z',
  ]);
  assert.deepEqual(r.between('2025-06-10T00:00:00Z', '2025-06-01T00:00:00Z'), []);
  assert.equal(r.toRrule(), 'FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30');
  assert.deepEqual(r.toObject(), { kind: 'weekly', weekdays: ['mon', 'fri'], times: ['09:30'] });
  const fromText = new Recurrence('{"kind": "every", "minutes": 360}');
  assert.equal(fromText.timeZone, 'UTC');
  assert.equal(fromText.between('2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z').length, 4);
});

test('Recurrence: from an RRULE, inside a SendPolicy (an instance, its JSON, an object)', () => {
  const p = office();
  for (const policy of [p, JSON.stringify(p), p.toObject()]) {
    const r = Recurrence.fromRrule('RRULE:FREQ=MINUTELY;INTERVAL=30', { policy });
    assert.equal(r.timeZone, 'Europe/Rome'); // the policy's zone
    assert.equal(r.nextAfter('2025-06-06T18:10:00Z'), '2025-06-09T07:00:00Z'); // Fri 20:10 CEST
  }
  const last = Recurrence.fromRrule('FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0', { timeZone: 'America/New_York' });
  assert.deepEqual(last.toObject(), { kind: 'monthly_weekday', nth: -1, weekday: 'mon', time: '09:00' });
  assert.equal(last.nextAfter('2025-06-01T00:00:00Z'), '2025-06-30T13:00:00Z');
});

test('Recurrence: bad input is a TimeError / FormatError / argument error', () => {
  assertTimeError(() => new Recurrence({ kind: 'every', minutes: 4 }), 'time.recurrence.frequency_out_of_range', '/minutes');
  assertTimeError(() => Recurrence.fromRrule('FREQ=DAILY;COUNT=3'), 'time.rrule.unsupported');
  assertTimeError(() => Recurrence.fromRrule('not a rule'), 'time.rrule.malformed');
  assertTimeError(() => new Recurrence({ kind: 'every', minutes: 60 }, { timeZone: 'Mars/Olympus' }), 'time.zone.unknown');
  assertTimeError(() => new Recurrence({ kind: 'every', minutes: 60 }, { policy: { hours: [{ start: '9', end: '10' }] } }), 'time.time.malformed', '/hours/0/start');
  assertTimeError(
    () => new Recurrence({ kind: 'weekly', weekdays: ['sun'], times: ['10:00'] }, { policy: office() }),
    'time.recurrence.never_allowed',
    '',
  );
  assert.throws(() => new Recurrence({ kind: 'hourly' }), { name: 'FormatError', code: 'format.invalid', path: '/kind' });
  assert.throws(() => new Recurrence(15), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => Recurrence.fromRrule({}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new Recurrence({ kind: 'every', minutes: 60 }, { zone: 'UTC' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  const r = new Recurrence({ kind: 'every', minutes: 5 });
  assert.throws(() => r.nextAfter('yesterday'), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => r.between('2025-01-01T00:00:00Z'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assertTimeError(() => r.between('2000-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), 'time.recurrence.too_many', '');
});

test('SendPolicy.combine, resolveTimeZone, localToUtc: arguments', () => {
  const p = SendPolicy.combine([]);
  assert.equal(p.timeZone, 'UTC');
  assert.equal(p.isAllowed('2025-01-01T03:00:00Z'), true);
  assert.equal(SendPolicy.combine([office()], 'Europe/Rome').timeZone, 'Europe/Rome');
  assert.throws(() => SendPolicy.combine([{ weekdays: ['funday'] }]), { name: 'FormatError', code: 'format.invalid', path: '/0/weekdays/0' });
  assert.throws(() => SendPolicy.combine({}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assertTimeError(() => SendPolicy.combine([], 'Mars/Olympus'), 'time.zone.unknown');
  assert.deepEqual(resolveTimeZone(), { zone: 'UTC', source: 'default', skipped: [] });
  assert.throws(() => resolveTimeZone({ zone: 'UTC' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => resolveTimeZone({ contact: 3 }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.equal(localToUtc('2025-03-30T02:30:00', 'Europe/Rome'), '2025-03-30T01:00:00Z');
  assert.throws(() => localToUtc('2025-03-30T02:30:00Z', 'Europe/Rome'), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => localToUtc('2025-03-30T02:30:00'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assertTimeError(() => localToUtc('2025-03-30T02:30:00', 'Europe/Atlantis'), 'time.zone.unknown');
});
