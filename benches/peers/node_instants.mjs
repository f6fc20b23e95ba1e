// The Node binding's instant converter (issue 9 §1): a `Date` or an RFC 3339 string in, an RFC
// 3339 string out, in nanoseconds per call. Each figure is a call minus the same call's floor (a
// method with no instant argument), so what is left is the conversion.
//
//   make test-node   # builds the binding (release)
//   node benches/peers/node_instants.mjs
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SendPolicy, Recurrence } = require('../../bindings-node/index.js');

const N = 1_000_000;
const policy = new SendPolicy(); // allows every instant: the core's work is a few comparisons
const every = new Recurrence({ kind: 'every', minutes: 60 });
const date = new Date('2026-11-25T18:51:00Z');
const text = '2026-11-25T18:51:00Z';

/** Median over 5 runs of N calls, ns per call. */
function ns(f) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f();
    runs.push(Number(process.hrtime.bigint() - t0) / N);
  }
  return runs.sort((a, b) => a - b)[2];
}

for (let i = 0; i < 100_000; i++) policy.isAllowed(date); // warm up
const floor = ns(() => policy.timeZone);
const rows = [
  ['floor: a getter, no argument', floor],
  ['JS alone: Date.parse(string)', ns(() => Date.parse(text))],
  ['JS alone: date.toISOString()', ns(() => date.toISOString())],
  ['isAllowed(Date)', ns(() => policy.isAllowed(date))],
  ['isAllowed(RFC 3339 string)', ns(() => policy.isAllowed(text))],
  ['nextAfter(Date) → string', ns(() => every.nextAfter(date))],
  ['nextAfter(string) → string', ns(() => every.nextAfter(text))],
];
for (const [what, t] of rows) {
  const extra = what.startsWith('floor') || what.startsWith('JS') ? '' : `  (${(t - floor).toFixed(0)} ns over the floor)`;
  console.log(`${what.padEnd(32)} ${t.toFixed(0).padStart(5)} ns/call${extra}`);
}
