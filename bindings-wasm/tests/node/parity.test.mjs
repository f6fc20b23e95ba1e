// The API-call parity vectors (core/tests/vectors/api_parity.json) against the full build.
import { test } from 'node:test';

import { loadParityCases } from '../shared/parity.mjs';
import { readRepoFile, readVector, sequenza } from './helpers.mjs';

for (const c of await loadParityCases(sequenza, { flavor: 'wasm', readVector, readFile: readRepoFile })) {
  test(c.name, c.run);
}
