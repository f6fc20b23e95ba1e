// The shared engine scenario vectors (core/tests/vectors/engine_scenarios.json, run in Rust by
// core/tests/engine_vectors.rs): each step `{now, op, args, expect}` is one Engine call, and its
// result must contain `expect` (objects by key, arrays element by element with the same length;
// a null expected value also matches an absent key). An error result is `{error: code, path}`.
// SEQUENZA_VECTORS_DIR points the runner at another folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, readRepoText, sequenza } from './helpers.mjs';

const { Engine, SequenzaError } = sequenza;

const VECTORS = process.env.SEQUENZA_VECTORS_DIR
  ? path.resolve(process.env.SEQUENZA_VECTORS_DIR)
  : path.join(ROOT, 'core', 'tests', 'vectors');
// A missing file fails the suite (readFileSync throws), never skips it.
const v = JSON.parse(readFileSync(path.join(VECTORS, 'engine_scenarios.json'), 'utf8'));
const fields = v.fields ? JSON.parse(readRepoText(v.fields)) : null;

/** `expected` is contained in `actual`, as the Rust runner's `contains`. */
function contains(actual, expected) {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length
      && expected.every((e, i) => contains(actual[i], e));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, e]) => (k in actual
      ? contains(actual[k], e)
      : e === null));
  }
  return actual === expected;
}

/** Every route an effect can take, each acknowledging it as delivered. */
function deliverAll(response, out) {
  const handler = (effect) => {
    out.push(effect);
    return effect.kind === 'api_call' && response ? { outcome: 'delivered', response } : 'delivered';
  };
  return Object.fromEntries(['email', 'sms', 'web_push', 'whatsapp', 'http', 'hand_off'].map((r) => [r, handler]));
}

/** Runs one step; its result, or `{error, path}` for an error of the core. */
function step(eng, s, i) {
  const a = s.args ?? {};
  // Instants alternate between RFC 3339 text and a Date: both must read the same.
  const now = i % 2 === 0 ? s.now : new Date(s.now);
  try {
    switch (s.op) {
      case 'publish': {
        const flow = a.file ? readRepoText(a.file) : a.flow;
        // Versions (issue 12): `in_flight` / `node_map` as the camelCase options, when given.
        if (!('in_flight' in a) && !('node_map' in a)) return eng.publish(flow, now);
        return eng.publish(flow, now, { inFlight: a.in_flight ?? null, nodeMap: a.node_map ?? null });
      }
      case 'set_status':
        return eng.setStatus(a.flow, a.status, now) ?? null;
      case 'upsert_contact':
        return eng.upsertContact(a.contact, now) ?? null;
      case 'remove_contact':
        return eng.removeContact(a.contact, now) ?? null;
      case 'record_event':
        return eng.recordEvent(a.event, now) ?? null;
      case 'upsert_contacts':
        return eng.upsertContacts(a.contacts, now);
      case 'record_events':
        return eng.recordEvents(a.events, now);
      case 'receive_message':
        return eng.receiveMessage(a.message, now) ?? null;
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
        return eng.ack(a.key, a.outcome, now, a.response ?? null) ?? null;
      case 'deliver': {
        const out = [];
        eng.deliver(deliverAll(a.response ?? null, out), now);
        return out;
      }
      case 'create_list':
        return eng.createList(a.list, now);
      case 'register_segment':
        return eng.registerSegment(a.segment, now);
      case 'add_to_list':
        return eng.addToList(a.list, a.contact, now) ?? null;
      case 'remove_from_list':
        return eng.removeFromList(a.list, a.contact, now) ?? null;
      case 'effects':
        return eng.effects();
      case 'enrollments':
        return eng.enrollments({ flow: a.flow ?? null, contact: a.contact ?? null });
      case 'history':
        return eng.history(a.contact, a.flow ?? null);
      case 'stats':
        return eng.stats(a.flow);
      // ---- versions and contacts in flight (issue 12) ----
      case 'duplicate':
        return eng.duplicate(a.flow, a.new_id, now);
      case 'skip_wait':
        return eng.skipWait(a.flow, a.contact, now, { by: a.by ?? null }) ?? null;
      case 'move_to':
        return eng.moveTo(a.flow, a.contact, a.node, now, { by: a.by ?? null }) ?? null;
      case 'cancel':
        return eng.cancel(a.flow, a.contact, now, { by: a.by ?? null }) ?? null;
      default:
        throw new Error(`unknown op ${s.op}`);
    }
  } catch (e) {
    if (!(e instanceof SequenzaError)) throw e;
    return { error: e.code, path: e.path ?? null };
  }
}

assert.ok(Array.isArray(v.scenarios) && v.scenarios.length > 0, 'engine_scenarios.json has scenarios');

/** Runs the scenarios of one vector file. */
function runScenarios(file, vector, vectorFields) {
  for (const sc of vector.scenarios) {
    test(`${file}: ${sc.name}`, () => {
      const config = sc.config ?? {};
      const eng = new Engine({
        defaultTimeZone: config.default_time_zone ?? null,
        fields: config.fields ?? vectorFields,
        caps: config.caps ?? null,
      });
      sc.steps.forEach((s, i) => {
        const got = step(eng, s, i);
        const ctx = `${sc.name} / step ${i} (${s.op})`;
        if ('expect' in s) {
          assert.ok(contains(got, s.expect), `${ctx}:\nexpected (contained in the result)\n${JSON.stringify(s.expect, null, 2)}\ngot\n${JSON.stringify(got, null, 2)}`);
        } else {
          assert.ok(!(got && typeof got === 'object' && 'error' in got), `${ctx}: unexpected error ${JSON.stringify(got)}`);
        }
      });
    });
  }
}

runScenarios('engine_scenarios.json', v, fields);

// ---- versions and contacts in flight (issue 12): engine_versions.json (a missing file fails) ----
const versions = JSON.parse(readFileSync(path.join(VECTORS, 'engine_versions.json'), 'utf8'));
assert.ok(Array.isArray(versions.scenarios) && versions.scenarios.length > 0, 'engine_versions.json has scenarios');
runScenarios('engine_versions.json', versions, versions.fields ? JSON.parse(readRepoText(versions.fields)) : null);

// ---- batch inputs (issue 12 §3): engine_batch.json (a missing file fails) ----
const batch = JSON.parse(readFileSync(path.join(VECTORS, 'engine_batch.json'), 'utf8'));
assert.ok(Array.isArray(batch.scenarios) && batch.scenarios.length > 0, 'engine_batch.json has scenarios');
runScenarios('engine_batch.json', batch, batch.fields ? JSON.parse(readRepoText(batch.fields)) : null);
// ---- preview_schedule (issue 12 §2): core/tests/vectors/engine_preview.json ----
// The ops `preview_schedule` and `schedule_conflicts` beside every op of `step`.
const preview = JSON.parse(readFileSync(path.join(VECTORS, 'engine_preview.json'), 'utf8'));
assert.ok(Array.isArray(preview.scenarios) && preview.scenarios.length > 0, 'engine_preview.json has scenarios');

function stepPreview(eng, s, i) {
  const calls = { preview_schedule: 'previewSchedule', schedule_conflicts: 'scheduleConflicts' };
  if (!(s.op in calls)) return step(eng, s, i);
  try {
    return eng[calls[s.op]](s.args.flow, i % 2 === 0 ? s.now : new Date(s.now));
  } catch (e) {
    if (!(e instanceof SequenzaError)) throw e;
    return { error: e.code, path: e.path ?? null };
  }
}

for (const sc of preview.scenarios) {
  test(`engine_preview.json: ${sc.name}`, () => {
    const config = sc.config ?? {};
    const eng = new Engine({ defaultTimeZone: config.default_time_zone ?? null, caps: config.caps ?? null });
    sc.steps.forEach((s, i) => {
      const got = stepPreview(eng, s, i);
      const ctx = `${sc.name} / step ${i} (${s.op})`;
      if ('expect' in s) {
        assert.ok(contains(got, s.expect), `${ctx}: expected ${JSON.stringify(s.expect)}, got ${JSON.stringify(got)}`);
      } else {
        assert.ok(!(got && typeof got === 'object' && 'error' in got), `${ctx}: unexpected error ${JSON.stringify(got)}`);
      }
    });
  });
}
