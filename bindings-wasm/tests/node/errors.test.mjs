// Errors cross the boundary as real JS Errors with a stable shape, and nothing panics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { sequenza } from './helpers.mjs';

const { Flow, validateFlow, validateFlows } = sequenza;

const VALID = JSON.stringify({
  id: 'welcome',
  name: 'Welcome',
  triggers: [{ type: 'event', event: 'signup' }],
  start: 'hello',
  nodes: [
    {
      id: 'hello', type: 'condition',
      condition: { type: 'tags', op: 'has_any', tags: ['vip'] },
    },
    { id: 'yes', type: 'send', channel: 'email', content: { subject: 'Ciao', body: 'Ciao {{ first_name | "amico" }}' } },
    { id: 'end', type: 'exit' },
  ],
  edges: [
    { from: 'hello', to: 'yes', label: 'yes' },
    { from: 'hello', to: 'end', label: 'no' },
    { from: 'yes', to: 'end' },
  ],
}, null, 2);

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an exception');
}

function assertFormatError(e, { code, path, line, column }) {
  assert.ok(e instanceof Error, `not an Error: ${e}`);
  assert.equal(e.name, 'FormatError');
  assert.equal(e.code, code);
  if (path !== undefined) assert.equal(e.path, path);
  if (line !== undefined) assert.equal(e.line, line);
  if (column !== undefined) assert.equal(e.column, column);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  assert.match(String(e), /^FormatError: /);
  assert.equal(typeof e.stack, 'string');
}

describe('FormatError', () => {
  test('format.syntax with line and column', () => {
    const e = thrown(() => Flow.fromJson('{\n  "id": ,\n}'));
    assertFormatError(e, { code: 'format.syntax', line: 2, column: 9 });
  });

  test('format.eof for a truncated document', () => {
    assertFormatError(thrown(() => Flow.fromJson(VALID.slice(0, 40))), { code: 'format.eof' });
    assertFormatError(thrown(() => Flow.fromJson('')), { code: 'format.eof', path: '' });
  });

  test('format.invalid with the JSON pointer of the offending value', () => {
    const e = thrown(() => Flow.fromJson('{"id": "x", "name": "x", "triggers": [{"type": "telepathy"}]}'));
    assertFormatError(e, { code: 'format.invalid', path: '/triggers/0/type', line: 1 });
    assert.ok(e.column > 0);
    assert.match(e.message, /telepathy/);
    assert.match(e.message, /\/triggers\/0\/type/);
  });

  test('code, path, line and column are own properties', () => {
    const e = thrown(() => Flow.fromJson({ id: 'x', name: 3 }));
    for (const key of ['code', 'path', 'line', 'column']) {
      assert.ok(Object.hasOwn(e, key), key);
    }
    assert.equal(typeof e.line, 'number');
    assert.equal(typeof e.column, 'number');
  });

  test('the same error from every entry point', () => {
    const bad = '{"id": "x", "name": 3}';
    const a = thrown(() => Flow.fromJson(bad));
    const b = thrown(() => validateFlow(bad));
    const c = thrown(() => validateFlows([bad]));
    for (const e of [b, c]) {
      assert.deepEqual([e.name, e.code, e.path, e.line, e.column, e.message],
        [a.name, a.code, a.path, a.line, a.column, a.message]);
    }
    assert.equal(c.index, 0);
  });

  test('a broken field schema is a FormatError too', () => {
    const e = thrown(() => validateFlow(VALID, { fields: [{ key: 'k', type: 'shoe' }] }));
    assertFormatError(e, { code: 'format.invalid', path: '/fields/0/type' });
    assertFormatError(thrown(() => validateFlow(VALID, '{"fields": [')), { code: 'format.eof' });
  });

  test('null and non-object values are located format errors', () => {
    assertFormatError(thrown(() => Flow.fromJson(null)), { code: 'format.invalid', path: '' });
    assertFormatError(thrown(() => Flow.fromJson(42)), { code: 'format.invalid', path: '' });
    assertFormatError(thrown(() => Flow.fromJson([])), { code: 'format.invalid', path: '' });
  });
});

describe('arguments of the wrong kind', () => {
  test('are TypeErrors with a message', () => {
    for (const bad of [undefined, () => {}, Symbol('s')]) {
      const e = thrown(() => Flow.fromJson(bad));
      assert.ok(e instanceof TypeError, String(e));
      assert.match(e.message, /JSON string or an object/);
    }
    const e = thrown(() => validateFlows('[]'));
    assert.ok(e instanceof TypeError);
    assert.ok(thrown(() => validateFlows({ length: 1, 0: VALID })) instanceof TypeError);
  });

  test('what JSON.stringify rejects is passed on as its own TypeError', () => {
    const cyclic = { id: 'x' };
    cyclic.self = cyclic;
    assert.ok(thrown(() => Flow.fromJson(cyclic)) instanceof TypeError);
    assert.ok(thrown(() => Flow.fromJson({ id: 1n })) instanceof TypeError);
  });

  test('a freed Flow is an Error, not a crash', () => {
    const flow = Flow.fromJson(VALID);
    flow.free();
    assert.ok(thrown(() => validateFlow(flow)) instanceof Error);
    // The module still works afterwards.
    assert.equal(Flow.fromJson(VALID).id, 'welcome');
  });
});

describe('no panic crosses the boundary', () => {
  // A wasm panic would surface as a WebAssembly.RuntimeError ("unreachable") and poison the
  // module. Every input below must give a Flow, findings, or a FormatError.
  function check(input) {
    let flow;
    try {
      flow = Flow.fromJson(input);
    } catch (e) {
      assert.equal(e.name, 'FormatError', `${JSON.stringify(input)}: ${e}`);
      return;
    }
    const findings = validateFlow(flow, { fields: [] });
    assert.ok(Array.isArray(findings));
    flow.outline();
    flow.toObject();
    flow.free();
  }

  test('every prefix of a valid document', () => {
    for (let i = 0; i <= VALID.length; i++) check(VALID.slice(0, i));
  });

  test('random single-character mutations', () => {
    let seed = 42;
    const random = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = '{}[]":,0-9.eE \n\\"ab\u00e8\ud83d\ude00';
    for (let i = 0; i < 2000; i++) {
      const at = random(VALID.length);
      const ch = alphabet[random(alphabet.length)];
      const mutated = VALID.slice(0, at) + ch + VALID.slice(at + (random(2) ? 1 : 0));
      check(mutated);
    }
  });

  test('odd but valid documents', () => {
    const flow = JSON.parse(VALID);
    check({ ...flow, version: 4294967295 });
    check({ ...flow, version: 4294967296 });
    check({ ...flow, id: '' });
    check({ ...flow, name: 'x'.repeat(100000) });
    check({ ...flow, nodes: [] });
    check({ ...flow, start: 'nowhere', edges: [{ from: 'a', to: 'b', label: '' }] });
    check('\uFEFF' + VALID);
    check(' '.repeat(10000) + VALID);
    check('['.repeat(100000));
    let condition = { type: 'tags', op: 'has_any', tags: ['vip'] };
    for (let depth = 0; depth < 60; depth++) condition = { type: 'not', condition };
    check({ ...flow, nodes: [{ ...flow.nodes[0], condition }, ...flow.nodes.slice(1)] });
  });
});
