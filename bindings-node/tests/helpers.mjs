// Shared by the tests: the package under test, loaded by its own name, and repository paths.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** `require` as seen from inside this package: `require('sequenza')` is the package itself
 * (a self-reference through package.json "exports"), i.e. the freshly built binding. With
 * `SEQUENZA_NODE_PROJECT` set (`make test-dist`), as seen from that npm project instead: the
 * package installed there from the `npm pack` tarball. */
export const require = createRequire(
  process.env.SEQUENZA_NODE_PROJECT
    ? path.join(path.resolve(process.env.SEQUENZA_NODE_PROJECT), 'index.js')
    : import.meta.url,
);

/** The package under test. */
export const sequenza = require('sequenza');

/** The repository root (bindings-node/..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The text of a file named relative to the repository root. */
export function readRepoText(rel) {
  return readFileSync(path.join(ROOT, rel), 'utf8');
}
