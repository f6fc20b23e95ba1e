// N contacts through one decision, driven from Node as a user would (the Node twin of
// benches/python/engine_million.py; issue 11 "no engine bench from Node").
//
//     make build-node
//     node benches/node/engine_million.mjs 1000000     # or 100000
//
// 1. load N contacts (e-mail, four fields, one tag) with `Engine.upsertContacts`, 100,000 per call
//    (arrays of plain objects); only the calls are timed, not building the JS data;
// 2. publish a flow: event `cart.abandoned` -> wait 1 hour -> decision (tier is gold?) -> send a
//    rendered e-mail (yes) / exit (no);
// 3. record N events (one `cart.abandoned` per contact) with `Engine.recordEvents`, 100,000 per
//    call: every contact enters the flow and waits;
// 4. `tick` one hour later: N waits fire, N decisions, a third of the contacts get an e-mail.
//
// Prints each phase's wall and CPU seconds (`process.cpuUsage`: the machine is shared, so the
// wall time also counts other processes' turns), the load rate, RSS per contact, and the end to
// end total against the 30 s target and Mautic's 2.5 days (mautic #2870).

import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const { Engine } = require('../../bindings-node/index.js');

const T0 = Date.parse('2026-12-07T09:00:00Z');
const CHUNK = 100_000;
const MAUTIC_S = 2.5 * 86_400;
const CITIES = ['Roma', 'Milano', 'Napoli', 'Torino', 'Bologna'];

const FLOW = {
  id: 'cart',
  name: 'Abandoned cart',
  status: 'active',
  triggers: [{ type: 'event', event: 'cart.abandoned' }],
  start: 'wait',
  nodes: [
    { id: 'wait', type: 'wait', duration: { amount: 1, unit: 'hours' } },
    { id: 'gold', type: 'condition', condition: { type: 'field', field: 'tier', op: 'eq', value: 'gold' } },
    {
      id: 'mail',
      type: 'send',
      channel: 'email',
      transactional: true,
      content: { subject: 'Ciao {{ first_name | "amico" }}, il tuo carrello', body: 'Da {{ city }}: riprendi il carrello.' },
    },
    { id: 'end', type: 'exit' },
  ],
  edges: [
    { from: 'wait', to: 'gold' },
    { from: 'gold', to: 'mail', label: 'yes' },
    { from: 'gold', to: 'end', label: 'no' },
    { from: 'mail', to: 'end' },
  ],
};

const id = (i) => `c${String(i).padStart(7, '0')}`;

function contact(i) {
  return {
    id: id(i),
    email: `c${i}@example.com`,
    fields: { first_name: `N${i}`, tier: i % 3 === 0 ? 'gold' : 'silver', city: CITIES[i % 5], score: i % 100 },
    tags: [i % 2 === 0 ? 'vip' : 'new'],
  };
}

class Phase {
  wall = 0;
  cpu = 0;
  run(f) {
    const w = process.hrtime.bigint();
    const c = process.cpuUsage();
    const out = f();
    const dc = process.cpuUsage(c);
    this.wall += Number(process.hrtime.bigint() - w) / 1e9;
    this.cpu += (dc.user + dc.system) / 1e6;
    return out;
  }
  toString() {
    return `${this.wall.toFixed(2)} s wall, ${this.cpu.toFixed(2)} s CPU`;
  }
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');

function main() {
  const n = Number(process.argv[2] ?? 1_000_000);
  const eng = new Engine({ defaultTimeZone: 'Europe/Rome' });

  const load = new Phase();
  const before = process.memoryUsage().rss;
  for (let start = 0; start < n; start += CHUNK) {
    const data = [];
    for (let i = start; i < Math.min(start + CHUNK, n); i++) data.push(contact(i));
    load.run(() => eng.upsertContacts(data, new Date(T0)));
  }
  const perContact = (process.memoryUsage().rss - before) / n;
  console.log(
    `load ${n} contacts (arrays of objects) with upsertContacts: ${load} = ${fmt(n / load.wall)} contacts/s wall, ` +
      `${fmt(n / load.cpu)}/s CPU; RSS ${fmt(perContact)} B per contact (JS arrays included)`,
  );

  const publish = new Phase();
  publish.run(() => eng.publish(FLOW, new Date(T0)));

  const events = new Phase();
  const at = new Date(T0 + 60_000).toISOString();
  for (let start = 0; start < n; start += CHUNK) {
    const data = [];
    for (let i = start; i < Math.min(start + CHUNK, n); i++) data.push({ contact: id(i), name: 'cart.abandoned', at });
    events.run(() => eng.recordEvents(data, at));
  }
  console.log(`record ${n} events with recordEvents (each enters the flow and waits): ${events}`);

  const tick = new Phase();
  const steps = tick.run(() => eng.tick(new Date(T0 + 62 * 60_000)));
  const sent = eng.stats('cart').sent;
  console.log(`tick: ${steps} steps (wait fires, decision, send or exit), ${sent} e-mails rendered: ${tick}`);
  assert.equal(sent, Math.floor((n + 2) / 3));

  const wall = load.wall + publish.wall + events.wall + tick.wall;
  const cpu = load.cpu + publish.cpu + events.cpu + tick.cpu;
  console.log(
    `end to end (load + publish + events + tick): ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU ` +
      `(target 30 s: ${wall <= 30 ? 'met' : 'not met'} on wall time); Mautic 2.5 days = ${fmt(MAUTIC_S)} s: ` +
      `${fmt(MAUTIC_S / wall)}x faster (wall), ${fmt(MAUTIC_S / cpu)}x (CPU)`,
  );
}

main();
