// Shared by the Node tests: the package built by `make build-wasm` (wasm-bindgen --target nodejs
// into bindings-wasm/pkg) and readers for the repository files the vectors name.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: every path inside a vector file is relative to it. */
export const REPO_ROOT = resolve(here, '../../..');
export const PACKAGE_DIR = resolve(here, '../..');

const require = createRequire(import.meta.url);
/** The wasm-bindgen `--target nodejs` build of sequenza-wasm with CSV import (feature `import`). */
export const sequenza = require(`../../${process.env.SEQUENZA_WASM_PKG ?? 'pkg-full'}/sequenza_wasm.js`);
/** The default build (no CSV import): what a flow builder's page loads. */
export const lean = require('../../pkg/sequenza_wasm.js');

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
