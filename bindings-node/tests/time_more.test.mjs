// The rest of the time capability from Node: waitEnd, FrequencyCaps, planSend, combined and
// stricter policies (and their JSON round trip), resolveTimeZone with a contact, and argument
// errors. The shared vectors run in time_vectors.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sequenza } from './helpers.mjs';

const { SendPolicy, FrequencyCaps, waitEnd, planSend, resolveTimeZone } = sequenza;

test('a combined policy round-trips through its JSON form', () => {
  const account = new SendPolicy({ hours: [['08:00', '21:00']] });
  const node = { hours: [{ start: '18:00', end: '23:00' }], weekdays: ['mon', 'tue'] };
  const both = SendPolicy.combine([account, node], 'Europe/Rome');
  const doc = both.toObject();
  assert.deepEqual(doc.hours, [{ start: '18:00', end: '21:00' }]);
  assert.deepEqual(doc.weekdays, ['mon', 'tue']);
  assert.equal(doc.time_zone, 'Europe/Rome');
  // Handed on (as an object, as JSON text, or as the policy itself) it is the same policy:
  // Monday 07:00 in Rome is not allowed; 18:00 is the first allowed instant.
  const at = '2025-06-02T05:00:00Z';
  for (const handed of [SendPolicy.fromJson(doc), SendPolicy.fromJson(JSON.stringify(both)), both]) {
    assert.equal(handed.isAllowed(at), false);
    assert.equal(handed.nextAllowed(at), '2025-06-02T16:00:00Z');
  }
  // ... and as a recurrence's policy.
  const r = new sequenza.Recurrence({ kind: 'every', minutes: 60 }, { policy: both });
  assert.equal(r.nextAfter(at), '2025-06-02T16:00:00Z');
});

test('SendPolicy.stricter', () => {
  const quiet = new SendPolicy({ quietHours: [['22:00', '08:00']], timeZone: 'America/New_York' });
  const s = quiet.stricter({ outside_window: 'skip', weekdays: ['mon'] });
  assert.equal(s.timeZone, 'America/New_York');
  assert.deepEqual(s.toObject(), {
    weekdays: ['mon'],
    hours: [{ start: '08:00', end: '22:00' }],
    time_zone: 'America/New_York',
    outside_window: 'skip',
  });
  assert.deepEqual(SendPolicy.fromJson(s.toObject()).decide('2025-06-02T03:00:00Z'), { decision: 'skip' });
  assert.throws(() => new SendPolicy({ weekdays: ['sat'] }).stricter({ weekdays: ['mon'] }), {
    name: 'TimeError',
    code: 'time.policy.never_allowed',
  });
  assert.throws(() => quiet.stricter(3), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('waitEnd: options and errors', () => {
  const rome = new SendPolicy({ timeZone: 'Europe/Rome' });
  // The policy's zone is the recipient's when no timeZone is given: 1 day keeps 09:00 local.
  assert.equal(waitEnd({ duration: { amount: 1, unit: 'days' } }, '2025-03-29T08:00:00Z', { policy: rome }), '2025-03-30T07:00:00Z');
  assert.equal(waitEnd({ duration: { amount: 1, unit: 'days' } }, '2025-03-29T08:00:00Z'), '2025-03-30T08:00:00Z');
  assert.throws(() => waitEnd({ duration: { amount: 1, unit: 'fortnights' } }, '2025-01-01T00:00:00Z'), {
    name: 'FormatError',
    path: '/duration/unit',
  });
  const birthday = { until: { kind: 'date_field', field: 'birth_date', time: '09:00', yearly: true } };
  assert.throws(() => waitEnd(birthday, '2025-01-01T00:00:00Z', { date: '12 June' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => waitEnd(birthday, '2025-01-01T00:00:00Z', { zone: 'UTC' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => waitEnd(3, '2025-01-01T00:00:00Z'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => waitEnd(birthday), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('FrequencyCaps: history forms and argument errors', () => {
  const caps = new FrequencyCaps({ caps: [{ channel: 'sms', max: 1, per: { amount: 3, unit: 'days' } }] });
  assert.equal(caps.freesAt([{ at: '2025-06-01T10:00:00Z', channel: 'sms' }], 'sms', '2025-06-02T10:00:00Z'), '2025-06-04T10:00:00Z');
  assert.equal(caps.freesAt(null, 'sms', '2025-06-02T10:00:00Z'), '2025-06-02T10:00:00Z');
  assert.deepEqual(JSON.parse(JSON.stringify(caps)), caps.toObject());
  assert.equal(caps.toObject().when_capped, 'defer');
  assert.throws(() => caps.decide([['2025-06-01T10:00:00Z', 'fax']], 'sms', '2025-06-02T10:00:00Z'), {
    name: 'FormatError',
    code: 'format.invalid',
    path: '/0/1',
  });
  assert.throws(() => caps.decide([], 'pigeon', '2025-06-02T10:00:00Z'), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => caps.decide({}, 'sms', '2025-06-02T10:00:00Z'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new FrequencyCaps({ limits: [] }), { name: 'FormatError', code: 'format.invalid' });
});

test('planSend: caps, then quiet hours, in the recipient zone', () => {
  const policy = new SendPolicy({ quietHours: [['21:00', '09:00']], timeZone: 'Europe/Rome' });
  const caps = new FrequencyCaps({ caps: [{ channel: 'sms', max: 1, per: { amount: 1, unit: 'days' } }] });
  const history = [['2025-06-01T20:00:00Z', 'sms']];
  // The cap frees at 22:00 CEST on 2 June, in quiet hours: 09:00 CEST on 3 June.
  assert.deepEqual(planSend('2025-06-02T08:00:00Z', 'sms', { policy, caps, history }), {
    decision: 'defer',
    until: '2025-06-03T07:00:00Z',
  });
  assert.deepEqual(planSend('2025-06-02T08:00:00Z', 'sms', { policy, caps, history, transactional: true }), { decision: 'allow' });
  assert.deepEqual(planSend('2025-06-02T08:00:00Z', 'email', { policy, caps, history }), { decision: 'allow' });
  assert.deepEqual(planSend('2025-06-02T02:00:00Z', 'email'), { decision: 'allow' });
  const skip = { caps: [{ max: 1, per: { amount: 1, unit: 'days' } }], when_capped: 'skip' };
  assert.deepEqual(planSend('2025-06-02T08:00:00Z', 'email', { caps: skip, history }), { decision: 'skip' });
  assert.throws(() => planSend('2025-06-02T08:00:00Z', 'sms', { transactional: 'yes' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => planSend('2025-06-02T08:00:00Z', 'sms', { zone: 'UTC' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test('resolveTimeZone with a contact', () => {
  assert.deepEqual(resolveTimeZone({ id: 'c1', phone: '+39 333 1234567' }, { flowZone: 'America/New_York' }), {
    zone: 'Europe/Rome',
    source: 'phone',
    skipped: [],
  });
  assert.deepEqual(
    resolveTimeZone({ id: 'c2', time_zone: 'Europe/Atlantis', phone: '+1 212 555 0100' }, { accountZone: 'America/Chicago' }),
    { zone: 'America/Chicago', source: 'account', skipped: ['contact', 'phone'] },
  );
  assert.equal(resolveTimeZone(JSON.stringify({ id: 'c3', fields: { country: 'FR' } })).zone, 'Europe/Paris');
  assert.equal(resolveTimeZone(null, { flowZone: 'Asia/Kathmandu' }).source, 'flow');
  assert.throws(() => resolveTimeZone({ id: 'c4' }, { flowZone: 'Nowhere/City' }), { name: 'TimeError', code: 'time.zone.unknown', path: '/flow' });
  assert.throws(() => resolveTimeZone({ id: 'c4' }, { flow: 'UTC' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
});
