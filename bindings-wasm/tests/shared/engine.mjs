// The flow engine (issue 11): every scenario of core/tests/vectors/engine_scenarios.json through
// the `Engine` class (a driver mapping each `{now, op, args, expect}` step to its method, as
// core/tests/engine_vectors.rs does in Rust), and the API's shape: a welcome flow end to end with
// `deliver`, an abandoned cart waiting for a purchase with a timeout, a WhatsApp keyword question
// with a reply, and an error per method with its class, code and location. Used by the Node tests
// (tests/node/engine.test.mjs) and by the browser page (tests/browser/index.html): both runtimes
// run exactly the same checks.
//
// Depends on nothing but the binding it is given and readers:
//   readVector(name) -> Promise<string | null>   a file of core/tests/vectors, null when missing
//   readFile(path)   -> Promise<string>          a file of the repository (the flows a step names)

import { checkError, jsonEqual, thrown } from './conditions.mjs';

export const ENGINE_VECTOR_FILE = 'engine_scenarios.json';
/** Every engine vector file the runtimes run (issue 12 adds the versions' scenarios). */
export const ENGINE_VECTOR_FILES = [ENGINE_VECTOR_FILE, 'engine_versions.json', 'engine_batch.json'];

function fail(message) {
  throw new Error(message);
}

const show = (v) => JSON.stringify(v);

function expectEqual(got, want, what) {
  if (!jsonEqual(got, want)) fail(`${what}: got ${show(got)}, expected ${show(want)}`);
}

/**
 * `expected` is contained in `actual` (the rule of the Rust runner): objects by key,
 * recursively (an expected `null` also matches an absent key), arrays element by element with
 * the same length, other values equal.
 */
export function contains(actual, expected) {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) =>
      (Object.hasOwn(actual, k) && contains(actual[k], v)) || (v === null && !Object.hasOwn(actual, k)));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length &&
      actual.every((x, i) => contains(x, expected[i]));
  }
  return jsonEqual(actual, expected);
}

/** Every route a handler of `deliver` can have. */
const ROUTES = ['email', 'sms', 'web_push', 'whatsapp', 'http', 'hand_off'];

/**
 * Runs one step on `eng`; returns its result as JSON (a thrown core error as `{error, path}`).
 * `now` alternates between RFC 3339 text and a `Date`, so that both forms are exercised.
 */
async function step(api, eng, s, i, readFile) {
  const a = s.args ?? {};
  const now = i % 2 === 0 ? s.now : new Date(s.now);
  const nothing = () => null;
  try {
    switch (s.op) {
      case 'publish': {
        const flow = a.file ? await readFile(a.file) : a.flow;
        // Versions (issue 12): `in_flight` / `node_map` as the camelCase options, when given.
        if (!Object.hasOwn(a, 'in_flight') && !Object.hasOwn(a, 'node_map')) return eng.publish(flow, now);
        return eng.publish(flow, now, { inFlight: a.in_flight ?? null, nodeMap: a.node_map ?? null });
      }
      case 'set_status':
        return nothing(eng.setStatus(a.flow, a.status, now));
      case 'upsert_contact':
        return nothing(eng.upsertContact(a.contact, now));
      case 'remove_contact':
        return nothing(eng.removeContact(a.contact, now));
      case 'record_event':
        return nothing(eng.recordEvent(a.event, now));
      case 'upsert_contacts':
        return eng.upsertContacts(a.contacts, now);
      case 'record_events':
        return eng.recordEvents(a.events, now);
      case 'receive_message':
        return nothing(eng.receiveMessage(a.message, now));
      case 'enroll':
        return eng.enroll(a.flow, a.contacts, now);
      case 'enroll_matching':
        return eng.enrollMatching(a.flow, now);
      case 'feed_items':
        return eng.feedItems(a.url, a.items, now);
      case 'tick':
        return eng.tick(now);
      case 'next_wakeup':
        return eng.nextWakeup();
      case 'ack':
        return nothing(eng.ack(a.key, a.outcome, now, a.response));
      case 'deliver': {
        // Every effect of the outbox delivered (API calls answered with `response`, when given),
        // through `deliver` and a handler per route; the result is the effects, oldest first.
        const out = [];
        const handler = (effect) => {
          out.push(effect);
          return effect.kind === 'api_call' && a.response
            ? { outcome: 'delivered', response: a.response }
            : 'delivered';
        };
        const handlers = Object.fromEntries(ROUTES.map((r) => [r, handler]));
        const done = eng.deliver(handlers, now);
        if (done !== out.length) fail(`deliver returned ${done} for ${out.length} effects`);
        return out;
      }
      case 'create_list':
        return eng.createList(a.list, now);
      case 'register_segment':
        return eng.registerSegment(a.segment, now);
      case 'add_to_list':
        return nothing(eng.addToList(a.list, a.contact, now));
      case 'remove_from_list':
        return nothing(eng.removeFromList(a.list, a.contact, now));
      case 'effects':
        return eng.effects();
      case 'enrollments':
        return eng.enrollments({ flow: a.flow, contact: a.contact });
      case 'history':
        return eng.history(a.contact, a.flow);
      case 'stats':
        return eng.stats(a.flow);
      // ---- versions and contacts in flight (issue 12) ----
      case 'duplicate':
        return eng.duplicate(a.flow, a.new_id, now);
      case 'skip_wait':
        return nothing(eng.skipWait(a.flow, a.contact, now, { by: a.by ?? null }));
      case 'move_to':
        return nothing(eng.moveTo(a.flow, a.contact, a.node, now, { by: a.by ?? null }));
      case 'cancel':
        return nothing(eng.cancel(a.flow, a.contact, now, { by: a.by ?? null }));
      default:
        return fail(`unknown op ${show(s.op)}`);
    }
  } catch (e) {
    if (!(e instanceof api.SequenzaError)) throw e;
    return { error: e.code, path: e.path ?? null };
  }
}

/** The options of `new Engine` from a scenario's `config` (the core's EngineConfig form). */
function engineOptions(config, fields) {
  const { default_time_zone: defaultTimeZone, fields: own, caps, ...rest } = config ?? {};
  if (Object.keys(rest).length > 0) fail(`unknown config keys ${show(Object.keys(rest))}`);
  return { defaultTimeZone, fields: own ?? fields, caps };
}

/**
 * Loads the engine scenario vectors and returns { groups: [{ file, cases }] }, a case per
 * scenario. A missing file is a failing case, never a skip.
 */
export async function loadEngineGroups(api, readers) {
  const groups = [];
  for (const file of ENGINE_VECTOR_FILES) groups.push(await loadEngineGroup(api, file, readers));
  return { groups };
}

async function loadEngineGroup(api, file, { readVector, readFile }) {
  const text = await readVector(file);
  if (text === null) {
    return {
      file,
      cases: [{
        name: `${file} exists`,
        run: () => fail(`core/tests/vectors/${file} does not exist: the engine vectors must run`),
      }],
    };
  }
  const vector = JSON.parse(text);
  const fields = typeof vector.fields === 'string' ? await readFile(vector.fields) : undefined;
  if (!Array.isArray(vector.scenarios) || vector.scenarios.length === 0) {
    fail(`${file}: "scenarios" must be a non-empty array`);
  }
  const cases = vector.scenarios.map((sc) => ({
    name: `${file}: ${sc.name}`,
    async run() {
      const eng = new api.Engine(engineOptions(sc.config, fields));
      try {
        for (const [i, s] of sc.steps.entries()) {
          const got = await step(api, eng, s, i, readFile);
          const ctx = `${sc.name} / step ${i} (${s.op} at ${s.now})`;
          if (Object.hasOwn(s, 'expect')) {
            if (!contains(got, s.expect)) {
              fail(`${ctx}: expected (contained in the result) ${show(s.expect)}, got ${show(got)}`);
            }
          } else if (got !== null && typeof got === 'object' && Object.hasOwn(got, 'error')) {
            fail(`${ctx}: unexpected error ${show(got)}`);
          }
        }
      } finally {
        eng.free();
      }
    },
  }));
  return { file, cases };
}

// ---- the API: flows of the scenarios the issue names --------------------------------------------

const T0 = '2026-12-07T09:00:00Z';
const at = (hour, minute = 0, day = 7) =>
  new Date(Date.UTC(2026, 11, day, hour, minute));

export const WELCOME = {
  id: 'welcome',
  name: 'Welcome',
  status: 'active',
  triggers: [{ type: 'event', event: 'signup' }],
  start: 'hello',
  nodes: [
    {
      id: 'hello',
      type: 'send',
      channel: 'email',
      content: { subject: 'Ciao {{ first_name | "amico" }}', body: 'Benvenuta!' },
    },
    { id: 'end', type: 'exit' },
  ],
  edges: [{ from: 'hello', to: 'end' }],
};

const CART = {
  id: 'cart',
  name: 'Abandoned cart',
  status: 'active',
  triggers: [{ type: 'event', event: 'cart_abandoned' }],
  start: 'wait-purchase',
  nodes: [
    { id: 'wait-purchase', type: 'wait_for', event: { name: 'purchase' }, timeout: { amount: 2, unit: 'hours' } },
    {
      id: 'reminder',
      type: 'send',
      channel: 'email',
      content: { subject: 'Il carrello', body: 'Riprendi: {{ event.cart_url }}' },
    },
    { id: 'recovered', type: 'goal', name: 'recovered' },
    { id: 'end', type: 'exit' },
  ],
  edges: [
    { from: 'wait-purchase', to: 'recovered', label: 'met' },
    { from: 'wait-purchase', to: 'reminder', label: 'timeout' },
    { from: 'reminder', to: 'end' },
  ],
};

const QUESTION = {
  id: 'name-bot',
  name: 'Name bot',
  status: 'active',
  triggers: [{
    type: 'inbound_message',
    channel: 'whatsapp',
    match: { kind: 'keyword', keywords: ['CIAO'], mode: 'exact' },
  }],
  start: 'ask-email',
  nodes: [
    {
      id: 'ask-email',
      type: 'question',
      channel: 'whatsapp',
      prompt: 'La tua e-mail?',
      answer: { type: 'email' },
      retries: 1,
      retry_prompt: "Non sembra un'e-mail. Riprova:",
      timeout: { amount: 1, unit: 'hours' },
      save_to: 'work_email',
    },
    { id: 'thanks', type: 'send', channel: 'whatsapp', content: { body: 'Grazie, ti scriviamo a {{ work_email }}' } },
    { id: 'end', type: 'exit' },
  ],
  edges: [
    { from: 'ask-email', to: 'thanks', label: 'answered' },
    { from: 'ask-email', to: 'end', label: 'invalid' },
    { from: 'ask-email', to: 'end', label: 'timeout' },
    { from: 'thanks', to: 'end' },
  ],
};

export const MANUAL = {
  id: 'fair',
  name: 'Trade fair',
  status: 'active',
  triggers: [{ type: 'manual', recipients: { kind: 'api' } }],
  start: 'sms',
  nodes: [{ id: 'sms', type: 'send', channel: 'sms', content: { body: 'Grazie della visita' } }],
};

export const ANNA = {
  id: 'anna', email: 'anna@example.com', phone: '+393331234567', fields: { first_name: 'Anna' },
};
const BRUNO = { id: 'bruno', email: 'bruno@example.com', phone: '+393339876543' };

/** Checks a thrown engine-side error: class, code and the fields given. */
function raises(fn, name, want) {
  const e = thrown(fn);
  checkError(e, name, want);
  return e;
}

const NURTURE = {
  id: 'nurture',
  name: 'Nurture',
  status: 'active',
  triggers: [{ type: 'manual', recipients: { kind: 'api' } }],
  start: 'wait',
  nodes: [
    { id: 'wait', type: 'wait', duration: { amount: 2, unit: 'days' } },
    { id: 'hello', type: 'send', channel: 'email', content: { subject: 'v1', body: 'Ciao' } },
  ],
  edges: [{ from: 'wait', to: 'hello' }],
};

function nurtureWith(eng, contacts, now = T0) {
  eng.publish(NURTURE, now);
  for (const c of contacts) eng.upsertContact({ id: c, email: `${c}@example.com` }, now);
  eng.enroll('nurture', contacts, now);
}

/** The API cases, each with a fresh engine. */
export function engineApiCases(api) {
  const { Engine } = api;
  const fresh = () => new Engine({ defaultTimeZone: 'Europe/Rome' });
  const withEngine = (name, body) => ({
    name,
    run() {
      const eng = fresh();
      try {
        body(eng);
      } finally {
        eng.free();
      }
    },
  });
  const signup = (eng, c, now = T0) =>
    eng.recordEvent({ contact: c.id, name: 'signup', at: typeof now === 'string' ? now : now.toISOString() }, now);

  return [
    withEngine('engine: a welcome flow end to end with deliver', (eng) => {
      expectEqual(eng.publish(WELCOME, T0), { flow: 'welcome', version: 1, moved: 0, exited: 0 }, 'publish');
      eng.upsertContact(ANNA, T0);
      signup(eng, ANNA);
      const sent = [];
      const email = (effect) => {
        sent.push(effect);
        return 'delivered';
      };
      expectEqual(eng.deliver({ email }, at(9)), 1, 'deliver');
      expectEqual(sent.length, 1, 'effects handed to the handler');
      const [effect] = sent;
      expectEqual(
        [effect.kind, effect.channel, effect.to, effect.content.subject, effect.at, effect.key],
        ['send', 'email', 'anna@example.com', 'Ciao Anna', '2026-12-07T09:00:00Z', 'welcome/anna/1/v1/hello/1/0'],
        'the effect',
      );
      expectEqual(eng.effects(), [], 'the outbox after deliver');
      // Delivering again does nothing: the effect left the outbox when acknowledged.
      expectEqual(eng.deliver({ email }, T0), 0, 'deliver again');
      expectEqual(sent.length, 1, 'handler calls');
      const views = eng.enrollments({ flow: 'welcome' });
      expectEqual(views.map((v) => [v.contact, v.state]), [['anna', 'finished']], 'enrollments');
      const stats = eng.stats('welcome');
      expectEqual([stats.entered, stats.sent, stats.delivered, stats.completed], [1, 1, 1, 1], 'stats');
      const actions = eng.history('anna', 'welcome').map((h) => h.action);
      if (actions[0] !== 'entered' || !actions.includes('sent') || !actions.includes('acknowledged')) {
        fail(`history actions ${show(actions)}`);
      }
      expectEqual(eng.history('anna', 'other'), [], 'history of another flow');
      expectEqual(eng.history('anna', null).length, actions.length, 'history of every flow');
      expectEqual(eng.nextWakeup(), null, 'nextWakeup');
    }),

    withEngine('engine: deliver leaves what has no handler, null, and acks {outcome}', (eng) => {
      eng.publish(WELCOME, T0);
      eng.upsertContact(ANNA, T0);
      signup(eng, ANNA);
      expectEqual(eng.deliver({ sms: () => 'delivered' }, T0), 0, 'no handler for email');
      expectEqual(eng.deliver({ email: () => null }, T0), 0, 'null leaves it');
      expectEqual(eng.deliver({ email: () => undefined }, T0), 0, 'undefined leaves it');
      expectEqual(eng.effects().map((e) => e.node), ['hello'], 'the outbox');
      expectEqual(eng.deliver({ email: () => ({ outcome: 'bounced' }) }, T0), 1, 'bounced');
      expectEqual(eng.effects(), [], 'the outbox after the bounce');
      expectEqual(eng.stats('welcome').bounced, 1, 'bounced count');
    }),

    withEngine('engine: an exception in a handler is rethrown after the effects before it are acked', (eng) => {
      eng.publish(WELCOME, T0);
      for (const c of [ANNA, BRUNO]) {
        eng.upsertContact(c, T0);
        signup(eng, c);
      }
      expectEqual(eng.effects().length, 2, 'effects');
      const calls = [];
      const boom = new Error('smtp down');
      const flaky = (effect) => {
        calls.push(effect.contact);
        if (calls.length === 2) throw boom;
        return 'delivered';
      };
      const e = thrown(() => eng.deliver({ email: flaky }, T0));
      if (e !== boom) fail(`deliver threw ${e}, not the handler's error`);
      expectEqual(eng.effects().map((x) => x.contact), [calls[1]], 'left in the outbox');
      expectEqual(eng.stats('welcome').delivered, 1, 'delivered');
    }),

    withEngine('engine: deliver refuses a bad reply, a Promise and bad handlers', (eng) => {
      eng.publish(WELCOME, T0);
      eng.upsertContact(ANNA, T0);
      signup(eng, ANNA);
      raises(() => eng.deliver({ email: () => 'sent' }, T0), 'FormatError', { code: 'format.invalid' });
      raises(
        () => eng.deliver({ email: () => ({ outcome: 'delivered', response: { status: 'ok' } }) }, T0),
        'FormatError', { code: 'format.invalid', path: '/response/status' },
      );
      const notText = thrown(() => eng.deliver({ email: () => 200 }, T0));
      if (!(notText instanceof TypeError) || !/handlers\.email must return/.test(notText.message)) {
        fail(`a number reply: ${notText}`);
      }
      const promise = thrown(() => eng.deliver({ email: async () => 'delivered' }, T0));
      if (!(promise instanceof TypeError) || !/Promise/.test(promise.message)) fail(`a Promise reply: ${promise}`);
      const notFn = thrown(() => eng.deliver({ email: 'delivered' }, T0));
      if (!(notFn instanceof TypeError)) fail(`a handler that is no function: ${notFn}`);
      for (const bad of [null, [], 'email']) {
        const e = thrown(() => eng.deliver(bad, T0));
        if (!(e instanceof TypeError)) fail(`handlers ${show(bad)}: ${e}`);
      }
      expectEqual(eng.effects().length, 1, 'the effect stays');
    }),

    withEngine('engine: a handler calling the engine gets an error, nothing breaks', (eng) => {
      eng.publish(WELCOME, T0);
      eng.upsertContact(ANNA, T0);
      signup(eng, ANNA);
      const e = thrown(() => eng.deliver({ email: () => eng.effects() }, T0));
      if (!(e instanceof Error)) fail(`re-entrant call: ${e}`);
      expectEqual(eng.effects().length, 1, 'the effect stays');
    }),

    withEngine('engine: an abandoned cart waits for a purchase and times out into the reminder', (eng) => {
      eng.publish(CART, T0);
      eng.upsertContact(ANNA, T0);
      eng.recordEvent({
        contact: 'anna', name: 'cart_abandoned', at: T0, properties: { cart_url: 'https://x/c/1' },
      }, T0);
      expectEqual(eng.effects(), [], 'nothing sent yet');
      const wake = eng.nextWakeup();
      expectEqual(wake, '2026-12-07T11:00:00Z', 'nextWakeup');
      const [view] = eng.enrollments({ contact: 'anna' });
      expectEqual([view.state, view.node, view.due], ['waiting', 'wait-purchase', wake], 'waiting');
      expectEqual(eng.tick(at(10, 59)), 0, 'tick before the timeout');
      if (!(eng.tick(wake) > 0)) fail('the timeout runs no step');
      const effects = eng.effects();
      expectEqual(
        effects.map((e) => [e.node, e.content.body, e.at]),
        [['reminder', 'Riprendi: https://x/c/1', '2026-12-07T11:00:00Z']],
        'the reminder',
      );
    }),

    withEngine('engine: a purchase inside the wait, arriving late, is the goal', (eng) => {
      eng.publish(CART, T0);
      eng.upsertContact(ANNA, T0);
      eng.recordEvent({ contact: 'anna', name: 'cart_abandoned', at: T0 }, T0);
      eng.recordEvent({ contact: 'anna', name: 'purchase', at: '2026-12-07T10:00:00Z' }, at(12));
      expectEqual(eng.effects(), [], 'no reminder');
      expectEqual(eng.nextWakeup(), null, 'nothing due');
      expectEqual(eng.stats('cart').goals, 1, 'goals');
      expectEqual(eng.enrollments({ flow: 'cart', contact: 'anna' }).map((v) => v.state), ['finished'], 'state');
    }),

    withEngine('engine: a WhatsApp keyword question with a retry and a reply', (eng) => {
      eng.publish(QUESTION, T0);
      eng.upsertContact({ id: 'anna', phone: '+393331234567' }, T0);
      const message = (text, when) => ({ channel: 'whatsapp', from: '+39 333 123 4567', text, at: when });
      eng.receiveMessage(message('ciao', T0), T0);
      const [prompt] = eng.effects();
      expectEqual([prompt.node, prompt.to, prompt.content.body], ['ask-email', '+393331234567', 'La tua e-mail?'], 'prompt');
      expectEqual(eng.deliver({ whatsapp: () => 'delivered' }, T0), 1, 'deliver the prompt');
      eng.receiveMessage(message('non lo so', '2026-12-07T09:01:00Z'), at(9, 1));
      const [retry] = eng.effects();
      expectEqual(retry.content.body, "Non sembra un'e-mail. Riprova:", 'retry prompt');
      eng.ack(retry.key, 'delivered', at(9, 1));
      eng.receiveMessage(message('anna@example.com', '2026-12-07T09:02:00Z'), at(9, 2));
      const [thanks] = eng.effects();
      expectEqual(thanks.content.body, 'Grazie, ti scriviamo a anna@example.com', 'thanks');
      expectEqual(eng.contact('anna').fields.work_email, 'anna@example.com', 'the saved answer');
      eng.ack(thanks.key, 'delivered', at(9, 2), null);
      expectEqual(eng.enrollments({ flow: 'name-bot' }).map((v) => v.state), ['finished'], 'state');
      expectEqual(eng.contact('nobody'), null, 'an unknown contact');
    }),

    withEngine('engine: an unknown sender becomes a contact', (eng) => {
      eng.publish(QUESTION, T0);
      eng.receiveMessage({ channel: 'whatsapp', from: '+393330000000', text: 'CIAO', at: T0 }, T0);
      expectEqual(eng.effects().map((e) => e.contact), ['phone:+393330000000'], 'the new contact');
    }),

    withEngine('engine: lists, segments, enroll, enrollMatching, setStatus, removeContact', (eng) => {
      eng.upsertContact(ANNA, T0);
      eng.upsertContact(BRUNO, T0);
      expectEqual(eng.createList({ id: 'fair', name: 'Fiera', source: { type: 'empty' } }, T0), 0, 'createList');
      eng.addToList('fair', 'anna', T0);
      expectEqual(eng.memberIds('fair'), ['anna'], 'memberIds');
      eng.renameList('fair', 'Fiera 2026', T0);
      eng.removeFromList('fair', 'anna', T0);
      expectEqual(eng.memberIds('fair'), [], 'memberIds after removal');
      eng.deleteList('fair', T0);
      expectEqual(eng.memberIds('fair'), [], 'memberIds of a deleted list');
      const segment = api.Segment.parse('first_name = "Anna"', 'annas', 'Annas');
      expectEqual(eng.registerSegment(segment, T0), 1, 'registerSegment (a Segment)');
      expectEqual(
        eng.registerSegment({ id: 'all', name: 'All', condition: { type: 'and', conditions: [] } }, T0),
        2, 'registerSegment (its JSON form)',
      );
      eng.publish(JSON.stringify(MANUAL), T0);
      expectEqual(
        eng.enroll('fair', ['anna', 'ghost'], T0),
        { entered: ['anna'], refused: [{ contact: 'ghost', reason: 'unknown_contact' }] },
        'enroll',
      );
      // Anna finished the one-step flow: re-entry `continue` (the default) lets her in again.
      expectEqual(eng.enrollMatching('fair', T0).entered, ['anna', 'bruno'], 'enrollMatching');
      eng.setStatus('fair', 'paused', T0);
      eng.upsertContact({ id: 'carla', phone: '+393330001111' }, T0);
      expectEqual(eng.enroll('fair', ['carla'], T0).refused, [{ contact: 'carla', reason: 'flow_not_active' }], 'paused');
      eng.setStatus('fair', 'active', T0);
      expectEqual(eng.enroll('fair', ['carla'], T0).entered, ['carla'], 'active again');
      eng.publish(CART, T0);
      eng.recordEvent({ contact: 'carla', name: 'cart_abandoned', at: T0 }, T0);
      eng.removeContact('carla', at(10));
      expectEqual(eng.contact('carla'), null, 'removed');
      expectEqual(
        eng.enrollments({ contact: 'carla' }).map((v) => [v.flow, v.state, v.reason]),
        [['cart', 'exited', 'contact_removed'], ['fair', 'finished', 'end of the flow']],
        'a removed contact exits the flows it waits in',
      );
      expectEqual(eng.enrollments().length, 4, 'every enrollment');
      expectEqual(eng.publish(api.Flow.fromJson(MANUAL), at(10)).version, 2, 'a Flow object, version 2');
    }),

    withEngine('engine: recordActivity, feed items from a fetched document', (eng) => {
      eng.upsertContact(ANNA, T0);
      eng.recordActivity('anna', { type: 'tag_assigned', tag: 'vip' }, T0, T0);
      if (!eng.contact('anna').tags.includes('vip')) fail('the activity did not tag the contact');
      const rss = `<rss><channel>
        <item><guid>a1</guid><title>Old post</title><link>https://blog/1</link></item>
        <item><guid>a2</guid><title>New &amp; shiny</title><link>https://blog/2</link></item>
      </channel></rss>`;
      const items = api.newFeedItems(rss, ['a1']);
      expectEqual(items.map((i) => [i.id, i.title]), [['a2', 'New & shiny']], 'newFeedItems');
      expectEqual(api.newFeedItems(rss).length, 2, 'newFeedItems without seen ids');
      expectEqual(eng.feedItems('https://blog/rss', items, T0), { entered: [], refused: [] }, 'feedItems');
    }),

    {
      name: 'engine: the same inputs give the same keys',
      run() {
        const run = () => {
          const eng = fresh();
          try {
            eng.publish(CART, T0);
            for (const c of [ANNA, BRUNO]) {
              eng.upsertContact(c, T0);
              eng.recordEvent({ contact: c.id, name: 'cart_abandoned', at: T0 }, T0);
            }
            eng.tick(at(12));
            return eng.effects().map((e) => [e.key, e.at, e.content]);
          } finally {
            eng.free();
          }
        };
        const first = run();
        expectEqual(new Set(first.map(([k]) => k)).size, 2, 'two distinct keys');
        expectEqual(run(), first, 'the second run');
      },
    },

    // ---- errors: one per method, with its class, code and location ----------------------------
    {
      name: 'engine errors: new Engine',
      run() {
        raises(() => new Engine({ defaultTimeZone: 'Mars/Olympus' }), 'TimeError',
          { code: 'time.zone.unknown', area: 'time', path: '/default_time_zone' });
        raises(
          () => new Engine({ caps: { caps: [{ channel: 'email', max: 0, per: { amount: 1, unit: 'days' } }] } }),
          'TimeError', { code: 'time.cap.invalid' },
        );
        raises(() => new Engine({ fields: { fields: 3 } }), 'FormatError', { code: 'format.invalid' });
        const unknown = thrown(() => new Engine({ timeZone: 'Europe/Rome' }));
        if (!(unknown instanceof RangeError) || !/unknown option `timeZone`/.test(unknown.message)) {
          fail(`an unknown option: ${unknown}`);
        }
        const caps = new api.FrequencyCaps({ caps: [{ channel: 'email', max: 1, per: { amount: 1, unit: 'days' } }] });
        new Engine({ caps }).free();
        new Engine().free();
      },
    },
    withEngine('engine errors: publish', (eng) => {
      const bad = {
        ...WELCOME,
        edges: [],
        nodes: [{ id: 'hello', type: 'condition', condition: { type: 'and', conditions: [] } }],
      };
      const e = raises(() => eng.publish(bad, T0), 'EngineError', { code: 'engine.flow.invalid', flow: 'welcome' });
      if (!Array.isArray(e.findings) || e.findings.length === 0 || !e.findings.every((f) => f.severity === 'error')) {
        fail(`findings ${show(e.findings)}`);
      }
      raises(() => eng.publish({ ...WELCOME, name: 3 }, T0), 'FormatError', { code: 'format.invalid', path: '/name' });
      eng.publish(QUESTION, T0);
      raises(() => eng.publish({ ...QUESTION, id: 'other-bot' }, T0), 'EngineError', { code: 'engine.keyword.taken' });
      if (!(thrown(() => eng.publish(undefined, T0)) instanceof TypeError)) fail('publish(undefined)');
    }),
    withEngine('engine errors: the clock', (eng) => {
      eng.tick(at(10));
      raises(() => eng.tick(at(9, 59)), 'EngineError', { code: 'engine.clock.backwards', path: '/now' });
      raises(() => eng.publish(WELCOME, T0), 'EngineError', { code: 'engine.clock.backwards' });
      const e = thrown(() => eng.tick('yesterday'));
      if (!(e instanceof RangeError) || e.code !== 'ERR_INVALID_ARG_VALUE') fail(`tick('yesterday'): ${e}`);
      const missing = thrown(() => eng.tick());
      if (!(missing instanceof TypeError) || !/does not read the clock/.test(missing.message)) fail(`tick(): ${missing}`);
      if (!(thrown(() => eng.tick(new Date(NaN))) instanceof RangeError)) fail('tick(Invalid Date)');
      expectEqual(eng.tick('2026-12-07T11:00:00+01:00'), 0, 'an offset instant');
    }),
    withEngine('engine errors: setStatus', (eng) => {
      raises(() => eng.setStatus('nope', 'paused', T0), 'EngineError', { code: 'engine.flow.unknown' });
      eng.publish(WELCOME, T0);
      raises(() => eng.setStatus('welcome', 'sleeping', T0), 'FormatError', { code: 'format.invalid' });
      raises(() => eng.setStatus('welcome', 'draft', T0), 'EngineError', { code: 'engine.flow.status' });
      if (!(thrown(() => eng.setStatus('welcome', 1, T0)) instanceof TypeError)) fail('a status that is no string');
    }),
    withEngine('engine errors: contacts and events', (eng) => {
      raises(() => eng.upsertContact({ id: 'x', email: 3 }, T0), 'FormatError', { code: 'format.invalid', path: '/email' });
      raises(() => eng.removeContact('nobody', T0), 'EngineError',
        { code: 'engine.contact.unknown', path: '/contact', contact: 'nobody' });
      raises(() => eng.recordEvent({ contact: 'x', at: T0 }, T0), 'FormatError', { code: 'format.invalid', path: '' });
      raises(() => eng.recordActivity('anna', { type: 'x' }, T0, T0), 'FormatError', { code: 'format.invalid', path: '/type' });
    }),
    withEngine('engine errors: receiveMessage', (eng) => {
      raises(() => eng.receiveMessage({ channel: 'sms', text: 'hi', at: T0 }, T0), 'EngineError',
        { code: 'engine.message.sender_unknown' });
      raises(() => eng.receiveMessage({ channel: 'fax', from: '+39333', at: T0 }, T0), 'FormatError',
        { code: 'format.invalid', path: '/channel' });
      raises(() => eng.receiveMessage({ channel: 'sms', contact: 'ghost', text: 'hi', at: T0 }, T0), 'EngineError',
        { code: 'engine.contact.unknown' });
    }),
    withEngine('engine errors: enroll, enrollMatching, stats, feedItems', (eng) => {
      raises(() => eng.enroll('nope', ['anna'], T0), 'EngineError', { code: 'engine.flow.unknown', flow: 'nope' });
      raises(() => eng.enrollMatching('nope', T0), 'EngineError', { code: 'engine.flow.unknown' });
      raises(() => eng.stats('nope'), 'EngineError', { code: 'engine.flow.unknown' });
      if (!(thrown(() => eng.enroll('nope', 'anna', T0)) instanceof TypeError)) fail('contact ids that are no array');
      const e = thrown(() => eng.enroll('nope', ['anna', 7], T0));
      if (!(e instanceof TypeError) || e.index !== 1) fail(`a contact id that is no string: ${e} (index ${e.index})`);
      raises(() => eng.feedItems('https://blog', [{ title: 'x' }], T0), 'FormatError', { code: 'format.invalid', path: '/0' });
    }),
    withEngine('engine errors: ack', (eng) => {
      raises(() => eng.ack('x/y/1/v1/z/1/0', 'delivered', T0), 'EngineError', { code: 'engine.effect.unknown', path: '/key' });
      raises(() => eng.ack('x/y/1/v1/z/1/0', 'lost', T0), 'FormatError', { code: 'format.invalid' });
      raises(() => eng.ack('k', 'delivered', T0, { status: 'ok' }), 'FormatError', { code: 'format.invalid', path: '/status' });
    }),
    withEngine('engine errors: enrollments, history', (eng) => {
      const e = thrown(() => eng.enrollments({ flows: 'x' }));
      if (!(e instanceof RangeError)) fail(`an unknown filter: ${e}`);
      if (!(thrown(() => eng.enrollments('welcome')) instanceof TypeError)) fail('a filter that is no object');
      if (!(thrown(() => eng.history('anna', 3)) instanceof TypeError)) fail('a flow that is no string');
      expectEqual(eng.history('nobody'), [], 'the history of an unknown contact');
    }),
    withEngine('engine errors: lists and segments', (eng) => {
      eng.upsertContact(ANNA, T0);
      raises(() => eng.addToList('nope', 'anna', T0), 'ListError', { code: 'list.unknown' });
      raises(() => eng.deleteList('nope', T0), 'ListError', { code: 'list.unknown' });
      raises(() => eng.renameList('nope', 'X', T0), 'ListError', { code: 'list.unknown' });
      raises(() => eng.createList({ id: 'l' }, T0), 'FormatError', { code: 'format.invalid' });
      eng.createList({ id: 'l', name: 'L', source: { type: 'empty' } }, T0);
      raises(() => eng.addToList('l', 'ghost', T0), 'EngineError', { code: 'engine.contact.unknown' });
      raises(() => eng.removeFromList('l', 'ghost', T0), 'ListError', { code: 'list.contact.unknown' });
      raises(() => eng.registerSegment({ id: 's' }, T0), 'FormatError', { code: 'format.invalid', path: '' });
    }),

    // ---- versions and contacts in flight (issue 12) -------------------------------------------
    withEngine('engine versions: publish migrates, pins, maps; bad nodeMap', (eng) => {
      nurtureWith(eng, ['anna']);
      expectEqual(eng.publish(NURTURE, at(10)), { flow: 'nurture', version: 2, moved: 1, exited: 0 }, 'migrate');
      expectEqual(eng.publish(NURTURE, at(11), { inFlight: 'pin' }).moved, 0, 'pin');
      const renamed = {
        ...NURTURE, start: 'pause', nodes: [{ ...NURTURE.nodes[0], id: 'pause' }, NURTURE.nodes[1]],
        edges: [{ from: 'pause', to: 'hello' }],
      };
      expectEqual(eng.publish(renamed, at(12), { nodeMap: { wait: 'pause' } }).moved, 1, 'nodeMap');
      expectEqual(eng.enrollments({ flow: 'nurture' }).map((v) => [v.node, v.version]), [['pause', 4]], 'moved');
      raises(() => eng.publish(NURTURE, at(12), { nodeMap: { nope: 'wait' } }), 'EngineError',
        { code: 'engine.node.unknown', path: '/node_map/nope', node: 'nope', flow: 'nurture' });
      raises(() => eng.publish(NURTURE, at(12), { inFlight: 'stay' }), 'FormatError', { code: 'format.invalid' });
    }),
    withEngine('engine versions: duplicate, skipWait, moveTo, cancel', (eng) => {
      eng.publish(QUESTION, T0);
      const copy = eng.duplicate('name-bot', 'name-bot-2', T0);
      expectEqual([copy.id, copy.status, copy.version, copy.triggers],
        ['name-bot-2', 'draft', 1, [{ type: 'manual', recipients: { kind: 'api' } }]], 'duplicate');
      raises(() => eng.duplicate('name-bot', 'name-bot-2', T0), 'EngineError', { code: 'engine.flow.taken', path: '/new_id' });
      nurtureWith(eng, ['anna', 'bruno', 'carla']);
      eng.skipWait('nurture', 'anna', at(10), { by: 'ops@example.com' });
      eng.moveTo('nurture', 'bruno', 'hello', at(10), { by: 'bea' });
      eng.cancel('nurture', 'carla', at(10));
      expectEqual(eng.effects().map((e) => e.contact), ['anna', 'bruno'], 'the sends');
      const skipped = eng.history('anna').find((h) => h.action === 'wait_skipped');
      expectEqual([skipped.by, skipped.at], ['ops@example.com', '2026-12-07T10:00:00Z'], 'who and when');
      expectEqual(eng.enrollments({ contact: 'carla' }).map((v) => v.reason), ['cancelled'], 'cancelled');
      raises(() => eng.cancel('nurture', 'carla', at(10)), 'EngineError',
        { code: 'engine.enrollment.not_waiting', path: '/contact', contact: 'carla' });
      raises(() => eng.moveTo('nurture', 'anna', 'nope', at(10)), 'EngineError', { code: 'engine.enrollment.not_waiting' });
      if (!(thrown(() => eng.cancel('nurture', 'carla', at(10), { who: 'x' })) instanceof RangeError)) fail('an unknown option');
    }),
  ];
}

/** CSV import into the engine (the `pkg-full` builds): enrolls the imported contacts. */
export function engineImportCases(api) {
  const T = '2026-12-07T09:00:00Z';
  const bytes = (text) => new TextEncoder().encode(text);
  return [
    {
      name: 'engine: importCsv into the engine enrolls the imported contacts',
      run() {
        const eng = new api.Engine({ defaultTimeZone: 'Europe/Rome' });
        try {
          eng.publish(MANUAL, T);
          const { report, enrolled } = eng.importCsv(bytes('id,phone\nanna,+393331234567\nbruno,+393339876543\n'), {
            now: T, listName: 'Fiera', fileName: 'fiera.csv', enroll: 'fair',
          });
          expectEqual([report.rows, report.imported], [2, 2], 'report');
          expectEqual(eng.memberIds(report.listId), ['anna', 'bruno'], 'the new list');
          expectEqual(enrolled, { entered: ['anna', 'bruno'], refused: [] }, 'enrolled');
          expectEqual(eng.effects().map((e) => e.contact).sort(), ['anna', 'bruno'], 'the sends');
          const progress = [];
          const more = eng.importCsv(bytes('id,phone\ncarla,+393330001111\n').buffer, {
            now: '2026-12-07T10:00:00Z', onProgress: (p) => progress.push(p.rows),
          });
          expectEqual([more.report.imported, more.enrolled], [1, null], 'without enroll');
          expectEqual(progress.at(-1), 1, 'progress');
        } finally {
          eng.free();
        }
      },
    },
    {
      name: 'engine errors: importCsv',
      run() {
        const eng = new api.Engine();
        try {
          raises(() => eng.importCsv(bytes(''), { now: T }), 'CsvImportError', { code: 'import.empty' });
          raises(() => eng.importCsv(bytes('id\nanna\n'), { now: T, enroll: 'nope' }), 'EngineError',
            { code: 'engine.flow.unknown' });
          raises(() => eng.importCsv(bytes('id\nanna\n'), { now: T, noSuch: 1 }), 'CsvImportError',
            { code: 'import.option.invalid', columnName: 'no_such' });
          const e = thrown(() => eng.importCsv('id\nanna\n', { now: T }));
          if (!(e instanceof TypeError)) fail(`text instead of bytes: ${e}`);
          const boom = new Error('stop');
          const rethrown = thrown(() => eng.importCsv(bytes('id\nbea\n'), { now: T, onProgress: () => { throw boom; } }));
          if (rethrown !== boom) fail(`onProgress's exception: ${rethrown}`);
        } finally {
          eng.free();
        }
      },
    },
  ];
}

// ---- preview_schedule (issue 12 §2): core/tests/vectors/engine_preview.json and the API ----

export const ENGINE_PREVIEW_FILE = 'engine_preview.json';

/** `step`, with the ops `preview_schedule` and `schedule_conflicts`. */
async function stepPreview(api, eng, s, i, readFile) {
  const calls = { preview_schedule: 'previewSchedule', schedule_conflicts: 'scheduleConflicts' };
  if (!Object.hasOwn(calls, s.op)) return step(api, eng, s, i, readFile);
  try {
    return eng[calls[s.op]](s.args.flow, i % 2 === 0 ? s.now : new Date(s.now));
  } catch (e) {
    if (!(e instanceof api.SequenzaError)) throw e;
    return { error: e.code, path: e.path ?? null };
  }
}

/** The preview vectors as { groups: [{ file, cases }] }; a missing file is a failing case. */
export async function loadEnginePreviewGroups(api, { readVector, readFile }) {
  const file = ENGINE_PREVIEW_FILE;
  const text = await readVector(file);
  if (text === null) {
    return {
      groups: [{
        file,
        cases: [{ name: `${file} exists`, run: () => fail(`core/tests/vectors/${file} does not exist: the preview vectors must run`) }],
      }],
    };
  }
  const vector = JSON.parse(text);
  if (!Array.isArray(vector.scenarios) || vector.scenarios.length === 0) fail(`${file}: no scenarios`);
  const cases = vector.scenarios.map((sc) => ({
    name: `engine preview: ${sc.name}`,
    async run() {
      const eng = new api.Engine(engineOptions(sc.config, undefined));
      try {
        for (const [i, s] of sc.steps.entries()) {
          const got = await stepPreview(api, eng, s, i, readFile);
          const ctx = `${sc.name} / step ${i} (${s.op} at ${s.now})`;
          if (Object.hasOwn(s, 'expect')) {
            if (!contains(got, s.expect)) fail(`${ctx}: expected ${show(s.expect)}, got ${show(got)}`);
          } else if (got !== null && typeof got === 'object' && Object.hasOwn(got, 'error')) {
            fail(`${ctx}: unexpected error ${show(got)}`);
          }
        }
      } finally {
        eng.free();
      }
    },
  }));
  return { groups: [{ file, cases }] };
}

const WEEKLY = {
  id: 'weekly',
  name: 'Weekly news',
  status: 'active',
  triggers: [{ type: 'schedule', recurrence: { kind: 'weekly', weekdays: ['mon'], times: ['07:00'] } }],
  start: 'mail',
  nodes: [{ id: 'mail', type: 'send', channel: 'email', content: { subject: 'Novità', body: '…' } }],
  settings: { send_policy: { quiet_hours: [{ start: '21:00', end: '09:00' }] } },
};

/** previewSchedule / scheduleConflicts: a preview the engine then follows, and the errors. */
export function enginePreviewCases(api) {
  const run = (body) => () => {
    const eng = new api.Engine({ defaultTimeZone: 'Europe/Rome' });
    try {
      body(eng);
    } finally {
      eng.free();
    }
  };
  return [
    {
      name: 'engine: previewSchedule, then the engine sends at the instants it named',
      run: run((eng) => {
        const sunday = '2026-12-06T12:00:00Z';
        eng.publish(WEEKLY, sunday);
        eng.upsertContact({ id: 'anna', email: 'anna@example.com' }, sunday);
        eng.upsertContact({ id: 'bruno', email: 'b@example.com', time_zone: 'America/New_York' }, sunday);
        const preview = eng.previewSchedule('weekly', new Date(sunday));
        expectEqual(
          preview.map((p) => [p.contact, p.check_at, p.would_send_at, p.deferred_by]),
          [
            ['anna', '2026-12-07T06:00:00Z', '2026-12-07T08:00:00Z', 'quiet_hours'],
            ['bruno', '2026-12-07T06:00:00Z', '2026-12-07T14:00:00Z', 'quiet_hours'],
          ],
          'previewSchedule',
        );
        expectEqual(eng.scheduleConflicts('weekly', sunday), [], 'scheduleConflicts');
        const sent = [];
        for (const p of preview) {
          eng.deliver({ email: (e) => { sent.push([e.contact, e.at]); return 'delivered'; } }, p.would_send_at);
        }
        expectEqual(sent, preview.map((p) => [p.contact, p.would_send_at]), 'the sends');
      }),
    },
    {
      name: 'engine errors: previewSchedule, scheduleConflicts',
      run: run((eng) => {
        eng.publish(WEEKLY, T0);
        eng.publish(WELCOME, T0);
        raises(() => eng.previewSchedule('welcome', T0), 'EngineError',
          { code: 'engine.preview.not_scheduled', path: '/triggers' });
        raises(() => eng.previewSchedule('nope', T0), 'EngineError', { code: 'engine.flow.unknown' });
        eng.setStatus('weekly', 'paused', T0);
        raises(() => eng.scheduleConflicts('weekly', T0), 'EngineError',
          { code: 'engine.preview.inactive', path: '/status' });
      }),
    },
  ];
}
