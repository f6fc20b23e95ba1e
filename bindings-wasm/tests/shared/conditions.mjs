// Conditions and segments (issue 3): the shared condition vectors of core/tests/vectors, the
// agreement of bulk `filter` / `count` with per-contact `matches` on generated contacts, the
// SegmentIndex, the error shapes, and the live-preview check (count over 10,000 contacts).
// Used by the Node tests (tests/node/conditions.test.mjs) and by the browser page
// (tests/browser/index.html): both runtimes run exactly the same checks.
//
// Depends on nothing but the binding it is given and a reader:
//   readVector(name) -> Promise<string | null>   a file of core/tests/vectors, null when missing

export const CONDITION_VECTOR_FILES = [
  'condition_text.json',
  'condition_eval.json',
  'jsonlogic_public.json',
  'segment_bulk.json',
];

/** The instant of the generated data. */
export const NOW = '2026-11-25T12:00:00Z';

function fail(message) {
  throw new Error(message);
}

const show = (v) => JSON.stringify(v);

/** Deep equality of JSON values (numbers compare as numbers, key order does not matter). */
export function jsonEqual(a, b) {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Runs `fn` and returns what it throws; fails when it throws nothing. */
export function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return fail('expected an exception, none was thrown');
}

/** Checks a sequenza error: a real Error with this name and these properties. */
export function checkError(e, name, want) {
  if (!(e instanceof Error)) fail(`not an Error instance: ${String(e)}`);
  if (e.name !== name) fail(`name is ${e.name}, expected ${name} (${e.message})`);
  // Location fields that do not apply to an error are absent (`undefined`); `null` expects that.
  for (const [key, value] of Object.entries(want)) {
    if (!jsonEqual(e[key] ?? null, value)) {
      fail(`${name}.${key} is ${show(e[key])}, expected ${show(value)} (message: ${e.message})`);
    }
  }
  for (const key of ['code', 'area']) {
    if (!Object.hasOwn(e, key)) fail(`${name} has no own property ${key}`);
  }
  const chain = [];
  for (let p = Object.getPrototypeOf(e); p; p = Object.getPrototypeOf(p)) chain.push(p.constructor.name);
  if (!chain.includes('SequenzaError')) fail(`${name} is not a SequenzaError (${chain})`);
  if (typeof e.message !== 'string' || e.message.length === 0) fail(`${name} has no message`);
  if (!String(e).startsWith(`${name}: `)) fail(`String(error) is ${String(e)}`);
  if (typeof e.stack !== 'string') fail(`${name} has no stack`);
}

/** The ids of the segments an `in_segment` anywhere in a condition (JSON form) names. */
export function segmentsNamed(condition, out = new Set()) {
  if (Array.isArray(condition)) {
    for (const c of condition) segmentsNamed(c, out);
  } else if (condition && typeof condition === 'object') {
    if (condition.type === 'in_segment' && typeof condition.segment === 'string') {
      out.add(condition.segment);
    }
    for (const v of Object.values(condition)) segmentsNamed(v, out);
  }
  return out;
}

// ---- the vectors -----------------------------------------------------------------------------

/**
 * Loads the three condition vector files and returns
 *   { groups: [{ file, missing, cases: [{ name, run }] }] }
 * A missing file gives `missing: true` and no cases; a malformed one fails loudly.
 */
export async function loadConditionGroups(api, { readVector }) {
  const groups = [];
  for (const file of CONDITION_VECTOR_FILES) {
    const text = await readVector(file);
    if (text === null) {
      groups.push({ file, missing: true, cases: [] });
      continue;
    }
    const vector = JSON.parse(text);
    const make = {
      'condition_text.json': conditionTextCases,
      'condition_eval.json': conditionEvalCases,
      'jsonlogic_public.json': jsonlogicCases,
      'segment_bulk.json': segmentBulkCases,
    }[file];
    const cases = make(api, vector);
    if (cases.length === 0) fail(`${file} has no cases`);
    groups.push({ file, missing: false, cases });
  }
  return { groups };
}

function requireArray(value, what) {
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  return value;
}

function conditionTextCases(api, vector) {
  const { Segment } = api;
  const cases = requireArray(vector.cases, 'condition_text.json: "cases"').map((c, i) => ({
    name: `condition_text #${i} ${show(c.text)}`,
    async run() {
      // `text` parses to the condition `json` reads as (defaults filled in by the core).
      const parsed = Segment.parse(c.text);
      const fromJson = Segment.fromJson(c.json);
      const got = parsed.toObject();
      const want = fromJson.toObject();
      if (!jsonEqual(got, want)) fail(`parse gave ${show(got)}, expected ${show(want)}`);
      const display = c.display ?? c.text;
      if (parsed.toText() !== display) {
        fail(`printed as ${show(parsed.toText())}, expected ${show(display)}`);
      }
      if (fromJson.toText() !== display) {
        fail(`the JSON form prints as ${show(fromJson.toText())}, expected ${show(display)}`);
      }
      if (String(fromJson) !== display) fail(`String(segment) is ${show(String(fromJson))}`);
      parsed.free();
      fromJson.free();
    },
  }));
  const errors = requireArray(vector.errors, 'condition_text.json: "errors"').map((c, i) => ({
    name: `condition_text error #${i} ${c.name}`,
    async run() {
      const e = thrown(() => Segment.parse(c.text));
      const want = { code: c.code, path: null };
      if (c.line !== undefined) want.line = c.line;
      if (c.column !== undefined) want.column = c.column;
      checkError(e, 'ConditionSyntaxError', want);
      if (!Array.isArray(e.expected) || e.expected.some((x) => typeof x !== 'string')) {
        fail(`expected is ${show(e.expected)}`);
      }
      if (typeof e.found !== 'string') fail(`found is ${show(e.found)}`);
    },
  }));
  return [...cases, ...errors];
}

// segment_bulk.json (issue 10 §6): in_segment in bulk (filter with memberships) and one contact
// at a time (matches with the segments it is in) give the same answer.
function segmentBulkCases(api, vector) {
  const { Segment } = api;
  return requireArray(vector.cases, 'segment_bulk.json: "cases"').map((c, i) => ({
    name: `segment_bulk #${i} ${c.name}`,
    async run() {
      const segment = Segment.fromJson(c.condition);
      const ids = segment.filter(c.contacts, { now: c.now, segments: c.memberships });
      if (!sameList(ids, c.expect)) fail(`filter gave ${show(ids)}, expected ${show(c.expect)}`);
      for (const contact of c.contacts) {
        const mine = Object.keys(c.memberships).filter((s) => c.memberships[s].includes(contact.id));
        const got = segment.matches(contact, { now: c.now, segments: mine });
        if (got !== c.expect.includes(contact.id)) fail(`matches(${contact.id}) gave ${got}`);
      }
      segment.free();
    },
  }));
}

function conditionEvalCases(api, vector) {
  const { Segment } = api;
  const cases = requireArray(vector.cases, 'condition_eval.json: "cases"').map((c, i) => ({
    name: `condition_eval #${i} ${c.name}`,
    async run() {
      const segment = Segment.fromJson(c.condition);
      const options = {
        now: c.now,
        events: c.events ?? [],
        defaultTimeZone: c.default_time_zone,
        segments: c.segments ?? [],
      };
      const got = segment.matches(c.contact, options);
      if (got !== c.expect) fail(`matches gave ${got}, expected ${c.expect}`);
      // The same with `now` as a Date, and the contact as JSON text.
      const again = segment.matches(JSON.stringify(c.contact), { ...options, now: new Date(c.now) });
      if (again !== c.expect) fail(`matches with a Date gave ${again}, expected ${c.expect}`);
      // The bulk evaluator (filter / count) agrees on the one contact.
      const mine = new Set(c.segments ?? []);
      const segments = {};
      for (const id of segmentsNamed(c.condition)) segments[id] = mine.has(id) ? [c.contact.id] : [];
      const bulk = { ...options, segments };
      const ids = segment.filter([c.contact], bulk);
      const want = c.expect ? [c.contact.id] : [];
      if (!sameList(ids, want)) fail(`filter gave ${show(ids)}, expected ${show(want)}`);
      const n = segment.count([c.contact], bulk);
      if (n !== want.length) fail(`count gave ${n}, expected ${want.length}`);
      segment.free();
    },
  }));
  const errors = requireArray(vector.errors, 'condition_eval.json: "errors"').map((c, i) => ({
    name: `condition_eval error #${i} ${c.name}`,
    async run() {
      const segment = Segment.fromJson(c.condition);
      const want = { code: c.code, path: c.path, line: null, column: null };
      checkError(thrown(() => segment.check(c.fields)), 'ConditionError', want);
      // matches compiles the condition the same way before evaluating it.
      const e = thrown(() => segment.matches({ id: 'c1' }, { now: NOW, fields: c.fields }));
      checkError(e, 'ConditionError', want);
      segment.free();
    },
  }));
  return [...cases, ...errors];
}

function jsonlogicCases(api, vector) {
  const { jsonlogicApply } = api;
  const cases = [];
  let section = '';
  for (const entry of requireArray(vector, 'jsonlogic_public.json')) {
    if (typeof entry === 'string') {
      section = entry.replace(/^#\s*/, '');
      continue;
    }
    const i = cases.length;
    cases.push({
      name: `jsonlogic_public #${i} ${section}: ${entry.description ?? show(entry.rule)}`,
      async run() {
        const got = jsonlogicApply(entry.rule, entry.data);
        if (!jsonEqual(got, entry.result)) {
          fail(`${show(entry.rule)} on ${show(entry.data)} gave ${show(got)}, ` +
            `expected ${show(entry.result)}`);
        }
      },
    });
  }
  return cases;
}

// ---- generated contacts ----------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32). */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/**
 * `n` contacts and their events, varied enough to exercise every condition type: text, numbers
 * (and numbers as text), booleans, dates and instants, lists, tags, lists, consent, time zones
 * (one of them unknown), and order / open events around `NOW`.
 */
export function generateContacts(n, seed = 7) {
  const r = random(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const some = (xs) => xs.filter(() => r() < 0.35);
  const now = Date.parse(NOW);
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const contacts = [];
  const events = [];
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const fields = {};
    const city = pick(['Milano', 'Roma', 'Torino', 'Napoli', 'milano', 'Bologna', 'Città', null]);
    if (city !== null) fields.city = city;
    if (r() < 0.85) fields.score = r() < 0.1 ? String(Math.floor(r() * 100)) : Math.floor(r() * 1000) / 10;
    if (r() < 0.9) fields.birth_date = day(Date.UTC(1950, 0, 1) + Math.floor(r() * 60 * 365.25) * DAY);
    if (r() < 0.8) fields.plan = pick(['free', 'pro']);
    if (r() < 0.7) fields.newsletter = r() < 0.5;
    if (r() < 0.6) fields.interests = some(['sport', 'music', 'food', 'travel']);
    if (r() < 0.7) fields.last_login = iso(now - Math.floor(r() * 400 * DAY));
    const contact = { id, fields, tags: some(['vip', 'newsletter', 'churn-risk', 'beta']) };
    if (r() < 0.8) contact.email = `${id}@example.${pick(['it', 'com'])}`;
    const lists = some(['customers', 'blacklist']);
    if (lists.length > 0) contact.lists = lists;
    if (r() < 0.7) contact.consent = { email: { status: pick(['opted_in', 'opted_out', 'unknown']) } };
    const zone = pick(['Europe/Rome', 'America/New_York', 'Asia/Tokyo', null, null, 'Not/A_Zone']);
    if (zone !== null) contact.time_zone = zone;
    if (r() < 0.5) contact.created_at = iso(now - Math.floor(r() * 900 * DAY));
    contacts.push(contact);
    const k = Math.floor(r() * 5);
    for (let j = 0; j < k; j++) {
      // Mostly in the past, a few after `now` (which no condition may count).
      const at = iso(now - Math.floor((r() * 420 - 10) * DAY));
      if (r() < 0.6) {
        events.push({
          contact: id, name: 'order.placed', at,
          properties: { amount: Math.floor(r() * 30000) / 100, currency: pick(['EUR', 'USD']) },
        });
      } else {
        events.push({ contact: id, name: 'email.opened', at });
      }
    }
  }
  return { contacts, events };
}

/** Conditions over the generated contacts: every condition type, in text and JSON form. */
export const GENERATED_CONDITIONS = [
  'city = "Milano"',
  'city = "milano" ignoring case',
  'city in ("Milano", "Roma", "Città")',
  'city != "Roma"',
  'city starts with "M" or city ends with "a"',
  'city matches "^(Mil|Tor)"',
  'score > 50',
  'score between 10 and 20',
  'score is empty',
  'score = "42"',
  'plan = "pro" and newsletter = true',
  'newsletter != true',
  'interests contains "music"',
  'interests is empty',
  'email ends with ".it"',
  'email is set',
  'tags has any ("vip", "beta")',
  'tags has all ("vip", "newsletter")',
  'tags has none ("churn-risk")',
  'in list "customers" and not in list "blacklist"',
  'consent email is opted_in',
  'consent email is unknown',
  'age between 25 and 34',
  'age >= 65',
  'birth_date anniversary within 7 days',
  'last_login within last 30 days',
  'last_login more than 6 months ago',
  'last_login before 2026-06-01',
  'created_at after 2025-01-01',
  'did "order.placed"',
  'did "order.placed" at least 3 times',
  'not did "order.placed" within 90 days',
  'did "order.placed" where (amount > 100 and currency = "EUR") within 365 days',
  'did "email.opened" exactly 1 time',
  'last "order.placed" within last 30 days',
  'first "order.placed" before 2026-01-01',
  'sum of "amount" in "order.placed" within 365 days >= 300',
  'count of "email.opened" within 90 days < 1',
  'avg of "amount" in "order.placed" > 150',
  'max of "amount" in "order.placed" <= 50',
  'age between 25 and 34 and tags has any ("vip", "newsletter") and not did "order.placed" within 90 days',
  '(city = "Milano" or city = "Roma") and (score > 30 or did "email.opened")',
  'all()',
  'any()',
  { type: 'field', field: 'time_zone', op: 'eq', value: 'Europe/Rome' },
  { type: 'field', field: 'id', op: 'starts_with', value: 'c1' },
  { type: 'date', field: 'last_login', when: { op: 'in_next', amount: 1, unit: 'days' } },
];

function segmentOf(api, c) {
  return typeof c === 'string' ? api.Segment.parse(c) : api.Segment.fromJson(c);
}

/** Groups events by contact id. */
export function eventsByContact(events) {
  const by = new Map();
  for (const e of events) {
    if (!by.has(e.contact)) by.set(e.contact, []);
    by.get(e.contact).push(e);
  }
  return by;
}

/** The ids `matches` accepts, one contact at a time. */
export function matchingOneByOne(segment, contacts, events, options) {
  const by = eventsByContact(events);
  return contacts
    .filter((c) => segment.matches(c, { ...options, events: by.get(c.id) ?? [] }))
    .map((c) => c.id);
}

/** filter / count against per-contact matches, for every generated condition. */
export function bulkAgreementCases(api, { size = 600, zones = ['UTC', 'Europe/Rome'] } = {}) {
  const { contacts, events } = generateContacts(size);
  const cases = [];
  for (const condition of GENERATED_CONDITIONS) {
    for (const defaultTimeZone of zones) {
      cases.push({
        name: `filter/count = matches on ${size} contacts (${defaultTimeZone}): ${
          typeof condition === 'string' ? condition : show(condition)}`,
        async run() {
          const segment = segmentOf(api, condition);
          const options = { now: NOW, events, defaultTimeZone };
          const ids = segment.filter(contacts, options);
          const want = matchingOneByOne(segment, contacts, events, options);
          if (!sameList(ids, want)) {
            const extra = ids.filter((x) => !want.includes(x)).slice(0, 5);
            const missing = want.filter((x) => !ids.includes(x)).slice(0, 5);
            fail(`filter found ${ids.length}, matches ${want.length}; only in filter: ` +
              `${show(extra)}, only in matches: ${show(missing)}`);
          }
          const n = segment.count(contacts, options);
          if (n !== want.length) fail(`count is ${n}, matches found ${want.length}`);
          segment.free();
        },
      });
    }
  }
  cases.push({
    name: `ContactTable: count and filter equal Segment.count / filter for every generated condition`,
    async run() {
      const table = new api.ContactTable(contacts, { events });
      if (!sameList(table.ids(), contacts.map((c) => c.id))) fail('table.ids() is not the input order');
      for (const condition of GENERATED_CONDITIONS) {
        const segment = segmentOf(api, condition);
        for (const defaultTimeZone of zones) {
          const options = { now: NOW, defaultTimeZone };
          const want = segment.filter(contacts, { ...options, events });
          const ids = table.filter(segment, options);
          if (!sameList(ids, want)) fail(`${show(condition)} (${defaultTimeZone}): table.filter disagrees`);
          if (table.count(segment, options) !== want.length) fail(`${show(condition)}: table.count disagrees`);
        }
        segment.free();
      }
      const e = thrown(() => table.count(api.Segment.parse('all()'), { now: NOW, events }));
      if (!(e instanceof TypeError)) fail(`events given to table.count: ${e}`);
      const notSegment = thrown(() => table.count({ type: 'and', conditions: [] }, { now: NOW }));
      if (!(notSegment instanceof Error)) fail('a plain object accepted as a Segment');
      table.free();
    },
  });
  cases.push({
    name: 'filter/count: in_segment reads the memberships given as {segment: [contact ids]}',
    async run() {
      const segment = api.Segment.parse('in segment "lapsed" and not in segment "vip"');
      const few = contacts.slice(0, 10);
      const segments = { lapsed: ['c1', 'c2', 'c3', 'nobody'], vip: ['c2'] };
      const ids = segment.filter(few, { now: NOW, segments });
      if (!sameList(ids, ['c1', 'c3'])) fail(`filter gave ${show(ids)}`);
      for (const c of few) {
        const mine = Object.keys(segments).filter((s) => segments[s].includes(c.id));
        const one = segment.matches(c, { now: NOW, segments: mine });
        if (one !== ids.includes(c.id)) fail(`matches disagrees on ${c.id}`);
      }
    },
  });
  cases.push({
    name: 'filter/count: a field schema makes the fields declared',
    async run() {
      const fields = { fields: [{ key: 'city', type: 'text' }, { key: 'score', type: 'number' }] };
      const segment = api.Segment.parse('city = "Milano" and score > 50');
      const ids = segment.filter(contacts, { now: NOW, fields });
      const want = matchingOneByOne(segment, contacts, [], { now: NOW, fields });
      if (!sameList(ids, want)) fail(`filter ${ids.length} vs matches ${want.length}`);
      const bad = api.Segment.parse('shoe_size > 40');
      checkError(thrown(() => bad.count(contacts, { now: NOW, fields })), 'ConditionError', {
        code: 'condition.field.unknown', path: '/field',
      });
    },
  });
  return cases;
}

// ---- SegmentIndex ----------------------------------------------------------------------------

export function segmentIndexCases(api) {
  const { Segment, SegmentIndex } = api;
  return [
    {
      name: 'SegmentIndex: register, upsertContact, addEvent, tick, nextWakeup, members, segmentsOf',
      async run() {
        const index = new SegmentIndex({ defaultTimeZone: 'Europe/Rome' });
        const t0 = '2026-11-01T09:00:00Z';
        const none = index.register(Segment.parse(
          'did "order.placed" within 7 days', 'recent', 'Ordered this week'));
        if (!sameList(none, [])) fail(`register on an empty index gave ${show(none)}`);
        index.register({ id: 'milano', name: 'Milano', condition: { type: 'field', field: 'city', op: 'eq', value: 'Milano' } }, t0);
        let deltas = index.upsertContact({ id: 'anna', fields: { city: 'Milano' } }, t0);
        if (!jsonEqual(deltas, [{ contact: 'anna', segment: 'milano', change: 'entered', at: t0 }])) {
          fail(`upsertContact gave ${show(deltas)}`);
        }
        if (Object.getPrototypeOf(deltas[0]) !== Object.prototype) fail('a delta is not a plain object');
        deltas = index.addEvent({ contact: 'anna', name: 'order.placed', at: t0 }, new Date(t0));
        if (!jsonEqual(deltas, [{ contact: 'anna', segment: 'recent', change: 'entered', at: t0 }])) {
          fail(`addEvent gave ${show(deltas)}`);
        }
        if (!sameList(index.segmentsOf('anna').sort(), ['milano', 'recent'])) {
          fail(`segmentsOf gave ${show(index.segmentsOf('anna'))}`);
        }
        if (!sameList(index.members('recent'), ['anna'])) fail(`members ${show(index.members('recent'))}`);
        if (!index.isMember('milano', 'anna') || index.isMember('milano', 'bruno')) fail('isMember');
        if (index.contactCount !== 1) fail(`contactCount ${index.contactCount}`);
        const wake = index.nextWakeup();
        if (wake !== '2026-11-08T09:00:00Z') fail(`nextWakeup is ${show(wake)}`);
        if (index.tick('2026-11-05T00:00:00Z').length !== 0) fail('tick before the wake-up changed something');
        const later = new Date(Date.parse(wake) + 1000);
        deltas = index.tick(later);
        if (!jsonEqual(deltas, [{ contact: 'anna', segment: 'recent', change: 'exited', at: '2026-11-08T09:00:01Z' }])) {
          fail(`tick gave ${show(deltas)}`);
        }
        if (index.members('recent').length !== 0) fail('still a member after tick');
        if (index.nextWakeup() !== null) fail(`nextWakeup is ${show(index.nextWakeup())}`);
        if (!sameList(index.members('no such segment'), [])) fail('members of an unknown segment');
        deltas = index.upsertContact({ id: 'anna', fields: { city: 'Roma' } }, later);
        if (!jsonEqual(deltas.map((d) => [d.segment, d.change]), [['milano', 'exited']])) {
          fail(`moving to Roma gave ${show(deltas)}`);
        }
        index.free();
      },
    },
    {
      name: 'SegmentIndex: membership equals filter on generated contacts, with in_segment',
      async run() {
        const { contacts, events } = generateContacts(300, 11);
        const index = new SegmentIndex();
        const defs = [
          ['buyers', 'did "order.placed" within 365 days'],
          ['milanesi', 'city = "Milano" ignoring case'],
          ['vip', 'tags has any ("vip") or sum of "amount" in "order.placed" >= 500'],
          ['buyers_not_vip', 'in segment "buyers" and not in segment "vip"'],
        ];
        // In reverse order: registerAll sorts out who reads whom.
        index.registerAll(defs.slice().reverse().map(([id, text]) => Segment.parse(text, id)));
        for (const c of contacts) index.upsertContact(c, NOW);
        for (const e of events) index.addEvent(e, NOW);
        const members = {};
        for (const [id, text] of defs) {
          members[id] = index.members(id).slice().sort();
          if (id === 'buyers_not_vip') continue;
          const want = Segment.parse(text).filter(contacts, { now: NOW, events }).sort();
          if (!sameList(members[id], want)) {
            fail(`${id}: the index has ${members[id].length} members, filter finds ${want.length}`);
          }
        }
        const derived = Segment.parse(defs[3][1]).filter(contacts, {
          now: NOW, events, segments: { buyers: members.buyers, vip: members.vip },
        }).sort();
        if (!sameList(members.buyers_not_vip, derived)) fail('buyers_not_vip disagrees with filter');
        if (members.buyers_not_vip.length === 0) fail('buyers_not_vip is empty: weak test data');
      },
    },
  ];
}

// ---- error shapes ----------------------------------------------------------------------------

export function conditionErrorCases(api) {
  const { Segment, SegmentIndex, jsonlogicApply } = api;
  const contact = { id: 'c1', fields: { city: 'Milano' } };
  return [
    {
      name: 'error shape: ConditionSyntaxError with code, line, column, expected, found',
      async run() {
        const e = thrown(() => Segment.parse('city == "Milano"'));
        checkError(e, 'ConditionSyntaxError', {
          code: 'condition.syntax', path: null, line: 1, column: 6, found: '`==`',
        });
        if (!e.expected.length) fail('expected is empty');
        const multi = thrown(() => Segment.parse('age >= 18\n  and (city = "Milano"\n  or )'));
        checkError(multi, 'ConditionSyntaxError', { code: 'condition.syntax', line: 3 });
      },
    },
    {
      name: 'error shape: ConditionError with code and path (type mismatch, regex, too deep)',
      async run() {
        const fields = { fields: [{ key: 'age', type: 'number' }] };
        const mismatch = Segment.fromJson({ type: 'and', conditions: [
          { type: 'in_list', list: 'news' },
          { type: 'field', field: 'age', op: 'gt', value: 'eighteen' },
        ] });
        checkError(thrown(() => mismatch.check(fields)), 'ConditionError', {
          code: 'condition.type_mismatch', path: '/conditions/1/value', line: null, column: null,
        });
        mismatch.check(); // without fields the text operand is fine
        const regex = Segment.parse('email matches "(unclosed"');
        checkError(thrown(() => regex.check()), 'ConditionError', {
          code: 'condition.regex.invalid', path: '/value',
        });
        checkError(thrown(() => regex.matches(contact, { now: NOW })), 'ConditionError', {
          code: 'condition.regex.invalid',
        });
        checkError(thrown(() => regex.count([contact], { now: NOW })), 'ConditionError', {
          code: 'condition.regex.invalid',
        });
        let deep = { type: 'in_list', list: 'x' };
        for (let i = 0; i < 70; i++) deep = { type: 'not', condition: deep };
        const tooDeep = Segment.fromJson(deep);
        checkError(thrown(() => tooDeep.check()), 'ConditionError', { code: 'condition.too_deep' });
        checkError(thrown(() => tooDeep.filter([contact], { now: NOW })), 'ConditionError', {
          code: 'condition.too_deep',
        });
      },
    },
    {
      name: 'error shape: segment cycles, duplicates and unknown segments are SegmentErrors',
      async run() {
        const index = new SegmentIndex();
        const a = Segment.parse('in segment "b"', 'a', 'A');
        const b = Segment.parse('not in segment "a"', 'b', 'B');
        const e = thrown(() => index.registerAll([a, b]));
        checkError(e, 'SegmentError', { code: 'segment.cycle', path: '/0/condition/segment' });
        if (!e.message.includes('a → b → a')) fail(`the cycle is not spelled out: ${e.message}`);
        checkError(thrown(() => index.register(a)), 'SegmentError', {
          code: 'segment.unknown', path: '/condition/segment',
        });
        index.register(Segment.parse('city = "x"', 'b'));
        checkError(thrown(() => index.register(Segment.parse('all()', 'b'))), 'SegmentError', {
          code: 'segment.duplicate', path: '/id',
        });
        // A segment without a given membership has no members (as for one contact).
        const bulk = Segment.parse('in segment "lapsed"');
        if (bulk.count([contact], { now: NOW }) !== 0) fail('in_segment without members matched');
        // register needs a segment document; a bare condition is the core's FormatError.
        checkError(thrown(() => index.register(Segment.parse('all()'))), 'FormatError', { code: 'format.invalid' });
      },
    },
    {
      name: 'error shape: JsonLogicError with code and path; unsupported translations',
      async run() {
        checkError(thrown(() => jsonlogicApply({ and: [true, { bogus: [1] }] }, null)), 'JsonLogicError', {
          code: 'jsonlogic.unknown_operator', path: '/and/1', line: null, column: null,
        });
        checkError(thrown(() => jsonlogicApply({ '*': [] })), 'JsonLogicError', {
          code: 'jsonlogic.invalid_arguments', path: '',
        });
        let deep = true;
        for (let i = 0; i < 300; i++) deep = { '!!': [deep] };
        checkError(thrown(() => jsonlogicApply(deep, {})), 'JsonLogicError', { code: 'jsonlogic.too_deep' });
        checkError(thrown(() => Segment.fromJsonlogic({ and: [{ reduce: [] }] })), 'ConditionError', {
          code: 'condition.jsonlogic.unsupported', path: '/and/0',
        });
      },
    },
    {
      name: 'error shape: unreadable contacts, events and conditions are FormatErrors with index',
      async run() {
        const seg = Segment.parse('city = "Milano"');
        const e = thrown(() => seg.filter([contact, { id: 'c2', fields: 3 }], { now: NOW }));
        checkError(e, 'FormatError', { code: 'format.invalid', path: '/fields', index: 1 });
        const ev = thrown(() => seg.count([contact], {
          now: NOW, events: [{ contact: 'c1', name: 'x', at: 'yesterday' }],
        }));
        checkError(ev, 'FormatError', { code: 'format.invalid', path: '/at', index: 0 });
        checkError(thrown(() => seg.matches('{"id": ', { now: NOW })), 'FormatError', {
          code: 'format.eof',
        });
        checkError(thrown(() => Segment.fromJson({ type: 'telepathy' })), 'FormatError', {
          code: 'format.invalid', path: '/type',
        });
        checkError(thrown(() => Segment.fromJson({ id: 's', name: 'S', condition: { type: 'nope' } })),
          'FormatError', { code: 'format.invalid', path: '/condition/type' });
      },
    },
    {
      name: 'error shape: missing or bad now, time zones and arguments are TypeError / RangeError',
      async run() {
        const seg = Segment.parse('age >= 18');
        const isType = (fn, what) => {
          const e = thrown(fn);
          if (!(e instanceof TypeError)) fail(`${what}: ${e && e.name}: ${e && e.message}`);
          return e;
        };
        const isRange = (fn, what) => {
          const e = thrown(fn);
          if (!(e instanceof RangeError)) fail(`${what}: ${e && e.name}: ${e && e.message}`);
        };
        const e = isType(() => seg.matches(contact, {}), 'no now');
        if (!/now/.test(e.message)) fail(`the message does not name now: ${e.message}`);
        isType(() => seg.matches(contact), 'no options');
        isType(() => seg.count([contact], { now: 1732536000000 }), 'now as a number');
        isType(() => seg.count([contact], new Date()), 'a Date instead of options');
        isRange(() => seg.matches(contact, { now: 'tomorrow' }), 'now unparsable');
        isRange(() => seg.matches(contact, { now: new Date(NaN) }), 'invalid Date');
        // An unknown zone is the core's TimeError, as everywhere.
        checkError(thrown(() => seg.matches(contact, { now: NOW, defaultTimeZone: 'Mars/Olympus' })), 'TimeError', {
          code: 'time.zone.unknown', path: '/defaultTimeZone',
        });
        isType(() => seg.filter('not an array', { now: NOW }), 'contacts not an array');
        isType(() => seg.filter([contact], { now: NOW, events: {} }), 'events not an array');
        isType(() => Segment.parse(42), 'parse(number)');
        isType(() => Segment.fromJson(undefined), 'fromJson(undefined)');
        isType(() => new SegmentIndex().tick(), 'tick()');
        const index = new SegmentIndex();
        index.upsertContact(contact, NOW);
        isType(() => index.register(Segment.parse('all()', 'all')), 'register without now on a full index');
        isType(() => jsonlogicApply(undefined), 'jsonlogicApply(undefined)');
      },
    },
    {
      name: 'no panic: deep, long and odd inputs give results or typed errors',
      async run() {
        const ok = (fn) => {
          try {
            fn();
          } catch (e) {
            if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) throw e;
            if (!['FormatError', 'ConditionSyntaxError', 'ConditionError', 'SegmentError', 'JsonLogicError',
              'TypeError', 'RangeError', 'SyntaxError'].includes(e.name)) {
              throw e;
            }
          }
        };
        ok(() => Segment.parse('('.repeat(100000)));
        ok(() => Segment.parse('not '.repeat(100000) + 'a = 1'));
        ok(() => Segment.fromJson('{"type": "not", "condition": '.repeat(5000)));
        let deep = { type: 'in_list', list: 'x' };
        for (let i = 0; i < 200; i++) deep = { type: 'and', conditions: [deep] };
        ok(() => Segment.fromJson(deep).count([contact], { now: NOW }));
        let rule = { var: 'a' };
        for (let i = 0; i < 256; i++) rule = { '!': [rule] };
        ok(() => jsonlogicApply(rule, { a: 1 }));
        ok(() => Segment.fromJsonlogic(rule));
        ok(() => Segment.fromJsonlogic('{"and": ['));
        ok(() => Segment.parse('x matches "' + 'a{1000}'.repeat(50) + '"').check());
        ok(() => Segment.parse(`city = "${'x'.repeat(100000)}"`).count([contact], { now: NOW }));
        for (const text of ['', ' ', '\n', '"', '`', 'age of', 'did', 'sum of "a" in', '\u0000']) {
          ok(() => Segment.parse(text));
        }
        // The module still works afterwards.
        if (!Segment.parse('city = "Milano"').matches(contact, { now: NOW })) fail('module broken');
      },
    },
  ];
}

// ---- live preview ----------------------------------------------------------------------------

/**
 * The segment builder's "N contacts match": count over `size` generated contacts, checked
 * against filter and per-contact matches. `log` receives the timing line.
 */
export function livePreviewCases(api, { size = 10_000, log = () => {} } = {}) {
  return [
    {
      name: `live preview: count over ${size.toLocaleString('en')} generated contacts`,
      async run() {
        const { contacts, events } = generateContacts(size, 2026);
        const texts = [
          'city = "Milano" ignoring case',
          'city = "Milano" ignoring case and age between 25 and 34',
          'city = "Milano" ignoring case and age between 25 and 34 and ' +
            'not did "order.placed" within 90 days',
        ];
        let started = performance.now();
        const table = new api.ContactTable(contacts, { events });
        log(`  new ContactTable(${size} contacts, ${events.length} events) in ` +
          `${(performance.now() - started).toFixed(1)} ms`);
        if (table.length !== size) fail(`the table has ${table.length} rows`);
        let previous = Infinity;
        for (const text of texts) {
          const segment = api.Segment.parse(text);
          started = performance.now();
          const n = segment.count(contacts, { now: new Date(NOW), events });
          const ms = performance.now() - started;
          started = performance.now();
          const fromTable = table.count(segment, { now: new Date(NOW) });
          const tableMs = performance.now() - started;
          log(`  ${n} contacts match: segment.count ${ms.toFixed(1)} ms, table.count ` +
            `${tableMs.toFixed(2)} ms: ${text}`);
          if (fromTable !== n) fail(`table.count ${fromTable} but segment.count ${n}`);
          const ids = segment.filter(contacts, { now: NOW, events });
          if (ids.length !== n) fail(`count ${n} but filter ${ids.length}`);
          if (!sameList(table.filter(segment, { now: NOW }), ids)) fail('table.filter disagrees');
          const want = matchingOneByOne(segment, contacts, events, { now: NOW });
          if (!sameList(ids, want)) fail(`filter and matches disagree (${ids.length} vs ${want.length})`);
          if (n > previous) fail('narrowing the condition grew the count');
          previous = n;
          segment.free();
        }
        table.free();
        if (previous === 0) fail('the narrowest preview matched nobody: weak test data');
      },
    },
  ];
}
