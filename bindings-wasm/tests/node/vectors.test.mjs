import assert from 'node:assert/strict';
// Every case of the shared vectors (core/tests/vectors/*.json) against the Node build.
import { describe, test } from 'node:test';

import { errorShapeCases, loadVectorGroups, VECTOR_DIR } from '../shared/vectors.mjs';
import { readRepoFile, readVector, sequenza } from './helpers.mjs';

const { groups } = await loadVectorGroups(sequenza, { readVector, readFile: readRepoFile });

for (const group of groups) {
  if (group.missing) {
    test(group.file, () => assert.fail(`${VECTOR_DIR}/${group.file} does not exist: a missing vector file fails`));
    continue;
  }
  describe(group.file, () => {
    for (const c of group.cases) test(c.name, c.run);
  });
}

describe('error shape (shared with the browser page)', () => {
  for (const c of errorShapeCases(sequenza)) test(c.name, c.run);
});
