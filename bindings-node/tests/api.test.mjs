// The API surface of the Node binding: what the contract (index.d.ts) promises.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { ROOT, readRepoText, sequenza } from './helpers.mjs';

const { Flow, validateFlow, validateFlows, findingCodes, flowSchema } = sequenza;

const WELCOME = {
  id: 'welcome',
  name: 'Welcome',
  status: 'active',
  version: 3,
  triggers: [{ type: 'event', event: 'signup' }],
  start: 'hello',
  nodes: [
    { id: 'hello', type: 'send', channel: 'sms', content: { body: 'Ciao {{ nome }}!' } },
    { id: 'end', type: 'exit' },
  ],
  edges: [{ from: 'hello', to: 'end' }],
};
const FIELDS = { fields: [{ key: 'first_name', type: 'text' }] };
const BROKEN_BRANCH = {
  id: 'broken',
  name: 'Broken',
  triggers: [{ type: 'event', event: 'signup' }],
  start: 'check',
  nodes: [
    { id: 'check', type: 'condition', condition: { type: 'tags', op: 'has_any', tags: ['vip'] } },
    { id: 'bye', type: 'exit' },
  ],
  edges: [{ from: 'check', to: 'bye', label: 'yes' }],
};
const NOT_A_FLOW = '{"id": "x", "name": "x", "triggers": [{"type": "telepathy"}]}';

/** Calls `fn`, which must throw; returns what it threw. */
function thrownBy(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

function assertFormatError(e, code, pathPointer) {
  assert.ok(e instanceof Error, 'a real Error instance');
  assert.equal(e.name, 'FormatError');
  assert.equal(e.code, code);
  assert.equal(e.path, pathPointer);
  assert.equal(typeof e.line, 'number');
  assert.equal(typeof e.column, 'number');
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  assert.match(String(e.stack), /^FormatError: /);
}

function assertInvalidArg(fn, argName) {
  const e = thrownBy(fn);
  assert.ok(e instanceof TypeError, `a TypeError, got ${e && e.name}: ${e && e.message}`);
  assert.equal(e.code, 'ERR_INVALID_ARG_TYPE');
  if (argName) assert.match(e.message, new RegExp(`"${argName.replace(/[[\]]/g, '\\$&')}"`));
}

test('the package exports exactly the documented API', () => {
  for (const name of ['Flow', 'validateFlow', 'validateFlows', 'findingCodes', 'flowSchema']) {
    assert.equal(typeof sequenza[name], 'function', name);
  }
  assert.equal(typeof Flow.fromJson, 'function');
});

test('Flow.fromJson reads an object and a string the same way', () => {
  const fromObject = Flow.fromJson(WELCOME);
  const fromText = Flow.fromJson(JSON.stringify(WELCOME, null, 2));
  assert.ok(fromObject instanceof Flow);
  assert.equal(fromObject.toJson(), fromText.toJson());
});

test('Flow getters', () => {
  const flow = Flow.fromJson(WELCOME);
  assert.equal(flow.id, 'welcome');
  assert.equal(flow.name, 'Welcome');
  assert.equal(flow.status, 'active');
  assert.equal(flow.version, 3);
  const defaults = Flow.fromJson({ ...WELCOME, status: undefined, version: undefined });
  assert.equal(defaults.status, 'draft');
  assert.equal(defaults.version, 1);
});

test('Flow getters are read-only', () => {
  const flow = Flow.fromJson(WELCOME);
  assert.throws(() => {
    flow.id = 'other'; // ES modules are strict: assigning to a getter-only property throws
  }, TypeError);
  assert.equal(flow.id, 'welcome');
});

test('toJson, toJson(true) and toObject give the same canonical form', () => {
  const flow = Flow.fromJson(WELCOME);
  const compact = flow.toJson();
  const pretty = flow.toJson(true);
  assert.equal(typeof compact, 'string');
  assert.ok(!compact.includes('\n'));
  assert.ok(pretty.includes('\n  '));
  assert.equal(flow.toJson(false), compact);
  assert.deepEqual(JSON.parse(pretty), JSON.parse(compact));
  const obj = flow.toObject();
  assert.equal(Object.getPrototypeOf(obj), Object.prototype, 'a plain object');
  assert.equal(JSON.stringify(obj), compact, 'same keys, same order');
  assert.equal(obj.id, 'welcome');
  assert.equal(obj.nodes[0].content.body, 'Ciao {{ nome }}!');
  assert.equal(obj.edges[0].label, 'next', 'defaults are filled in');
});

test('toJson / toObject round trip', () => {
  const flow = Flow.fromJson(WELCOME);
  assert.equal(Flow.fromJson(flow.toJson()).toJson(), flow.toJson());
  assert.equal(Flow.fromJson(flow.toObject()).toJson(), flow.toJson());
  assert.equal(Flow.fromJson(flow.toJson(true)).toJson(), flow.toJson());
});

test('every example flow survives the round trip', (t) => {
  const dir = path.join(ROOT, 'examples', 'flows');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) {
    t.skip('examples/flows/ has no flows yet');
    return;
  }
  for (const file of files) {
    const flow = Flow.fromJson(readRepoText(`examples/flows/${file}`));
    assert.equal(Flow.fromJson(flow.toObject()).toJson(), flow.toJson(), file);
  }
});

test('outline is readable text naming the nodes', () => {
  const outline = Flow.fromJson(WELCOME).outline();
  assert.equal(typeof outline, 'string');
  assert.match(outline, /Welcome/);
  assert.match(outline, /hello/);
  assert.match(outline, /end: exit/);
});

test('validateFlow takes a Flow, a string or an object, with fields as string or object', () => {
  const flow = Flow.fromJson(WELCOME);
  const expected = [
    {
      code: 'flow.merge_field.unknown',
      severity: 'error',
      flow: 'welcome',
      node: 'hello',
      path: '/nodes/0/content/body',
      message: validateFlow(flow, FIELDS)[0].message,
    },
  ];
  assert.deepEqual(validateFlow(flow, FIELDS), expected);
  assert.deepEqual(validateFlow(WELCOME, FIELDS), expected);
  assert.deepEqual(validateFlow(JSON.stringify(WELCOME), JSON.stringify(FIELDS)), expected);
  assert.match(expected[0].message, /nome/);
});

test('validateFlow without fields skips the field checks; null and undefined mean none', () => {
  assert.deepEqual(validateFlow(WELCOME), []);
  assert.deepEqual(validateFlow(WELCOME, undefined), []);
  assert.deepEqual(validateFlow(WELCOME, null), []);
});

test('findings are plain objects with node: null when absent', () => {
  const [finding] = validateFlow({ ...WELCOME, triggers: [] });
  assert.equal(finding.code, 'flow.trigger.none');
  assert.equal(finding.node, null);
  assert.ok(Object.hasOwn(finding, 'node'));
  assert.equal(Object.getPrototypeOf(finding), Object.prototype);
  assert.deepEqual(Object.keys(finding), ['code', 'severity', 'flow', 'node', 'path', 'message']);

  const [branch] = validateFlow(BROKEN_BRANCH);
  assert.deepEqual(
    { ...branch, message: undefined },
    { code: 'flow.branch.missing', severity: 'error', flow: 'broken', node: 'check', path: '/nodes/0', message: undefined },
  );
});

test('validateFlows checks across flows and accepts mixed inputs', () => {
  const a = { ...WELCOME, id: 'a' };
  assert.deepEqual(validateFlows([Flow.fromJson(a), JSON.stringify(WELCOME), BROKEN_BRANCH]).map((f) => f.code), [
    'flow.branch.missing',
  ]);
  const twice = validateFlows([WELCOME, Flow.fromJson(WELCOME)]);
  assert.deepEqual(twice.map((f) => f.code), ['flows.id.duplicate']);
  assert.deepEqual(validateFlows([]), []);
  assert.deepEqual(validateFlows([WELCOME], FIELDS).map((f) => f.code), ['flow.merge_field.unknown']);
});

test('a Flow passed to validateFlow stays usable', () => {
  const flow = Flow.fromJson(WELCOME);
  validateFlow(flow);
  validateFlows([flow, { ...WELCOME, id: 'other' }]);
  assert.equal(flow.id, 'welcome');
  assert.equal(flow.toObject().name, 'Welcome');
});

test('findingCodes lists every code with its severity and description', () => {
  const codes = findingCodes();
  assert.ok(codes.length > 0);
  for (const entry of codes) {
    assert.deepEqual(Object.keys(entry), ['code', 'severity', 'description']);
    assert.match(entry.code, /^(flows?|time)\.[a-z_.]+$/); // a time rule's finding has the time rule's code
    assert.ok(['error', 'warning'].includes(entry.severity), entry.code);
    assert.ok(entry.description.length > 0, entry.code);
  }
  assert.equal(new Set(codes.map((c) => c.code)).size, codes.length, 'codes are unique');
  const byCode = Object.fromEntries(codes.map((c) => [c.code, c.severity]));
  assert.equal(byCode['flow.branch.missing'], 'error');
  assert.equal(byCode['flow.node.dead_end'], 'warning');
});

test('flowSchema is the committed JSON Schema', () => {
  const text = flowSchema();
  assert.equal(typeof text, 'string');
  const schema = JSON.parse(text);
  assert.equal(typeof schema, 'object');
  assert.ok(schema.properties && schema.properties.nodes && schema.properties.triggers);
  assert.equal(text, readRepoText('core/schema/flow.schema.json'));
});

test('a document that is not a flow throws FormatError with code, path, line and column', () => {
  const e = thrownBy(() => Flow.fromJson(NOT_A_FLOW));
  assertFormatError(e, 'format.invalid', '/triggers/0/type');
  assert.equal(e.line, 1);
  assert.ok(e.column > 0);
  assert.match(e.message, /telepathy/);
  assert.match(e.message, /\/triggers\/0\/type/);
});

test('syntax and EOF errors locate the problem', () => {
  const syntax = thrownBy(() => Flow.fromJson('{\n  "id": ,\n}'));
  assertFormatError(syntax, 'format.syntax', '/id');
  assert.equal(syntax.line, 2);
  assert.equal(syntax.column, 9);
  assertFormatError(thrownBy(() => Flow.fromJson('{"id": "x"')), 'format.eof', '');
});

test('an object input is located by its JSON path', () => {
  const e = thrownBy(() => Flow.fromJson({ ...WELCOME, nodes: [{ id: 'x', type: 'teleport' }] }));
  assertFormatError(e, 'format.invalid', e.path);
  assert.match(e.path, /^\/nodes\/0(\/type)?$/);
  assert.match(e.message, /teleport/);
  assertFormatError(thrownBy(() => Flow.fromJson({ id: 'f', name: 3 })), 'format.invalid', '/name');
  const array = thrownBy(() => Flow.fromJson([1, 2]));
  assertFormatError(array, 'format.invalid', array.path);
});

test('validateFlow and validateFlows throw FormatError for a broken flow or field schema', () => {
  assertFormatError(thrownBy(() => validateFlow(NOT_A_FLOW)), 'format.invalid', '/triggers/0/type');
  assertFormatError(thrownBy(() => validateFlows([WELCOME, NOT_A_FLOW])), 'format.invalid', '/triggers/0/type');
  assertFormatError(thrownBy(() => validateFlow(WELCOME, '{"fields": 1}')), 'format.invalid', '/fields');
  assertFormatError(thrownBy(() => validateFlow(WELCOME, { fields: [{ key: 'k', type: 'colour' }] })), 'format.invalid', '/fields/0/type');
});

test('bad argument types throw a TypeError, never crash', () => {
  for (const bad of [undefined, null, 5, true, Symbol('s'), () => 1, 10n]) {
    assertInvalidArg(() => Flow.fromJson(bad), 'data');
    assertInvalidArg(() => validateFlow(bad), 'flow');
  }
  assertInvalidArg(() => Flow.fromJson(), 'data');
  assertInvalidArg(() => validateFlow(), 'flow');
  for (const bad of [5, true, Symbol('s'), () => 1]) assertInvalidArg(() => validateFlow(WELCOME, bad), 'fields');
  for (const bad of [undefined, null, 'x', 5, {}, { length: 1, 0: WELCOME }]) assertInvalidArg(() => validateFlows(bad), 'flows');
  assertInvalidArg(() => validateFlows([WELCOME, 7]), 'flows[1]');
  assertInvalidArg(() => validateFlows([WELCOME, undefined]), 'flows[1]');
  assertInvalidArg(() => validateFlows([WELCOME], 7), 'fields');
  assertInvalidArg(() => Flow.fromJson({ toJSON: () => undefined }), 'data');
});

test('other misuse throws an Error, never crashes', () => {
  const cyclic = { ...WELCOME };
  cyclic.self = cyclic;
  assert.throws(() => Flow.fromJson(cyclic), TypeError, 'JSON.stringify refuses cycles');
  assert.throws(() => Flow.fromJson({ ...WELCOME, version: 1n }), TypeError, 'JSON.stringify refuses BigInt');
  assert.throws(() => new Flow(), Error, 'Flow has no public constructor');
  assert.throws(() => Flow.fromJson(WELCOME).toJson('yes'), Error, 'pretty must be a boolean');
  const getter = Object.getOwnPropertyDescriptor(Flow.prototype, 'id').get;
  assert.throws(() => getter.call({}), Error, 'a getter on a foreign object');
  assert.throws(() => Flow.prototype.outline.call(5), Error, 'a method on a foreign value');
  // An object that only pretends to be a Flow is read as a plain object.
  assertFormatError(thrownBy(() => validateFlow(Object.create(Flow.prototype))), 'format.invalid', '');
});

test('a large flow set and deep nesting do not crash', () => {
  const many = Array.from({ length: 300 }, (_, i) => ({ ...WELCOME, id: `f${i}` }));
  assert.deepEqual(validateFlows(many), []);
  const nested = (depth) => {
    let condition = { type: 'tags', op: 'has_any', tags: ['vip'] };
    for (let i = 0; i < depth; i++) condition = { type: 'not', condition };
    return { ...BROKEN_BRANCH, nodes: [{ ...BROKEN_BRANCH.nodes[0], condition }, BROKEN_BRANCH.nodes[1]] };
  };
  // Deeper than the JSON reader's recursion limit: the core's error, located.
  const deep = thrownBy(() => validateFlow(nested(2000)));
  assert.equal(deep.name, 'FormatError');
  assert.match(deep.path, /^\/nodes\/0\/condition\//);
  // Deeper than JSON.stringify can go: its RangeError, still an Error.
  assert.throws(() => validateFlow(nested(200000)), Error);
});
