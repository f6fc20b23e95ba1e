import assert from 'node:assert/strict';
// Conditions and segments against the Node build: every case of the shared condition vectors,
// filter / count against matches on generated contacts, the SegmentIndex, the error shapes and
// the live preview. The browser page (tests/browser) runs the same cases from tests/shared.
import { describe, test } from 'node:test';

import {
  bulkAgreementCases,
  conditionErrorCases,
  loadConditionGroups,
  livePreviewCases,
  segmentIndexCases,
} from '../shared/conditions.mjs';
import { VECTOR_DIR } from '../shared/vectors.mjs';
import { readVector, sequenza } from './helpers.mjs';

const { groups } = await loadConditionGroups(sequenza, { readVector });

for (const group of groups) {
  if (group.missing) {
    test(group.file, () => assert.fail(`${VECTOR_DIR}/${group.file} does not exist: a missing vector file fails`));
    continue;
  }
  describe(group.file, () => {
    for (const c of group.cases) test(c.name, c.run);
  });
}

describe('filter and count agree with matches (shared with the browser page)', () => {
  for (const c of bulkAgreementCases(sequenza)) test(c.name, c.run);
});

describe('SegmentIndex (shared with the browser page)', () => {
  for (const c of segmentIndexCases(sequenza)) test(c.name, c.run);
});

describe('condition error shapes (shared with the browser page)', () => {
  for (const c of conditionErrorCases(sequenza)) test(c.name, c.run);
});

describe('live preview (shared with the browser page)', () => {
  for (const c of livePreviewCases(sequenza, { log: (line) => console.log(line) })) {
    test(c.name, c.run);
  }
});
