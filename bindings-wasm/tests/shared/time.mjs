// Time (issue 4): every case of core/tests/vectors/time_policy.json (`cases`, `errors`, `combine`,
// `zones`, `local_to_utc`),
// time_recurrence.json (`next`, `between`, `errors`, `rrule`, `rrule_errors`), time_wait.json and
// time_cap.json (`cases`, `errors`), plus the shape of
// the binding's API (options, instants, errors). Used by the Node tests
// (tests/node/time.test.mjs) and by the browser page (tests/browser/index.html): both runtimes
// run exactly the same checks.
//
// Depends on nothing but the binding it is given and a reader:
//   readVector(name) -> Promise<string | null>   a file of core/tests/vectors, null when missing

import { checkError, jsonEqual, thrown } from './conditions.mjs';

export const TIME_VECTOR_FILES = ['time_policy.json', 'time_recurrence.json', 'time_wait.json', 'time_cap.json'];

function fail(message) {
  throw new Error(message);
}

const show = (v) => JSON.stringify(v);

function expectEqual(got, want, what) {
  if (!jsonEqual(got, want)) fail(`${what}: got ${show(got)}, expected ${show(want)}`);
}

function requireArray(value, what) {
  if (!Array.isArray(value) || value.length === 0) fail(`${what} must be a non-empty array`);
  return value;
}

/** The JS error name of a core error code. */
export function errorName(code) {
  return code.startsWith('time.') ? 'TimeError' : 'FormatError';
}

/** Checks a thrown core error: its name (from the code), code and path. */
function checkCoreError(e, code, path) {
  const name = errorName(code);
  checkError(e, name, path === undefined ? { code } : { code, path });
  if (name === 'TimeError') checkError(e, name, { line: null, column: null });
}

/**
 * Loads the time vector files and returns { groups: [{ file, missing, cases: [{ name, run }] }] }.
 * A missing file gives `missing: true` and no cases; a malformed one fails loudly.
 */
export async function loadTimeGroups(api, { readVector }) {
  const groups = [];
  for (const file of TIME_VECTOR_FILES) {
    const text = await readVector(file);
    if (text === null) {
      groups.push({ file, missing: true, cases: [] });
      continue;
    }
    const vector = JSON.parse(text);
    const make = {
      'time_policy.json': policyCases,
      'time_recurrence.json': recurrenceCases,
      'time_wait.json': waitCases,
      'time_cap.json': capCases,
    }[file];
    groups.push({ file, missing: false, cases: make(api, vector) });
  }
  return { groups };
}

function policyCases(api, vector) {
  const { SendPolicy } = api;
  const cases = [];
  requireArray(vector.cases, 'time_policy.json: "cases"').forEach((c, i) => {
    cases.push({
      name: `time_policy cases #${i} ${c.name}`,
      run() {
        const policy = SendPolicy.fromJson(c.policy, c.zone);
        expectEqual(policy.timeZone, c.zone, 'timeZone');
        // As an RFC 3339 string and as a Date: the same answers.
        for (const at of [c.at, new Date(c.at)]) {
          expectEqual(policy.isAllowed(at), c.allowed, `isAllowed(${show(at)})`);
          expectEqual(policy.nextAllowed(at), c.next_allowed, `nextAllowed(${show(at)})`);
          if (c.decision !== undefined) {
            expectEqual(policy.decide(at), c.decision, `decide(${show(at)})`);
          }
        }
        // The policy's JSON form goes back in unchanged (zone included).
        const again = SendPolicy.fromJson(JSON.stringify(policy));
        expectEqual(again.nextAllowed(c.at), c.next_allowed, 'nextAllowed after a JSON round trip');
      },
    });
  });
  requireArray(vector.errors, 'time_policy.json: "errors"').forEach((c, i) => {
    cases.push({
      name: `time_policy errors #${i} ${c.name}`,
      run() {
        checkCoreError(thrown(() => SendPolicy.fromJson(c.policy)), c.code, c.path);
        checkCoreError(thrown(() => SendPolicy.fromJson(JSON.stringify(c.policy))), c.code, c.path);
      },
    });
  });
  const contactOf = (chain) => {
    const contact = { id: 'c' };
    if (chain.contact != null) contact.time_zone = chain.contact;
    if (chain.phone != null) contact.phone = chain.phone;
    if (chain.country != null) contact.fields = { country: chain.country };
    return contact;
  };
  requireArray(vector.combine, 'time_policy.json: "combine"').forEach((c, i) => {
    cases.push({
      name: `time_policy combine #${i} ${c.name}`,
      run() {
        if (c.code !== undefined) {
          checkCoreError(thrown(() => SendPolicy.combine(c.policies, c.zone)), c.code, c.path);
          return;
        }
        const both = SendPolicy.combine(c.policies, c.zone);
        expectEqual(both.nextAllowed(c.at), c.next_allowed, 'nextAllowed');
        expectEqual(SendPolicy.fromJson(JSON.stringify(both)).nextAllowed(c.at), c.next_allowed, 'after a JSON round trip');
      },
    });
  });
  requireArray(vector.zones, 'time_policy.json: "zones"').forEach((c, i) => {
    cases.push({
      name: `time_policy zones #${i} ${c.name}`,
      run() {
        const call = () => api.resolveTimeZone(contactOf(c.chain), { flowZone: c.chain.flow, accountZone: c.chain.account });
        if (c.code !== undefined) {
          checkCoreError(thrown(call), c.code, c.path);
          return;
        }
        expectEqual(call(), { zone: c.zone, source: c.source, skipped: c.skipped }, 'resolveTimeZone');
      },
    });
  });
  requireArray(vector.local_to_utc, 'time_policy.json: "local_to_utc"').forEach((c, i) => {
    cases.push({
      name: `time_policy local_to_utc #${i} ${c.local} ${c.zone}`,
      run() {
        expectEqual(api.localToUtc(c.local, c.zone), c.utc, 'localToUtc');
      },
    });
  });
  return cases;
}

function recurrenceCases(api, vector) {
  const { Recurrence } = api;
  const cases = [];
  const options = (c) => {
    const o = {};
    if (c.zone !== undefined) o.timeZone = c.zone;
    if (c.policy !== undefined) o.policy = c.policy;
    return o;
  };
  requireArray(vector.next, 'time_recurrence.json: "next"').forEach((c, i) => {
    cases.push({
      name: `time_recurrence next #${i} ${c.name}`,
      run() {
        for (const r of [Recurrence.fromJson(c.rule, options(c)), new Recurrence(c.rule, options(c))]) {
          expectEqual(r.timeZone, c.zone ?? 'UTC', 'timeZone');
          let t = c.after;
          for (const [k, want] of c.next.entries()) {
            const got = r.nextAfter(k === 0 ? new Date(t) : t);
            expectEqual(got, want, `nextAfter #${k} (${t})`);
            t = got;
          }
        }
      },
    });
  });
  requireArray(vector.between, 'time_recurrence.json: "between"').forEach((c, i) => {
    cases.push({
      name: `time_recurrence between #${i} ${c.name}`,
      run() {
        const r = Recurrence.fromJson(c.rule, options(c));
        expectEqual(r.between(c.from, c.to), c.occurrences, 'between (strings)');
        expectEqual(r.between(new Date(c.from), new Date(c.to)), c.occurrences, 'between (Dates)');
      },
    });
  });
  requireArray(vector.errors, 'time_recurrence.json: "errors"').forEach((c, i) => {
    cases.push({
      name: `time_recurrence errors #${i} ${c.name}`,
      run() {
        const o = c.policy === undefined ? undefined : { policy: c.policy };
        checkCoreError(thrown(() => Recurrence.fromJson(c.rule, o)), c.code, c.path);
        checkCoreError(thrown(() => new Recurrence(c.rule, o)), c.code, c.path);
      },
    });
  });
  requireArray(vector.rrule, 'time_recurrence.json: "rrule"').forEach((c, i) => {
    cases.push({
      name: `time_recurrence rrule #${i} ${c.text}`,
      run() {
        expectEqual(Recurrence.fromJson(c.rule).toRrule(), c.text, 'toRrule');
        expectEqual(Recurrence.fromRrule(c.text).toObject(), c.rule, 'fromRrule');
        expectEqual(new Recurrence(c.text).toObject(), c.rule, 'new Recurrence(rrule)');
        expectEqual(JSON.parse(JSON.stringify(new Recurrence(c.rule))), c.rule, 'JSON.stringify');
      },
    });
  });
  requireArray(vector.rrule_errors, 'time_recurrence.json: "rrule_errors"').forEach((c, i) => {
    cases.push({
      name: `time_recurrence rrule_errors #${i} ${show(c.text)}`,
      run() {
        checkCoreError(thrown(() => Recurrence.fromRrule(c.text)), c.code);
        checkCoreError(thrown(() => new Recurrence(c.text)), c.code);
      },
    });
  });
  return cases;
}

function waitCases(api, vector) {
  const { waitEnd } = api;
  const options = (c) => ({ timeZone: c.zone ?? 'UTC', date: c.date ?? null, policy: c.policy ?? null });
  const cases = [];
  requireArray(vector.cases, 'time_wait.json: "cases"').forEach((c, i) => {
    cases.push({
      name: `time_wait cases #${i} ${c.name}`,
      run() {
        expectEqual(waitEnd(c.wait, c.at, options(c)), c.end, 'waitEnd');
        expectEqual(waitEnd(JSON.stringify(c.wait), new Date(c.at), options(c)), c.end, 'waitEnd (text, Date)');
      },
    });
  });
  requireArray(vector.errors, 'time_wait.json: "errors"').forEach((c, i) => {
    cases.push({
      name: `time_wait errors #${i} ${c.name}`,
      run() {
        checkCoreError(thrown(() => waitEnd(c.wait, c.at ?? '2025-01-01T00:00:00Z', options(c))), c.code, c.path);
      },
    });
  });
  return cases;
}

function capCases(api, vector) {
  const { FrequencyCaps } = api;
  const cases = [];
  requireArray(vector.cases, 'time_cap.json: "cases"').forEach((c, i) => {
    cases.push({
      name: `time_cap cases #${i} ${c.name}`,
      run() {
        const caps = FrequencyCaps.fromJson(c.caps);
        expectEqual(caps.decide(c.history, c.channel, c.at, c.transactional), c.decision, 'decide');
        const again = new FrequencyCaps({ caps: c.caps.caps, whenCapped: c.caps.when_capped });
        const objects = c.history.map(([at, channel, transactional]) => ({ at: new Date(at), channel, transactional }));
        expectEqual(again.decide(objects, c.channel, new Date(c.at), c.transactional), c.decision, 'decide (options, objects)');
      },
    });
  });
  requireArray(vector.errors, 'time_cap.json: "errors"').forEach((c, i) => {
    cases.push({
      name: `time_cap errors #${i} ${c.name}`,
      run() {
        checkCoreError(thrown(() => FrequencyCaps.fromJson(c.caps)), c.code, c.path);
        checkCoreError(thrown(() => new FrequencyCaps({ caps: c.caps.caps })), c.code, c.path);
      },
    });
  });
  return cases;
}

/** Checks a Node-style argument error: its class and `code`. */
function checkArgError(e, Kind, code, what) {
  if (!(e instanceof Kind) || e.code !== code) fail(`${what}: expected a ${Kind.name} ${code}, got ${e} (code ${e && e.code})`);
}

/** The binding's own surface: constructor options, instants, argument errors. */
export function timeApiCases(api) {
  const { SendPolicy, Recurrence, FrequencyCaps, waitEnd, planSend, resolveTimeZone, localToUtc } = api;
  const rome = () => new SendPolicy({
    quietHours: [['22:00', '08:00']],
    weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
    hours: [['09:00', '20:00']],
    timeZone: 'Europe/Rome',
  });
  return [
    {
      name: 'SendPolicy options: pairs, weekdays, hours, timeZone',
      run() {
        const p = rome();
        expectEqual(p.timeZone, 'Europe/Rome', 'timeZone');
        // Friday 23:00 CEST: quiet, next is Monday 09:00 CEST.
        expectEqual(p.isAllowed('2025-06-06T21:00:00Z'), false, 'isAllowed');
        expectEqual(p.nextAllowed(new Date('2025-06-06T21:00:00Z')), '2025-06-09T07:00:00Z', 'nextAllowed');
        expectEqual(p.decide('2025-06-06T21:00:00Z'), { decision: 'defer', until: '2025-06-09T07:00:00Z' }, 'decide');
        expectEqual(p.decide('2025-06-09T07:00:00Z'), { decision: 'allow' }, 'decide (allowed)');
        expectEqual(p.toObject(), {
          quiet_hours: [{ start: '22:00', end: '08:00' }],
          weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
          hours: [{ start: '09:00', end: '20:00' }],
          time_zone: 'Europe/Rome',
          outside_window: 'defer',
        }, 'toObject');
      },
    },
    {
      name: 'SendPolicy: every option optional, windows as objects too, skip outside',
      run() {
        const always = new SendPolicy();
        expectEqual(always.timeZone, 'UTC', 'default zone');
        expectEqual(always.nextAllowed('2025-01-01T03:00:00Z'), '2025-01-01T03:00:00Z', 'always');
        expectEqual(new SendPolicy({}).isAllowed('2025-01-01T03:00:00Z'), true, '{}');
        const p = new SendPolicy({ quietHours: [{ start: '22:00', end: '08:00' }], outsideWindow: 'skip' });
        expectEqual(p.decide('2025-01-01T23:00:00Z'), { decision: 'skip' }, 'skip');
        // A fraction of a second is kept.
        expectEqual(p.nextAllowed('2025-01-01T12:00:00.250Z'), '2025-01-01T12:00:00.250Z', 'fraction');
        expectEqual(p.nextAllowed('2025-01-01T13:00:00+01:00'), '2025-01-01T12:00:00Z', 'offset input');
      },
    },
    {
      name: 'SendPolicy errors: TimeError with code and path, FormatError, TypeError, RangeError',
      run() {
        checkCoreError(thrown(() => new SendPolicy({ hours: [['09:00', '25:00']] })),
          'time.time.malformed', '/hours/0/end');
        checkCoreError(thrown(() => new SendPolicy({ timeZone: 'Europe/Atlantis' })),
          'time.zone.unknown', '/time_zone');
        checkCoreError(thrown(() => SendPolicy.fromJson({}, 'Europe/Atlantis')), 'time.zone.unknown', '/time_zone');
        checkCoreError(thrown(() => new SendPolicy({ quietHours: [['00:00', '12:00'], ['12:00', '00:00']] })),
          'time.policy.never_allowed', '');
        checkCoreError(thrown(() => new SendPolicy({ weekdays: ['funday'] })), 'format.invalid', '/weekdays/0');
        checkCoreError(thrown(() => SendPolicy.fromJson('{"hours": ')), 'format.eof');
        // An unknown option is the core's: the policy document has no such field.
        checkCoreError(thrown(() => new SendPolicy({ quietHour: [] })), 'format.invalid');
        checkCoreError(thrown(() => new SendPolicy(['22:00'])), 'format.invalid', '');
        const p = rome();
        // A naive local time (no offset) is refused, as are a missing instant and an invalid Date.
        if (!(thrown(() => p.nextAllowed('2025-06-06T21:00:00')) instanceof RangeError)) fail('naive');
        if (!(thrown(() => p.isAllowed(new Date(NaN))) instanceof RangeError)) fail('invalid Date');
        if (!(thrown(() => p.nextAllowed()) instanceof TypeError)) fail('missing instant');
        if (!(thrown(() => p.decide(42)) instanceof TypeError)) fail('a number');
      },
    },
    {
      name: 'Recurrence: RRULE and JSON forms, a SendPolicy as its policy',
      run() {
        const office = new SendPolicy({ hours: [['09:00', '18:00']], weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] });
        const r = new Recurrence({ kind: 'every', minutes: 30 }, { timeZone: 'Europe/Rome', policy: office });
        expectEqual(r.nextAfter('2025-06-06T16:10:00Z'), '2025-06-09T07:00:00Z', 'inside office hours');
        expectEqual(r.atOrAfter('2025-06-09T07:00:00Z'), '2025-06-09T07:00:00Z', 'atOrAfter');
        const last = new Recurrence('RRULE:FREQ=MONTHLY;BYDAY=-1MO;BYHOUR=9;BYMINUTE=0', { timeZone: 'Europe/Rome' });
        expectEqual(last.between('2025-01-01T00:00:00Z', '2025-05-01T00:00:00Z'),
          ['2025-01-27T08:00:00Z', '2025-02-24T08:00:00Z', '2025-03-31T07:00:00Z', '2025-04-28T07:00:00Z'],
          'the last Monday');
        expectEqual(new Recurrence('{"kind": "every", "minutes": 60}').toRrule(), 'FREQ=MINUTELY;INTERVAL=60', 'JSON text');
        expectEqual(last.between('2025-05-01T00:00:00Z', '2025-01-01T00:00:00Z'), [], 'empty span');
      },
    },
    {
      name: 'Recurrence errors: TimeError, too many, bad zone, bad arguments',
      run() {
        checkCoreError(thrown(() => new Recurrence({ kind: 'every', minutes: 5 }, { timeZone: 'Mars/Olympus' })),
          'time.zone.unknown', '/time_zone');
        checkCoreError(thrown(() => new Recurrence({ kind: 'every', minutes: 5 })
          .between('2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z')), 'time.recurrence.too_many', '');
        checkCoreError(thrown(() => new Recurrence({ kind: 'every', minutes: 15 }, { policy: { hours: '09:00' } })),
          'format.invalid', '/hours');
        checkCoreError(thrown(() => new Recurrence({ kind: 'every', minutes: 15 }, { policy: { hours: [{ start: '9', end: '10:00' }] } })),
          'time.time.malformed', '/hours/0/start');
        const r = new Recurrence({ kind: 'every', minutes: 15 });
        if (!(thrown(() => r.nextAfter('tomorrow')) instanceof RangeError)) fail('bad string');
        if (!(thrown(() => r.between('2025-01-01T00:00:00Z')) instanceof TypeError)) fail('missing b');
        if (!(thrown(() => new Recurrence(undefined)) instanceof TypeError)) fail('no rule');
        const e = thrown(() => new Recurrence({ kind: 'every', minutes: 15 }, 'UTC'));
        if (!(e instanceof TypeError) || !e.message.includes('options')) fail(`options as a string: ${e}`);
      },
    },
    {
      name: 'a combined policy round-trips through its JSON form; stricter',
      run() {
        const account = new SendPolicy({ hours: [['08:00', '21:00']] });
        const node = { hours: [{ start: '18:00', end: '23:00' }], weekdays: ['mon', 'tue'] };
        const both = SendPolicy.combine([account, node], 'Europe/Rome');
        expectEqual(both.toObject(), {
          weekdays: ['mon', 'tue'],
          hours: [{ start: '18:00', end: '21:00' }],
          time_zone: 'Europe/Rome',
          outside_window: 'defer',
        }, 'toObject');
        const at = '2025-06-02T05:00:00Z'; // Monday 07:00 in Rome
        for (const handed of [SendPolicy.fromJson(both.toObject()), SendPolicy.fromJson(JSON.stringify(both))]) {
          expectEqual(handed.isAllowed(at), false, 'isAllowed after the round trip');
          expectEqual(handed.nextAllowed(at), '2025-06-02T16:00:00Z', 'nextAllowed after the round trip');
        }
        expectEqual(new Recurrence({ kind: 'every', minutes: 60 }, { timeZone: 'Europe/Rome', policy: both }).nextAfter(at),
          '2025-06-02T16:00:00Z', 'as a recurrence policy');
        checkCoreError(thrown(() => SendPolicy.combine([account, { hours: [{ start: '09:00' }] }])), 'format.invalid', '/1/hours/0');
        checkCoreError(thrown(() => SendPolicy.combine([account, { hours: [{ start: '09:00', end: '25:00' }] }])),
          'time.time.malformed', '/1/hours/0/end');
        const s = new SendPolicy({ quietHours: [['22:00', '08:00']], timeZone: 'America/New_York' })
          .stricter({ outside_window: 'skip' });
        expectEqual(s.timeZone, 'America/New_York', 'stricter keeps the zone');
        expectEqual(SendPolicy.fromJson(s.toObject()).decide('2025-06-02T03:00:00Z'), { decision: 'skip' }, 'stricter skip');
        checkCoreError(thrown(() => new SendPolicy({ weekdays: ['sat'] }).stricter({ weekdays: ['mon'] })),
          'time.policy.never_allowed', '');
        checkCoreError(thrown(() => SendPolicy.combine({})), 'format.invalid', '');
      },
    },
    {
      name: 'waitEnd, planSend, FrequencyCaps: options and argument errors',
      run() {
        const rome = new SendPolicy({ quietHours: [['21:00', '09:00']], timeZone: 'Europe/Rome' });
        // The policy's zone is the recipient's: 1 day keeps 09:00 local across spring forward.
        expectEqual(waitEnd({ duration: { amount: 1, unit: 'days' } }, '2025-03-29T08:00:00Z', { policy: rome }),
          '2025-03-30T07:00:00Z', 'waitEnd in the policy zone');
        checkCoreError(thrown(() => waitEnd({ duration: { amount: 1, unit: 'fortnights' } }, '2025-01-01T00:00:00Z')),
          'format.invalid', '/duration/unit');
        checkArgError(thrown(() => waitEnd({ duration: { amount: 1, unit: 'days' } })), TypeError, 'ERR_INVALID_ARG_TYPE', 'no at');
        const caps = new FrequencyCaps({ caps: [{ channel: 'sms', max: 1, per: { amount: 1, unit: 'days' } }] });
        const history = [['2025-06-01T20:00:00Z', 'sms']];
        // The cap frees at 22:00 CEST on 2 June, in quiet hours: 09:00 CEST on 3 June.
        expectEqual(planSend('2025-06-02T08:00:00Z', 'sms', { policy: rome, caps, history }),
          { decision: 'defer', until: '2025-06-03T07:00:00Z' }, 'planSend');
        expectEqual(planSend('2025-06-02T08:00:00Z', 'sms', { policy: rome, caps, history, transactional: true }),
          { decision: 'allow' }, 'planSend transactional');
        expectEqual(planSend('2025-06-02T02:00:00Z', 'email'), { decision: 'allow' }, 'planSend without rules');
        expectEqual(caps.freesAt(null, 'sms', '2025-06-02T10:00:00Z'), '2025-06-02T10:00:00Z', 'freesAt, no history');
        expectEqual(JSON.parse(JSON.stringify(caps)), caps.toObject(), 'toJSON');
        checkCoreError(thrown(() => caps.decide([['2025-06-01T10:00:00Z', 'fax']], 'sms', '2025-06-02T10:00:00Z')),
          'format.invalid', '/0/1');
        checkArgError(thrown(() => caps.decide([], 'pigeon', '2025-06-02T10:00:00Z')), RangeError, 'ERR_INVALID_ARG_VALUE', 'channel');
        checkCoreError(thrown(() => caps.decide({}, 'sms', '2025-06-02T10:00:00Z')), 'format.invalid', '');
        checkArgError(thrown(() => planSend('2025-06-02T08:00:00Z', 'sms', { transactional: 'yes' })),
          TypeError, 'ERR_INVALID_ARG_TYPE', 'transactional');
      },
    },
    {
      name: 'resolveTimeZone with a contact; localToUtc',
      run() {
        expectEqual(resolveTimeZone({ id: 'c1', phone: '+39 333 1234567' }, { flowZone: 'America/New_York' }),
          { zone: 'Europe/Rome', source: 'phone', skipped: [] }, 'phone');
        expectEqual(resolveTimeZone({ id: 'c2', time_zone: 'Europe/Atlantis', phone: '+1 212 555 0100' }, { accountZone: 'America/Chicago' }),
          { zone: 'America/Chicago', source: 'account', skipped: ['contact', 'phone'] }, 'account');
        expectEqual(resolveTimeZone(null).source, 'default', 'no contact');
        checkCoreError(thrown(() => resolveTimeZone({ id: 'c4' }, { flowZone: 'Nowhere/City' })), 'time.zone.unknown', '/flow');
        expectEqual(localToUtc('2025-03-30T02:30:00', 'Europe/Rome'), '2025-03-30T01:00:00Z', 'gap');
        expectEqual(localToUtc('2025-10-26T02:30:00', 'Europe/Rome'), '2025-10-26T00:30:00Z', 'overlap');
        checkArgError(thrown(() => localToUtc('2025-03-30T02:30:00Z', 'Europe/Rome')), RangeError, 'ERR_INVALID_ARG_VALUE', 'offset');
        checkArgError(thrown(() => localToUtc('2025-03-30T02:30:00')), TypeError, 'ERR_INVALID_ARG_TYPE', 'no zone');
        checkCoreError(thrown(() => localToUtc('2025-03-30T02:30:00', 'Europe/Atlantis')), 'time.zone.unknown');
      },
    },
  ];
}
