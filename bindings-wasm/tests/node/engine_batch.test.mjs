// Engine.upsertContacts / Engine.recordEvents (issue 12 §3) in the full wasm build: one crossing
// gives what one call each gives; a malformed item refuses the batch with its code and its index.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sequenza } from './helpers.mjs';

const at = (hour, minute = 0, day = 7) => new Date(Date.UTC(2026, 11, day, hour, minute));
const T0 = at(9);
const T1 = at(10);
const T2 = at(9, 0, 9);

const VIP = {
  id: 'vip', name: 'VIP', status: 'active',
  triggers: [{ type: 'field_changed', field: 'tier', to: 'gold' }],
  start: 'hello',
  nodes: [
    { id: 'hello', type: 'send', channel: 'email', content: { subject: 'Ciao {{ first_name | "amico" }}', body: 'Sei gold' } },
    { id: 'w', type: 'wait', duration: { amount: 1, unit: 'days' } },
    { id: 'end', type: 'exit' },
  ],
  edges: [{ from: 'hello', to: 'w' }, { from: 'w', to: 'end' }],
};

const ORDER = {
  id: 'order', name: 'Order', status: 'active',
  triggers: [{ type: 'event', event: 'order.placed' }],
  start: 'big',
  nodes: [
    { id: 'big', type: 'condition', condition: { type: 'field', field: 'tier', op: 'eq', value: 'gold' } },
    { id: 'thanks', type: 'send', channel: 'email', content: { subject: 'Grazie {{ first_name }}', body: '{{ event.amount }}' } },
    { id: 'end', type: 'exit' },
  ],
  edges: [{ from: 'big', to: 'thanks', label: 'yes' }, { from: 'big', to: 'end', label: 'no' }, { from: 'thanks', to: 'end' }],
};

const contacts = () => Array.from({ length: 30 }, (_, i) => ({
  id: `c${i}`,
  email: `c${i}@example.com`,
  fields: { first_name: `N${i}`, tier: i % 3 === 0 ? 'gold' : 'silver' },
  tags: i % 2 ? ['vip'] : [],
}));

const events = () => Array.from({ length: 50 }, (_, i) => ({
  contact: `c${i % 33}`,
  name: i % 4 === 0 ? 'page.viewed' : 'order.placed',
  at: '2026-12-07T09:30:00Z',
  properties: { amount: i },
}));

function engine(Engine) {
  const eng = new Engine({ defaultTimeZone: 'Europe/Rome' });
  eng.publish(VIP, T0);
  eng.publish(ORDER, T0);
  return eng;
}

function state(eng) {
  const out = [eng.effects(), eng.enrollments(), eng.stats('vip'), eng.stats('order')];
  for (let i = 0; i < 33; i++) out.push(eng.history(`c${i}`), eng.contact(`c${i}`));
  return JSON.stringify(out);
}

// upsertContacts / recordEvents (issue 12 §3): the same as one call each; a bad item's code and index.
function batchCases(Engine, assert) {
  return [
    ['a batch gives what one call each gives', () => {
      const one = engine(Engine);
      for (const c of contacts()) one.upsertContact(c, T0);
      for (const e of events()) one.recordEvent(e, T1);
      const batch = engine(Engine);
      assert.equal(batch.upsertContacts(contacts(), T0), 30);
      assert.equal(batch.recordEvents(events(), T1), 50);
      assert.ok(one.effects().length > 0);
      assert.equal(state(batch), state(one));
      one.tick(T2);
      batch.tick(T2);
      assert.equal(state(batch), state(one));
    }],
    ['a malformed item refuses the batch, located by its index', () => {
      const eng = engine(Engine);
      const items = contacts();
      items[7].email = 5;
      let err;
      try { eng.upsertContacts(items, T0); } catch (e) { err = e; }
      assert.ok(err, 'no error');
      assert.equal(err.code, 'format.invalid');
      assert.ok(err.index === 7 || err.path.startsWith('/7'), `${err.index} ${err.path}`);
      assert.equal(eng.contact('c0'), null);
      const evs = events();
      delete evs[4].name;
      err = undefined;
      try { eng.recordEvents(evs, T1); } catch (e) { err = e; }
      assert.ok(err, 'no error');
      assert.equal(err.code, 'format.invalid');
      assert.ok(err.index === 4 || err.path.startsWith('/4'), `${err.index} ${err.path}`);
      assert.equal(eng.contact('c0'), null);
      assert.throws(() => eng.upsertContacts({ id: 'x' }, T0), TypeError);
    }],
  ];
}

for (const [name, run] of batchCases(sequenza.Engine, assert)) test(name, run);
