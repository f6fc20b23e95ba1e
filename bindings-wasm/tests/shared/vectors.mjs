// The shared test vectors of core/tests/vectors (format: core/tests/vectors/README.md), as a list
// of runnable cases. Used by the Node tests (tests/node) and by the page of the browser tests
// (tests/browser/index.html), so both runtimes run exactly the same checks.
//
// The module depends on nothing but the binding it is given and two readers:
//   readVector(name) -> Promise<string | null>   a file of core/tests/vectors, null when missing
//   readFile(path)   -> Promise<string>          a file by its path relative to the repository
//                                                root (rejects when missing)

export const VECTOR_DIR = 'core/tests/vectors';
export const VECTOR_FILES = ['validate_flow.json', 'validate_flows.json', 'format_errors.json'];

/** The sorted list of finding codes, duplicates kept. */
export function sortedCodes(findings) {
  return findings.map((f) => f.code).sort();
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function fail(message) {
  throw new Error(message);
}

function requireArray(value, what) {
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  return value;
}

/**
 * Loads every vector file and returns
 *   { groups: [{ file, missing, cases: [{ name, run }] }] }
 * where `run()` is async and throws with a readable message when the binding disagrees with the
 * vector. A vector file that is missing gives `missing: true` and no cases (the caller skips it
 * and says so); a vector file that is present but malformed fails loudly.
 */
export async function loadVectorGroups(api, { readVector, readFile }) {
  const cache = new Map();
  const read = (path) => {
    if (!cache.has(path)) cache.set(path, readFile(path));
    return cache.get(path);
  };

  const groups = [];
  for (const file of VECTOR_FILES) {
    const text = await readVector(file);
    if (text === null) {
      groups.push({ file, missing: true, cases: [] });
      continue;
    }
    const vector = JSON.parse(text);
    const cases = requireArray(vector.cases, `${file}: "cases"`);
    if (cases.length === 0) fail(`${file} has no cases`);
    const make = {
      'validate_flow.json': validateFlowCase,
      'validate_flows.json': validateFlowsCase,
      'format_errors.json': formatErrorCase,
    }[file];
    groups.push({
      file,
      missing: false,
      cases: cases.map((c, i) => make(api, vector, c, i, read)),
    });
  }
  return { groups };
}

function validateFlowCase(api, vector, c, i, read) {
  return {
    name: `validate_flow #${i} ${c.file}`,
    async run() {
      const fields = vector.fields ? await read(vector.fields) : undefined;
      const flow = await read(c.file);
      const got = sortedCodes(api.validateFlow(flow, fields));
      const want = [...requireArray(c.expect, `case ${c.file}: "expect"`)].sort();
      if (!sameList(got, want)) {
        fail(`${c.file}: expected codes ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
      if (c.findings) {
        const at = findingsAt(api.validateFlow(flow, fields));
        if (JSON.stringify(at) !== JSON.stringify(c.findings)) {
          fail(`${c.file}: expected findings ${JSON.stringify(c.findings)}, got ${JSON.stringify(at)}`);
        }
      }
    },
  };
}

/** Where each finding is (code, node, path), sorted as the vectors write them. */
export function findingsAt(findings) {
  const key = (f) => `${f.code}\0${f.node ?? ''}\0${f.path}`;
  const at = findings.map((f) => ({ code: f.code, node: f.node ?? null, path: f.path }));
  return at.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function validateFlowsCase(api, vector, c, i, read) {
  return {
    name: `validate_flows #${i} ${c.name}`,
    async run() {
      const fields = vector.fields ? await read(vector.fields) : undefined;
      const files = requireArray(c.files, `case "${c.name}": "files"`);
      const flows = await Promise.all(files.map(read));
      const got = sortedCodes(api.validateFlows(flows, fields));
      const want = [...requireArray(c.expect, `case "${c.name}": "expect"`)].sort();
      if (!sameList(got, want)) {
        fail(`${c.name}: expected codes ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
    },
  };
}

function formatErrorCase(api, _vector, c, i) {
  return {
    name: `format_errors #${i} ${c.name}`,
    async run() {
      let flow;
      try {
        flow = api.Flow.fromJson(c.json);
      } catch (e) {
        checkFormatError(e, c);
        return;
      }
      fail(`${c.name}: expected ${c.code} at ${JSON.stringify(c.path)}, got a flow "${flow.id}"`);
    },
  };
}

function checkFormatError(e, c) {
  const where = `${c.name}`;
  if (!(e instanceof Error)) fail(`${where}: threw a non-Error: ${String(e)}`);
  if (e.name !== 'FormatError') fail(`${where}: name is ${e.name}, not FormatError`);
  const want = { code: c.code, path: c.path };
  if (c.line !== undefined) want.line = c.line;
  if (c.column !== undefined) want.column = c.column;
  for (const [key, value] of Object.entries(want)) {
    if (e[key] !== value) {
      fail(`${where}: ${key} is ${JSON.stringify(e[key])}, expected ${JSON.stringify(value)} ` +
        `(message: ${e.message})`);
    }
  }
}

/**
 * The error-shape checks run in every runtime: what a caller of the package can rely on.
 * Returns [{ name, run }].
 */
export function errorShapeCases(api) {
  const telepathy = '{"id": "x", "name": "x", "triggers": [{"type": "telepathy"}]}';
  const expectThrow = (fn) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    return fail('expected an exception, none was thrown');
  };
  const checkShape = (e, code, path) => {
    if (!(e instanceof Error)) fail(`not an Error instance: ${String(e)}`);
    if (e.name !== 'FormatError') fail(`name is ${e.name}`);
    if (e.code !== code) fail(`code is ${e.code}, expected ${code}`);
    if (e.path !== path) fail(`path is ${JSON.stringify(e.path)}, expected ${JSON.stringify(path)}`);
    for (const key of ['line', 'column']) {
      if (!Number.isInteger(e[key]) || e[key] < 0) fail(`${key} is ${e[key]}`);
    }
    if (typeof e.message !== 'string' || !e.message.includes(path)) {
      fail(`message does not say where: ${e.message}`);
    }
    if (typeof e.stack !== 'string') fail('no stack');
  };
  return [
    {
      name: 'error shape: Flow.fromJson throws a FormatError with code/path/line/column',
      async run() {
        const e = expectThrow(() => api.Flow.fromJson(telepathy));
        checkShape(e, 'format.invalid', '/triggers/0/type');
        if (e.line !== 1) fail(`line is ${e.line}`);
        if (e.column < 1) fail(`column is ${e.column}`);
      },
    },
    {
      name: 'error shape: a plain object is located by path',
      async run() {
        const e = expectThrow(() => api.Flow.fromJson({ id: 'x', name: 3 }));
        checkShape(e, 'format.invalid', '/name');
      },
    },
    {
      name: 'error shape: validateFlow and the fields argument throw the same error',
      async run() {
        checkShape(expectThrow(() => api.validateFlow('{"id": ')), 'format.eof', '/id');
        const fields = '{"fields": [{"key": "k", "type": "shoe"}]}';
        const flow = '{"id": "f", "name": "F", "triggers": [], "start": "x", ' +
          '"nodes": [{"id": "x", "type": "exit"}]}';
        checkShape(expectThrow(() => api.validateFlow(flow, fields)), 'format.invalid',
          '/fields/0/type');
      },
    },
    {
      name: 'error shape: validateFlows says which flow is broken (index)',
      async run() {
        const ok = '{"id": "f", "name": "F", "triggers": [], "start": "x", ' +
          '"nodes": [{"id": "x", "type": "exit"}]}';
        const e = expectThrow(() => api.validateFlows([ok, telepathy]));
        checkShape(e, 'format.invalid', '/triggers/0/type');
        if (e.index !== 1) fail(`index is ${e.index}`);
      },
    },
    {
      name: 'error shape: wrong argument kinds are TypeErrors, not crashes',
      async run() {
        for (const bad of [undefined, () => 1]) {
          const e = expectThrow(() => api.Flow.fromJson(bad));
          if (!(e instanceof TypeError)) fail(`${typeof bad}: ${e}`);
        }
        const e = expectThrow(() => api.validateFlows('not an array'));
        if (!(e instanceof TypeError)) fail(`validateFlows(string): ${e}`);
      },
    },
    {
      name: 'outputs are plain objects and arrays, not Maps',
      async run() {
        const findings = api.validateFlow({
          id: 'f', name: 'F', triggers: [], start: 'x', nodes: [{ id: 'x', type: 'exit' }],
        });
        if (!Array.isArray(findings) || findings.length === 0) fail('no findings array');
        for (const f of findings) {
          if (Object.getPrototypeOf(f) !== Object.prototype) fail('finding is not a plain object');
          const keys = Object.keys(f).sort().join(',');
          if (keys !== 'code,flow,message,node,path,severity') fail(`finding keys: ${keys}`);
        }
        const obj = api.Flow.fromJson(
          '{"id": "f", "name": "F", "triggers": [], "start": "x", "nodes": [{"id": "x", "type": "exit"}]}',
        ).toObject();
        if (Object.getPrototypeOf(obj) !== Object.prototype) fail('toObject is not a plain object');
        const codes = api.findingCodes();
        if (!Array.isArray(codes) || Object.getPrototypeOf(codes[0]) !== Object.prototype) {
          fail('findingCodes is not an array of plain objects');
        }
      },
    },
  ];
}
