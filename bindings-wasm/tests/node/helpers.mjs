// Shared by the Node tests: the package built by `make build-wasm` (wasm-bindgen --target nodejs
// into bindings-wasm/pkg) and readers for the repository files the vectors name.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: every path inside a vector file is relative to it. */
export const REPO_ROOT = resolve(here, '../../..');
// With `SEQUENZA_WASM_PROJECT` set (`make test-dist`): the package installed in that npm project
// from the `npm pack` tarball, loaded by its name; else this directory's build.
const project = process.env.SEQUENZA_WASM_PROJECT;
const require = createRequire(project ? join(resolve(project), 'index.js') : import.meta.url);
/** The directory of the package under test (holding `pkg/`, `pkg-web/`, `pkg-full/`, `pkg-web-full/`). */
export const PACKAGE_DIR = project ? dirname(require.resolve('sequenza-wasm/package.json')) : resolve(here, '../..');
const build = process.env.SEQUENZA_WASM_PKG ?? 'pkg-full';
/** The wasm-bindgen `--target nodejs` build of sequenza-wasm with CSV import (feature `import`). */
export const sequenza = project ? require(`sequenza-wasm/${build}/sequenza_wasm.js`) : require(`../../${build}/sequenza_wasm.js`);
/** The default build (no CSV import): what a flow builder's page loads. */
export const lean = project ? require('sequenza-wasm') : require('../../pkg/sequenza_wasm.js');

/** A file of the repository, by its path relative to the root. */
export function readRepoFile(path) {
  return readFile(join(REPO_ROOT, path), 'utf8');
}

/** A file of core/tests/vectors, or null when it does not exist (yet). */
export async function readVector(name) {
  try {
    return await readFile(join(REPO_ROOT, 'core/tests/vectors', name), 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}
