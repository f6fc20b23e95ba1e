// Engine: a welcome flow end to end with deliver, an abandoned cart (wait for an event with a
// timeout), a WhatsApp keyword question with a reply, lists, segments, a CSV import that
// enrolls, and an error case per method with its code and location.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sequenza } from './helpers.mjs';

const {
  Engine, EngineError, FormatError, ListError, CsvImportError, TimeError, SequenzaError, Flow, Segment,
  FrequencyCaps,
} = sequenza;

const at = (hour, minute = 0, day = 7) => new Date(Date.UTC(2026, 11, day, hour, minute));
const T0 = at(9);

const WELCOME = {
  id: 'welcome',
  name: 'Welcome',
  status: 'active',
  triggers: [{ type: 'event', event: 'signup' }],
  start: 'hello',
  nodes: [
    { id: 'hello', type: 'send', channel: 'email', content: { subject: 'Ciao {{ first_name | "amico" }}', body: 'Benvenuta!' } },
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
    { id: 'reminder', type: 'send', channel: 'email', content: { subject: 'Il carrello', body: 'Riprendi: {{ event.cart_url }}' } },
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
  triggers: [{ type: 'inbound_message', channel: 'whatsapp', match: { kind: 'keyword', keywords: ['CIAO'], mode: 'exact' } }],
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

const MANUAL = {
  id: 'fair',
  name: 'Trade fair',
  status: 'active',
  triggers: [{ type: 'manual', recipients: { kind: 'api' } }],
  start: 'sms',
  nodes: [{ id: 'sms', type: 'send', channel: 'sms', content: { body: 'Grazie della visita' } }],
};

const ANNA = { id: 'anna', email: 'anna@example.com', phone: '+393331234567', fields: { first_name: 'Anna' } };
const BRUNO = { id: 'bruno', email: 'bruno@example.com', phone: '+393339876543' };

const engine = () => new Engine({ defaultTimeZone: 'Europe/Rome' });

/** Asserts that `fn` throws an instance of `cls` with `code`; returns the error. */
function throwsCode(cls, code, fn) {
  let caught = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof cls, `expected a ${cls.name}, got ${caught && caught.stack}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

function signedUp(eng, contacts = [ANNA]) {
  eng.publish(WELCOME, T0);
  for (const c of contacts) {
    eng.upsertContact(c, T0);
    eng.recordEvent({ contact: c.id, name: 'signup', at: '2026-12-07T09:00:00Z' }, T0);
  }
}

// ---- welcome flow, end to end with deliver ------------------------------------------------------

test('welcome end to end with deliver', () => {
  const eng = engine();
  assert.deepEqual(eng.publish(WELCOME, T0), { flow: 'welcome', version: 1, moved: 0, exited: 0 });
  eng.upsertContact(ANNA, T0);
  eng.recordEvent({ contact: 'anna', name: 'signup', at: '2026-12-07T09:00:00Z' }, T0);
  const sent = [];
  const email = (effect) => {
    sent.push(effect);
    return 'delivered';
  };
  assert.equal(eng.deliver({ email }, T0), 1);
  assert.equal(sent.length, 1);
  const [effect] = sent;
  assert.equal(effect.kind, 'send');
  assert.equal(effect.channel, 'email');
  assert.equal(effect.to, 'anna@example.com');
  assert.equal(effect.content.subject, 'Ciao Anna');
  assert.equal(effect.at, '2026-12-07T09:00:00Z');
  assert.equal(effect.key, 'welcome/anna/1/v1/hello/1/0');
  assert.deepEqual(eng.effects(), []);
  // Delivering again does nothing: the effect left the outbox when acknowledged.
  assert.equal(eng.deliver({ email }, T0), 0);
  assert.equal(sent.length, 1);

  const views = eng.enrollments({ flow: 'welcome' });
  assert.equal(views.length, 1);
  assert.equal(views[0].contact, 'anna');
  assert.equal(views[0].state, 'finished');
  const stats = eng.stats('welcome');
  assert.deepEqual([stats.entered, stats.sent, stats.delivered, stats.completed], [1, 1, 1, 1]);
  const actions = eng.history('anna', 'welcome').map((h) => h.action);
  assert.equal(actions[0], 'entered');
  assert.ok(actions.includes('sent') && actions.includes('acknowledged'));
  assert.deepEqual(eng.history('anna', 'other'), []);
  assert.deepEqual(eng.enrollments(), eng.enrollments({ contact: 'anna' }));
});

test('deliver leaves what has no handler or returns undefined; an object reply acks', () => {
  const eng = engine();
  signedUp(eng);
  assert.equal(eng.deliver({ sms: () => 'delivered' }, T0), 0);
  assert.equal(eng.deliver({ email: () => undefined }, T0), 0);
  assert.equal(eng.deliver({ email: () => null, sms: null }, T0), 0);
  assert.deepEqual(eng.effects().map((e) => e.node), ['hello']);
  assert.equal(eng.deliver({ email: () => ({ outcome: 'bounced' }) }, T0), 1);
  assert.deepEqual(eng.effects(), []);
  assert.equal(eng.stats('welcome').bounced, 1);
});

test('deliver acks what was handled before a handler throws, then throws it', () => {
  const eng = engine();
  signedUp(eng, [ANNA, BRUNO]);
  assert.equal(eng.effects().length, 2);
  const calls = [];
  class SmtpDown extends Error {}
  const flaky = (effect) => {
    calls.push(effect.contact);
    if (calls.length === 2) throw new SmtpDown('smtp down');
    return 'delivered';
  };
  assert.throws(() => eng.deliver({ email: flaky }, T0), (e) => e instanceof SmtpDown && e.message === 'smtp down');
  const left = eng.effects();
  assert.equal(left.length, 1);
  assert.equal(left[0].contact, calls[1]);
  assert.equal(eng.stats('welcome').delivered, 1);
});

test('deliver refuses a bad reply and bad handlers', () => {
  const eng = engine();
  signedUp(eng);
  throwsCode(FormatError, 'format.invalid', () => eng.deliver({ email: () => 'sent' }, T0));
  const e = throwsCode(FormatError, 'format.invalid', () => eng.deliver({ email: () => ({ outcome: 'delivered', response: { status: 'ok' } }) }, T0));
  assert.equal(e.path, '/response/status');
  assert.throws(() => eng.deliver({ email: () => 200 }, T0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => eng.deliver({ email: 'x' }, T0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => eng.deliver(null, T0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.equal(eng.effects().length, 1);
});

test('a handler calling the engine gets an error, not a crash', () => {
  const eng = engine();
  signedUp(eng);
  assert.throws(() => eng.deliver({ email: () => eng.effects() }, T0), { message: /borrow/ });
  assert.equal(eng.effects().length, 1);
  assert.equal(eng.deliver({ email: () => 'delivered' }, T0), 1);
});

test('an api_call handler answers with a response', () => {
  const eng = engine();
  eng.publish({
    id: 'score',
    name: 'Score',
    status: 'active',
    triggers: [{ type: 'manual', recipients: { kind: 'api' } }],
    start: 'call',
    nodes: [
      { id: 'call', type: 'api_call', method: 'GET', url: 'https://crm.example.com/score/{{ email }}', response: [{ path: '/score', field: 'lead_score' }] },
      { id: 'ok', type: 'exit' },
      { id: 'ko', type: 'exit' },
    ],
    edges: [{ from: 'call', to: 'ok', label: 'success' }, { from: 'call', to: 'ko', label: 'failure' }, { from: 'call', to: 'ko', label: 'timeout' }],
  }, T0);
  eng.upsertContact(ANNA, T0);
  eng.enroll('score', ['anna'], T0);
  const seen = [];
  const http = (e) => {
    seen.push(e);
    return { outcome: 'delivered', response: { status: 200, body: { score: 85 } } };
  };
  assert.equal(eng.deliver({ http }, T0), 1);
  assert.equal(seen[0].kind, 'api_call');
  assert.equal(seen[0].request.url, 'https://crm.example.com/score/anna@example.com');
  const [view] = eng.enrollments({ flow: 'score' });
  assert.equal(view.node, 'ok');
  assert.equal(eng.contact('anna').fields.lead_score, 85);
});

// ---- abandoned cart: wait for an event, with a timeout ------------------------------------------

test('abandoned cart: the timeout sends the reminder', () => {
  const eng = engine();
  eng.publish(CART, T0);
  eng.upsertContact(ANNA, T0);
  eng.recordEvent({ contact: 'anna', name: 'cart_abandoned', at: T0.toISOString(), properties: { cart_url: 'https://x/c/1' } }, T0);
  assert.deepEqual(eng.effects(), []);
  const wake = eng.nextWakeup();
  assert.equal(wake, '2026-12-07T11:00:00Z');
  const [view] = eng.enrollments({ contact: 'anna' });
  assert.equal(view.state, 'waiting');
  assert.equal(view.node, 'wait-purchase');
  assert.equal(view.due, '2026-12-07T11:00:00Z');
  assert.equal(eng.tick(at(10, 59)), 0);
  assert.ok(eng.tick(wake) > 0);
  const [effect] = eng.effects();
  assert.equal(effect.node, 'reminder');
  assert.equal(effect.content.body, 'Riprendi: https://x/c/1');
  assert.equal(effect.at, '2026-12-07T11:00:00Z');
});

test('abandoned cart: a purchase inside the wait is the goal, even when it arrives late', () => {
  const eng = engine();
  eng.publish(CART, T0);
  eng.upsertContact(ANNA, T0);
  eng.recordEvent({ contact: 'anna', name: 'cart_abandoned', at: T0.toISOString() }, T0);
  eng.recordEvent({ contact: 'anna', name: 'purchase', at: at(10).toISOString() }, at(12));
  assert.deepEqual(eng.effects(), []);
  assert.equal(eng.nextWakeup(), null);
  assert.equal(eng.stats('cart').goals, 1);
  const [view] = eng.enrollments({ flow: 'cart', contact: 'anna' });
  assert.equal(view.state, 'finished');
});

// ---- WhatsApp keyword question with a reply -----------------------------------------------------

test('WhatsApp keyword question with a retry and a reply', () => {
  const eng = engine();
  eng.publish(QUESTION, T0);
  eng.upsertContact({ id: 'anna', phone: '+393331234567' }, T0);
  const message = (text, when) => ({ channel: 'whatsapp', from: '+39 333 123 4567', text, at: when.toISOString() });

  eng.receiveMessage(message('ciao', T0), T0);
  const [prompt] = eng.effects();
  assert.deepEqual([prompt.node, prompt.to, prompt.content.body], ['ask-email', '+393331234567', 'La tua e-mail?']);
  const replies = [];
  assert.equal(eng.deliver({ whatsapp: (e) => { replies.push(e); return 'delivered'; } }, T0), 1);

  eng.receiveMessage(message('non lo so', at(9, 1)), at(9, 1));
  const [retry] = eng.effects();
  assert.equal(retry.content.body, "Non sembra un'e-mail. Riprova:");
  eng.ack(retry.key, 'delivered', at(9, 1));

  eng.receiveMessage(JSON.stringify(message('anna@example.com', at(9, 2))), '2026-12-07T09:02:00Z');
  const [thanks] = eng.effects();
  assert.equal(thanks.content.body, 'Grazie, ti scriviamo a anna@example.com');
  assert.equal(eng.contact('anna').fields.work_email, 'anna@example.com');
  eng.ack(thanks.key, 'delivered', at(9, 2));
  const [view] = eng.enrollments({ flow: 'name-bot' });
  assert.equal(view.state, 'finished');
});

test('an unknown sender becomes a contact', () => {
  const eng = engine();
  eng.publish(QUESTION, T0);
  eng.receiveMessage({ channel: 'whatsapp', from: '+393330000000', text: 'CIAO', at: T0.toISOString() }, T0);
  const [prompt] = eng.effects();
  assert.equal(prompt.contact, 'phone:+393330000000');
});

// ---- audience: lists, segments, CSV import; enroll; status ---------------------------------------

test('list and segment operations', () => {
  const eng = engine();
  eng.upsertContact(ANNA, T0);
  eng.upsertContact(BRUNO, T0);
  assert.equal(eng.createList({ id: 'fair', name: 'Fiera', source: { type: 'empty' } }, T0), 0);
  eng.addToList('fair', 'anna', T0);
  assert.deepEqual(eng.memberIds('fair'), ['anna']);
  eng.renameList('fair', 'Fiera 2026', T0);
  eng.removeFromList('fair', 'anna', T0);
  assert.deepEqual(eng.memberIds('fair'), []);
  eng.deleteList('fair', T0);
  assert.equal(eng.registerSegment(Segment.parse('first_name = "Anna"', 'annas'), T0), 1);
  const brunos = { id: 'brunos', name: 'Brunos', condition: Segment.parse('first_name = "Bruno"').toObject() };
  assert.equal(eng.registerSegment(brunos, T0), 0);
});

test('importCsv into the engine enrolls; a path with onProgress', () => {
  const eng = engine();
  eng.publish(MANUAL, T0);
  const csv = Buffer.from('id,phone\nanna,+393331234567\nbruno,+393339876543\n');
  const report = eng.importCsv(csv, { now: T0, listName: 'Fiera', enroll: 'fair' });
  assert.equal(report.rows, 2);
  assert.equal(report.imported, 2);
  assert.deepEqual(eng.memberIds(report.listId), ['anna', 'bruno']);
  assert.deepEqual(report.enrolled, { entered: ['anna', 'bruno'], refused: [] });
  assert.deepEqual(eng.effects().map((e) => e.contact).sort(), ['anna', 'bruno']);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'sequenza-engine-'));
  const file = path.join(dir, 'more.csv');
  writeFileSync(file, 'id,phone\ncarla,+393330001111\n');
  const progress = [];
  const more = eng.importCsv(file, { now: at(10), onProgress: (p) => progress.push(p) });
  assert.equal(more.imported, 1);
  assert.equal(more.enrolled, null);
  assert.ok(progress.length > 0);
  assert.equal(progress.at(-1).rows, 1);
  // A progress callback calling the engine gets an error.
  assert.throws(
    () => eng.importCsv(Buffer.from('id\ndora\n'), { now: at(10), onProgress: () => eng.effects() }),
    { message: /borrow/ },
  );
});

test('enroll refusals and enrollMatching', () => {
  const eng = engine();
  eng.publish(MANUAL, T0);
  eng.upsertContact(ANNA, T0);
  assert.deepEqual(eng.enroll('fair', ['anna', 'ghost'], T0), {
    entered: ['anna'],
    refused: [{ contact: 'ghost', reason: 'unknown_contact' }],
  });
  eng.upsertContact(BRUNO, T0);
  assert.ok(eng.enrollMatching('fair', T0).entered.includes('bruno'));
});

test('setStatus: paused refuses, active again admits', () => {
  const eng = engine();
  eng.publish(MANUAL, T0);
  eng.upsertContact(ANNA, T0);
  eng.setStatus('fair', 'paused', T0);
  assert.deepEqual(eng.enroll('fair', ['anna'], T0).refused, [{ contact: 'anna', reason: 'flow_not_active' }]);
  eng.setStatus('fair', 'active', T0);
  assert.deepEqual(eng.enroll('fair', ['anna'], T0).entered, ['anna']);
});

test('removeContact exits; recordActivity; feedItems; a Flow handle; caps as FrequencyCaps', () => {
  const eng = new Engine({
    defaultTimeZone: 'Europe/Rome',
    caps: new FrequencyCaps({ caps: [{ channel: 'email', max: 2, per: { amount: 1, unit: 'days' } }] }),
  });
  eng.publish(CART, T0);
  eng.upsertContact(ANNA, T0);
  eng.recordEvent({ contact: 'anna', name: 'cart_abandoned', at: T0.toISOString() }, T0);
  eng.removeContact('anna', at(10));
  assert.equal(eng.enrollments({ flow: 'cart' })[0].state, 'exited');
  assert.equal(eng.contact('anna'), null);

  eng.upsertContact(BRUNO, at(10));
  eng.recordActivity('bruno', { type: 'tag_assigned', tag: 'vip' }, at(10), at(10));
  assert.ok(eng.contact('bruno').tags.includes('vip'));
  assert.deepEqual(eng.feedItems('https://blog/rss', [{ id: 'a2', title: 'New', link: 'https://blog/2' }], at(10)), { entered: [], refused: [] });

  assert.equal(eng.publish(Flow.fromJson(WELCOME), at(10)).version, 1);
  assert.equal(eng.publish(JSON.stringify(WELCOME), at(10)).version, 2);
  assert.equal(eng.tick('2026-12-07T12:00:00+01:00'), 0);
});

// ---- errors: one per method, with its code and location -----------------------------------------

test('constructor errors', () => {
  let e = throwsCode(TimeError, 'time.zone.unknown', () => new Engine({ defaultTimeZone: 'Mars/Olympus' }));
  assert.equal(e.path, '/default_time_zone');
  assert.ok(e instanceof SequenzaError);
  // The caps document is read (and checked) by the core's frequency-caps reader.
  e = throwsCode(TimeError, 'time.cap.invalid', () => new Engine({ caps: { caps: [{ channel: 'email', max: 0, per: { amount: 1, unit: 'days' } }] } }));
  assert.equal(e.path, '/caps/0/max');
  throwsCode(FormatError, 'format.invalid', () => new Engine({ fields: { fields: 3 } }));
  assert.throws(() => new Engine({ timeZone: 'UTC' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test('publish errors', () => {
  const eng = engine();
  const bad = { ...WELCOME, edges: [], nodes: [{ id: 'hello', type: 'condition', condition: { type: 'and', conditions: [] } }] };
  let e = throwsCode(EngineError, 'engine.flow.invalid', () => eng.publish(bad, T0));
  assert.equal(e.flow, 'welcome');
  assert.ok(e.findings.length > 0 && e.findings.every((f) => f.severity === 'error'));
  e = throwsCode(FormatError, 'format.invalid', () => eng.publish({ ...WELCOME, name: 3 }, T0));
  assert.equal(e.path, '/name');
  eng.publish(QUESTION, T0);
  throwsCode(EngineError, 'engine.keyword.taken', () => eng.publish({ ...QUESTION, id: 'other-bot' }, T0));
  assert.throws(() => eng.publish(42, T0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('clock errors', () => {
  const eng = engine();
  eng.tick(at(10));
  const e = throwsCode(EngineError, 'engine.clock.backwards', () => eng.tick(at(9, 59)));
  assert.equal(e.path, '/now');
  throwsCode(EngineError, 'engine.clock.backwards', () => eng.publish(WELCOME, T0));
  assert.throws(() => eng.tick('yesterday'), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => eng.tick(new Date(NaN)), { name: 'RangeError' });
  assert.throws(() => eng.tick(), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

test('setStatus errors', () => {
  const eng = engine();
  throwsCode(EngineError, 'engine.flow.unknown', () => eng.setStatus('nope', 'paused', T0));
  eng.publish(WELCOME, T0);
  throwsCode(FormatError, 'format.invalid', () => eng.setStatus('welcome', 'sleeping', T0));
  throwsCode(EngineError, 'engine.flow.status', () => eng.setStatus('welcome', 'draft', T0));
});

test('contact and event errors', () => {
  const eng = engine();
  let e = throwsCode(FormatError, 'format.invalid', () => eng.upsertContact({ id: 'x', email: 3 }, T0));
  assert.equal(e.path, '/email');
  e = throwsCode(EngineError, 'engine.contact.unknown', () => eng.removeContact('nobody', T0));
  assert.equal(e.path, '/contact');
  assert.equal(e.contact, 'nobody');
  e = throwsCode(FormatError, 'format.invalid', () => eng.recordEvent({ contact: 'x', at: T0.toISOString() }, T0));
  assert.equal(e.path, '');
  e = throwsCode(FormatError, 'format.invalid', () => eng.recordActivity('x', { type: 'x' }, T0, T0));
  assert.equal(e.path, '/type');
});

test('message errors', () => {
  const eng = engine();
  const now = T0.toISOString();
  throwsCode(EngineError, 'engine.message.sender_unknown', () => eng.receiveMessage({ channel: 'sms', text: 'hi', at: now }, T0));
  const e = throwsCode(FormatError, 'format.invalid', () => eng.receiveMessage({ channel: 'fax', from: '+39333', at: now }, T0));
  assert.equal(e.path, '/channel');
  throwsCode(EngineError, 'engine.contact.unknown', () => eng.receiveMessage({ channel: 'sms', contact: 'ghost', text: 'hi', at: now }, T0));
});

test('enroll, stats and feed errors', () => {
  const eng = engine();
  const e = throwsCode(EngineError, 'engine.flow.unknown', () => eng.enroll('nope', ['anna'], T0));
  assert.equal(e.flow, 'nope');
  throwsCode(EngineError, 'engine.flow.unknown', () => eng.enrollMatching('nope', T0));
  throwsCode(EngineError, 'engine.flow.unknown', () => eng.stats('nope'));
  assert.throws(() => eng.enroll('nope', 'anna', T0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  const f = throwsCode(FormatError, 'format.invalid', () => eng.feedItems('https://blog', [{ title: 'x' }], T0));
  assert.equal(f.path, '/0');
  assert.throws(() => eng.enrollments({ flows: 'x' }), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test('ack errors', () => {
  const eng = engine();
  let e = throwsCode(EngineError, 'engine.effect.unknown', () => eng.ack('x/y/1/v1/z/1/0', 'delivered', T0));
  assert.equal(e.path, '/key');
  throwsCode(FormatError, 'format.invalid', () => eng.ack('x/y/1/v1/z/1/0', 'lost', T0));
  e = throwsCode(FormatError, 'format.invalid', () => eng.ack('k', 'delivered', T0, { status: 'ok' }));
  assert.equal(e.path, '/status');
});

test('list and segment errors', () => {
  const eng = engine();
  eng.upsertContact(ANNA, T0);
  const e = throwsCode(ListError, 'list.unknown', () => eng.addToList('nope', 'anna', T0));
  assert.ok(e.path !== undefined);
  throwsCode(ListError, 'list.unknown', () => eng.deleteList('nope', T0));
  throwsCode(ListError, 'list.unknown', () => eng.renameList('nope', 'X', T0));
  throwsCode(FormatError, 'format.invalid', () => eng.createList({ id: 'l' }, T0));
  eng.createList({ id: 'l', name: 'L', source: { type: 'empty' } }, T0);
  throwsCode(EngineError, 'engine.contact.unknown', () => eng.addToList('l', 'ghost', T0));
  throwsCode(ListError, 'list.contact.unknown', () => eng.removeFromList('l', 'ghost', T0));
  assert.throws(() => eng.registerSegment(Segment.parse('first_name = "x"'), T0), { name: 'RangeError' });
});

test('importCsv errors', () => {
  const eng = engine();
  throwsCode(CsvImportError, 'import.empty', () => eng.importCsv(Buffer.alloc(0), { now: T0 }));
  throwsCode(EngineError, 'engine.flow.unknown', () => eng.importCsv(Buffer.from('id\nanna\n'), { now: T0, enroll: 'nope' }));
  const e = throwsCode(CsvImportError, 'import.option.invalid', () => eng.importCsv(Buffer.from('id\nanna\n'), { now: T0, noSuch: 1 }));
  assert.equal(e.columnName, 'no_such');
  assert.throws(() => eng.importCsv(Buffer.from('id\nanna\n'), {}), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
});

// ---- versions and contacts in flight (issue 12) ------------------------------------------------

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

test('publish migrates by node id, pins, maps', () => {
  const eng = new Engine();
  nurtureWith(eng, ['anna']);
  assert.deepEqual(eng.publish(NURTURE, at(10)), { flow: 'nurture', version: 2, moved: 1, exited: 0 });
  assert.equal(eng.publish(NURTURE, at(11), { inFlight: 'pin' }).moved, 0);
  const renamed = {
    ...NURTURE, start: 'pause', nodes: [{ ...NURTURE.nodes[0], id: 'pause' }, NURTURE.nodes[1]], edges: [{ from: 'pause', to: 'hello' }],
  };
  assert.deepEqual(eng.publish(renamed, at(12), { nodeMap: { wait: 'pause' } }), { flow: 'nurture', version: 4, moved: 1, exited: 0 });
  const [view] = eng.enrollments({ flow: 'nurture' });
  assert.equal(view.node, 'pause');
  assert.equal(view.version, 4);
  assert.equal(eng.history('anna').filter((h) => h.action === 'migrated').length, 2);
  const e = throwsCode(EngineError, 'engine.node.unknown', () => eng.publish(NURTURE, at(12), { nodeMap: { nope: 'wait' } }));
  assert.equal(e.path, '/node_map/nope');
  throwsCode(FormatError, 'format.invalid', () => eng.publish(NURTURE, at(12), { inFlight: 'stay' }));
  throwsCode(FormatError, 'format.invalid', () => eng.publish(NURTURE, at(12), { nodeMapp: {} }));
});

test('duplicate, skipWait, moveTo, cancel', () => {
  const eng = new Engine();
  eng.publish(QUESTION, T0);
  const copy = eng.duplicate('name-bot', 'name-bot-2', T0);
  assert.deepEqual([copy.id, copy.status, copy.version], ['name-bot-2', 'draft', 1]);
  assert.deepEqual(copy.triggers, [{ type: 'manual', recipients: { kind: 'api' } }]);
  const taken = throwsCode(EngineError, 'engine.flow.taken', () => eng.duplicate('name-bot', 'name-bot-2', T0));
  assert.equal(taken.path, '/new_id');
  nurtureWith(eng, ['anna', 'bruno', 'carla']);
  eng.skipWait('nurture', 'anna', at(10), { by: 'ops@example.com' });
  eng.moveTo('nurture', 'bruno', 'hello', at(10), { by: 'bea' });
  eng.cancel('nurture', 'carla', at(10));
  assert.deepEqual(eng.effects().map((e) => e.contact), ['anna', 'bruno']);
  const skipped = eng.history('anna').find((h) => h.action === 'wait_skipped');
  assert.deepEqual([skipped.by, skipped.at], ['ops@example.com', '2026-12-07T10:00:00Z']);
  assert.equal(eng.history('bruno').find((h) => h.action === 'moved').by, 'bea');
  assert.deepEqual(eng.enrollments({ contact: 'carla' }).map((v) => [v.state, v.reason]), [['exited', 'cancelled']]);
  const e = throwsCode(EngineError, 'engine.enrollment.not_waiting', () => eng.cancel('nurture', 'carla', at(10)));
  assert.equal(e.path, '/contact');
  nurtureWith(eng, ['dario'], at(10));
  assert.equal(throwsCode(EngineError, 'engine.node.unknown', () => eng.moveTo('nurture', 'dario', 'nope', at(10))).path, '/node');
  throwsCode(EngineError, 'engine.flow.unknown', () => eng.skipWait('nope', 'dario', at(10)));
  assert.throws(() => eng.cancel('nurture', 'dario', at(10), { who: 'x' }), RangeError);
});

// ---- preview_schedule (issue 12 §2) ----

const WEEKLY = {
  id: 'weekly',
  name: 'Weekly news',
  status: 'active',
  triggers: [{ type: 'schedule', recurrence: { kind: 'weekly', weekdays: ['mon'], times: ['07:00'] } }],
  start: 'mail',
  nodes: [{ id: 'mail', type: 'send', channel: 'email', content: { subject: 'Novità', body: '…' } }],
  settings: { send_policy: { quiet_hours: [{ start: '21:00', end: '09:00' }] } },
};

test('previewSchedule: who the next check reaches and when, then the engine does it', () => {
  const eng = engine();
  const sunday = at(12, 0, 6);
  eng.publish(WEEKLY, sunday);
  eng.upsertContact({ id: 'anna', email: 'anna@example.com' }, sunday);
  eng.upsertContact({ id: 'bruno', email: 'b@example.com', time_zone: 'America/New_York' }, sunday);
  eng.upsertContact({ id: 'carla', phone: '+393331234567' }, sunday);
  const preview = eng.previewSchedule('weekly', sunday);
  assert.deepEqual(
    preview.map((p) => [p.contact, p.check_at, p.would_send_at, p.deferred_by, p.skipped]),
    [
      ['anna', '2026-12-07T06:00:00Z', '2026-12-07T08:00:00Z', 'quiet_hours', null],
      ['bruno', '2026-12-07T06:00:00Z', '2026-12-07T14:00:00Z', 'quiet_hours', null],
      ['carla', '2026-12-07T06:00:00Z', null, null, 'no_address'],
    ],
  );
  assert.deepEqual(eng.enrollments({ flow: 'weekly' }), []);
  assert.deepEqual(eng.scheduleConflicts('weekly', '2026-12-06T12:00:00Z'), []);
  const sent = [];
  for (const p of preview.filter((x) => x.would_send_at)) {
    eng.deliver({ email: (e) => { sent.push([e.contact, e.at]); return 'delivered'; } }, p.would_send_at);
  }
  assert.deepEqual(sent, preview.filter((x) => x.would_send_at).map((p) => [p.contact, p.would_send_at]));
});

test('previewSchedule errors', () => {
  const eng = engine();
  eng.publish(WEEKLY, T0);
  eng.publish(WELCOME, T0);
  const e = throwsCode(EngineError, 'engine.preview.not_scheduled', () => eng.previewSchedule('welcome', T0));
  assert.equal(e.path, '/triggers');
  throwsCode(EngineError, 'engine.flow.unknown', () => eng.previewSchedule('nope', T0));
  eng.setStatus('weekly', 'paused', T0);
  throwsCode(EngineError, 'engine.preview.inactive', () => eng.scheduleConflicts('weekly', T0));
  assert.throws(() => eng.previewSchedule('weekly', 12), { name: 'TypeError' });
});
