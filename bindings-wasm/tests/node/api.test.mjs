// The API surface of sequenza-wasm: the same as the Node package, camelCase.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { sortedCodes } from '../shared/vectors.mjs';
import { lean, PACKAGE_DIR, readRepoFile, readVector, sequenza } from './helpers.mjs';

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

describe('module', () => {
  test('exports exactly the documented names; CSV import only in the full build', () => {
    const LEAN = [
      'Audience', 'ConditionError', 'ConditionSyntaxError', 'ContactTable', 'CsvImportError', 'EngineError', 'Flow',
      'FlowError', 'FormatError', 'FrequencyCaps', 'JsonLogicError', 'ListError', 'MergeSyntaxError', 'Recurrence',
      'Segment', 'SegmentError', 'SegmentIndex', 'SendPolicy', 'SequenzaError', 'StoreError', 'TimeError',
      'errorCodes', 'findingCodes', 'flowSchema', 'jsonlogicApply', 'listTriggerHits', 'localToUtc', 'planSend',
      'resolveTimeZone', 'sourceCondition', 'validateFlow', 'validateFlows', 'waitEnd',
    ];
    assert.deepEqual(Object.keys(lean).sort(), LEAN);
    assert.deepEqual(Object.keys(sequenza).sort(), [...LEAN, 'Engine', 'exportCsv', 'importCsv', 'newFeedItems', 'previewCsv'].sort());
  });

  test('errors are instances of SequenzaError and of the class of their area', () => {
    const e = (() => {
      try {
        Flow.fromJson('{"id": 3}');
      } catch (err) {
        return err;
      }
      return null;
    })();
    assert.ok(e instanceof sequenza.FormatError && e instanceof sequenza.SequenzaError && e instanceof Error);
    assert.deepEqual([e.name, e.area, e.code, e.path, e.line, e.column], ['FormatError', 'format', 'format.invalid', '/id', 1, 8]);
    const codes = sequenza.errorCodes();
    assert.ok(codes.some((c) => c.code === 'time.zone.unknown' && c.area === 'time' && typeof c.meaning === 'string'));
  });

  test('the TypeScript declarations type the inputs and the findings', async () => {
    // The model types (Finding, Condition, Contact, ListChange …) come from model.d.ts, generated
    // from the core; `make test-types` type-checks them (tests/types/usage.ts).
    const dts = await readFile(join(PACKAGE_DIR, 'pkg/sequenza_wasm.d.ts'), 'utf8');
    for (const line of [
      'static fromJson(data: string | object): Flow;',
      'readonly status: FlowStatus;',
      'toJson(pretty?: boolean | null): string;',
      'export function validateFlow(flow: Flow | string | object, fields?: string | object | null): Finding[];',
      'export function validateFlows(flows: Array<Flow | string | object>, fields?: string | object | null): Finding[];',
      'export function findingCodes(): FindingCodeInfo[];',
      'export function flowSchema(): string;',
    ]) {
      assert.ok(dts.includes(line), `sequenza_wasm.d.ts lacks: ${line}`);
    }
  });
});

describe('Flow', () => {
  test('fromJson reads a string and an object alike', () => {
    const a = Flow.fromJson(JSON.stringify(WELCOME));
    const b = Flow.fromJson(WELCOME);
    assert.ok(a instanceof Flow && b instanceof Flow);
    assert.equal(a.toJson(), b.toJson());
  });

  test('read-only properties id, name, status, version', () => {
    const flow = Flow.fromJson(WELCOME);
    assert.equal(flow.id, 'welcome');
    assert.equal(flow.name, 'Welcome');
    assert.equal(flow.status, 'active');
    assert.equal(flow.version, 3);
    assert.throws(() => {
      flow.id = 'other';
    }, TypeError);
    assert.equal(flow.id, 'welcome');
  });

  test('status and version default to draft and 1', () => {
    const bare = { ...WELCOME };
    delete bare.status;
    delete bare.version;
    const flow = Flow.fromJson(bare);
    assert.equal(flow.status, 'draft');
    assert.equal(flow.version, 1);
  });

  test('every status reads back as its JSON string', () => {
    for (const status of ['draft', 'active', 'paused', 'archived']) {
      assert.equal(Flow.fromJson({ ...WELCOME, status }).status, status);
    }
  });

  test('toJson is canonical JSON, pretty on request, and round-trips', () => {
    const flow = Flow.fromJson(WELCOME);
    const compact = flow.toJson();
    assert.ok(!compact.includes('\n'));
    assert.ok(flow.toJson(true).includes('\n  "id": "welcome"'));
    assert.equal(flow.toJson(false), compact);
    assert.deepEqual(JSON.parse(flow.toJson(true)), JSON.parse(compact));
    assert.equal(Flow.fromJson(compact).toJson(), compact);
  });

  test('toObject is the plain-object form of toJson', () => {
    const flow = Flow.fromJson(WELCOME);
    const obj = flow.toObject();
    assert.equal(Object.getPrototypeOf(obj), Object.prototype);
    assert.deepEqual(obj, JSON.parse(flow.toJson()));
    assert.equal(obj.nodes[0].content.body, 'Ciao {{ nome }}!');
  });

  test('JSON.stringify(flow) gives the canonical JSON (toJSON)', () => {
    const flow = Flow.fromJson(WELCOME);
    assert.equal(JSON.stringify(flow), flow.toJson());
    assert.equal(Flow.fromJson(flow).toJson(), flow.toJson());
  });

  test('outline is readable text naming the nodes', () => {
    const outline = Flow.fromJson(WELCOME).outline();
    assert.equal(typeof outline, 'string');
    assert.match(outline, /hello: send sms/);
    assert.match(outline, /end: exit/);
  });
});

describe('validateFlow', () => {
  test('returns findings as plain objects with the documented keys', () => {
    const findings = validateFlow(WELCOME, FIELDS);
    assert.deepEqual(findings, [
      {
        code: 'flow.merge_field.unknown',
        severity: 'error',
        flow: 'welcome',
        node: 'hello',
        path: '/nodes/0/content/body',
        message: findings[0].message,
      },
    ]);
    assert.equal(typeof findings[0].message, 'string');
    assert.ok(findings[0].message.length > 0);
  });

  test('a Flow, a string and an object give the same findings', () => {
    const flow = Flow.fromJson(WELCOME);
    const expected = validateFlow(WELCOME, FIELDS);
    assert.deepEqual(validateFlow(flow, FIELDS), expected);
    assert.deepEqual(validateFlow(JSON.stringify(WELCOME), JSON.stringify(FIELDS)), expected);
  });

  test('passing a Flow does not consume it', () => {
    const flow = Flow.fromJson(WELCOME);
    validateFlow(flow);
    validateFlows([flow, flow]);
    assert.equal(flow.id, 'welcome');
    assert.equal(flow.toObject().name, 'Welcome');
  });

  test('without fields (omitted, undefined, null) the field checks are off', () => {
    for (const findings of [validateFlow(WELCOME), validateFlow(WELCOME, undefined),
      validateFlow(WELCOME, null)]) {
      assert.deepEqual(findings, []);
    }
  });

  test('node is null for a finding about the whole flow', () => {
    const findings = validateFlow({ ...WELCOME, triggers: [] });
    const none = findings.find((f) => f.code === 'flow.trigger.none');
    assert.ok(none, JSON.stringify(findings));
    assert.equal(none.node, null);
    assert.equal(none.severity, 'error');
  });

  test('the same results whatever the input form, for every validate_flow vector', async (t) => {
    const text = await readVector('validate_flow.json');
    assert.notEqual(text, null, 'core/tests/vectors/validate_flow.json does not exist');
    const vector = JSON.parse(text);
    const fieldsText = await readRepoFile(vector.fields);
    for (const c of vector.cases) {
      const flowText = await readRepoFile(c.file);
      const expected = validateFlow(flowText, fieldsText);
      assert.deepEqual(sortedCodes(expected), [...c.expect].sort(), c.file);
      assert.deepEqual(validateFlow(JSON.parse(flowText), JSON.parse(fieldsText)), expected, c.file);
      const flow = Flow.fromJson(flowText);
      assert.deepEqual(validateFlow(flow, fieldsText), expected, c.file);
      flow.free();
    }
  });
});

describe('validateFlows', () => {
  test('mixes Flows, strings and objects', () => {
    const other = { ...WELCOME, id: 'other' };
    const findings = validateFlows([Flow.fromJson(WELCOME), JSON.stringify(other), WELCOME]);
    assert.deepEqual(sortedCodes(findings), ['flows.id.duplicate']);
  });

  test('an empty set has no findings', () => {
    assert.deepEqual(validateFlows([]), []);
    assert.deepEqual(validateFlows([], FIELDS), []);
  });

  test('runs the per-flow checks with the fields', () => {
    const findings = validateFlows([WELCOME, { ...WELCOME, id: 'two' }], FIELDS);
    assert.deepEqual(sortedCodes(findings), ['flow.merge_field.unknown', 'flow.merge_field.unknown']);
    assert.deepEqual(findings.map((f) => f.flow).sort(), ['two', 'welcome']);
  });
});

describe('findingCodes', () => {
  test('lists every code once, with severity and description', () => {
    const codes = findingCodes();
    assert.ok(Array.isArray(codes) && codes.length > 10);
    const seen = new Set();
    for (const entry of codes) {
      assert.deepEqual(Object.keys(entry), ['code', 'severity', 'description']);
      assert.match(entry.code, /^(flows?|time)\.[a-z_.]+$/); // flow.time.* are time.* since #9 §2
      assert.ok(['error', 'warning'].includes(entry.severity), entry.code);
      assert.ok(entry.description.length > 0, entry.code);
      assert.ok(!seen.has(entry.code), `duplicate ${entry.code}`);
      seen.add(entry.code);
    }
  });

  test('every finding carries a listed code with the listed severity', () => {
    const bySeverity = new Map(findingCodes().map((c) => [c.code, c.severity]));
    const findings = [
      ...validateFlow(WELCOME, FIELDS),
      ...validateFlow({ ...WELCOME, triggers: [], edges: [] }),
    ];
    assert.ok(findings.length >= 3);
    for (const f of findings) assert.equal(f.severity, bySeverity.get(f.code), f.code);
  });
});

describe('flowSchema', () => {
  test('is the committed JSON Schema', async () => {
    const schema = flowSchema();
    assert.equal(schema, await readRepoFile('core/schema/flow.schema.json'));
    const parsed = JSON.parse(schema);
    assert.equal(parsed.title, 'Flow');
    assert.ok(parsed.properties.nodes);
  });
});
