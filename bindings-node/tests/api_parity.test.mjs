// The API-call parity vectors (core/tests/vectors/api_parity.json): the same calls, results and
// error codes and locations as the core, Python and the WebAssembly builds. The driver is shared
// with the WebAssembly runners (bindings-wasm/tests/shared/parity.mjs).
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { loadParityCases } from '../../bindings-wasm/tests/shared/parity.mjs';
import { ROOT, sequenza } from './helpers.mjs';

const readRepo = (rel) => readFile(path.join(ROOT, rel), 'utf8');
const readVector = (name) => readRepo(path.join('core/tests/vectors', name));

for (const c of await loadParityCases(sequenza, { flavor: 'node', readVector, readFile: readRepo })) {
  test(c.name, c.run);
}
