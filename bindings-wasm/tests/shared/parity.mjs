// The API-call parity vectors (core/tests/vectors/api_parity.json, format in its README) as
// runnable cases, for the Node package (bindings-node/tests/api_parity.test.mjs), WebAssembly on
// Node (tests/node/parity.test.mjs) and WebAssembly in Chromium (tests/browser/index.html): each
// public operation with the result or the error (class, code, location) every binding gives.
//
//   loadParityCases(api, { flavor, readVector, readFile }) -> [{ name, run }]
// `flavor` is 'node' or 'wasm' (the one call that differs: the zone of `SendPolicy`, a
// `nextAllowed` argument in Node and a `fromJson` argument in the browser build). A missing
// vector file throws.

const CLASS = {
  format: 'FormatError', parse: 'ConditionSyntaxError', condition: 'ConditionError',
  segment: 'SegmentError', time: 'TimeError', list: 'ListError', import: 'CsvImportError',
  jsonlogic: 'JsonLogicError', engine: 'EngineError',
};
const CAMEL = { csv_column: 'csvColumn', column_name: 'columnName', byte_offset: 'byteOffset' };

const iso = (t) => (t instanceof Date ? t.toISOString().replace('.000Z', 'Z') : t);

function ops(api, flavor, readFile) {
  const fields = async (a) => (a.fields ? readFile(a.fields) : undefined);
  return {
    validate_flow: async (a) => {
      const flow = a.file ? await readFile(a.file) : a.json;
      const found = api.validateFlow(flow, await fields(a)).map((f) => ({ code: f.code, node: f.node, path: f.path }));
      return found.sort((x, y) => (JSON.stringify(sorted(x)) < JSON.stringify(sorted(y)) ? -1 : 1));
    },
    parse_condition: async (a) => api.Segment.parse(a.text).toObject(),
    check_condition: async (a) => api.Segment.fromJson(a.condition).check(await fields(a)) ?? null,
    segment_matches: async (a) => api.Segment.fromJson(a.condition).matches(a.contact, { now: a.now }),
    send_policy_next_allowed: async (a) => (flavor === 'node'
      ? api.SendPolicy.fromJson(a.policy).nextAllowed(a.at, a.time_zone)
      : api.SendPolicy.fromJson(a.policy, a.time_zone).nextAllowed(a.at)),
    recurrence_next_after: async (a) => {
      const options = { timeZone: a.time_zone, policy: a.policy };
      const r = a.rrule ? api.Recurrence.fromRrule(a.rrule, options) : new api.Recurrence(a.rule, options);
      return r.nextAfter(a.at);
    },
    wait_end: async (a) => api.waitEnd(a.wait, a.at, { timeZone: a.time_zone, date: a.date }),
    local_to_utc: async (a) => api.localToUtc(a.local, a.time_zone),
    create_lists: async (a) => {
      const audience = new api.Audience();
      for (const c of a.contacts) audience.upsertContact(c, a.now);
      return a.lists.map((l) => audience.createList(l, a.now));
    },
    preview_csv: async (a) => {
      api.previewCsv(new TextEncoder().encode(a.csv), a.options);
      return null;
    },
    jsonlogic_apply: async (a) => api.jsonlogicApply(a.rule, a.data),
    // Engine construction and calls (issue 9 §4): the constructor's options, then the steps.
    engine: async (a) => {
      const c = a.config;
      const options = Object.fromEntries(Object.entries({ defaultTimeZone: c.default_time_zone, fields: c.fields, caps: c.caps })
        .filter(([, v]) => v !== undefined));
      const engine = new api.Engine(options);
      let last = null;
      for (const step of a.steps) {
        const { call, now } = step;
        if (call === 'publish') last = engine.publish(step.file ? await readFile(step.file) : step.flow, now);
        else if (call === 'enroll') last = engine.enroll(step.flow, step.contacts, now);
        else if (call === 'ack') last = engine.ack(step.key, step.outcome, now) ?? null;
        else if (call === 'tick') { engine.tick(now); last = null; }
        else throw new Error(`unknown engine call ${call}`);
      }
      return last;
    },
  };
}

/** JSON with object keys sorted at every depth (results compare whatever the key order). */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}

function same(a, b) {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

export async function loadParityCases(api, { flavor, readVector, readFile }) {
  const text = await readVector('api_parity.json');
  if (text === null) throw new Error('core/tests/vectors/api_parity.json does not exist: a missing vector file fails');
  const table = ops(api, flavor, readFile);
  return JSON.parse(text).cases.map((c) => ({
    name: `api parity: ${c.name}`,
    async run() {
      const call = table[c.op];
      if (!call) throw new Error(`no driver for op ${c.op}`);
      let got;
      try {
        got = iso(await call(c.args));
      } catch (err) {
        if (!('error' in c)) throw err;
        const want = c.error;
        if (!err || err.name !== CLASS[want.area]) throw new Error(`${c.name}: expected a ${CLASS[want.area]}, got ${err && err.name}: ${err && err.message}`);
        for (const [key, value] of Object.entries(want)) {
          if (key === 'area') continue;
          const actual = err[CAMEL[key] ?? key];
          if (actual !== value) throw new Error(`${c.name}: ${key} expected ${JSON.stringify(value)}, got ${JSON.stringify(actual)}`);
        }
        return;
      }
      if (!('result' in c)) throw new Error(`${c.name}: expected an error, got ${JSON.stringify(got)}`);
      if (!same(got, c.result)) throw new Error(`${c.name}: expected ${JSON.stringify(c.result)}, got ${JSON.stringify(got)}`);
    },
  }));
}
