#!/usr/bin/env bash
# Installs the packages of dist/ (`make dist`) where a user would, and runs the README snippets
# against them, not against this tree:
#   - the wheel into a fresh venv: bindings-python/tests/test_readme.py;
#   - both npm tarballs into a fresh npm project: bindings-node/tests/readme.test.mjs and
#     bindings-wasm/tests/node/readme.test.mjs (SEQUENZA_NODE_PROJECT / SEQUENZA_WASM_PROJECT
#     point their helpers at the project), and a strict type-check of both packages' types.
# A file missing from a package fails one of these.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIST="${1:-$ROOT/dist}"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/sequenza-dist.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

one() { # the one file of dist/ matching a pattern
  local matches=("$DIST"/$1)
  if [ "${#matches[@]}" -ne 1 ] || [ ! -f "${matches[0]}" ]; then
    echo "test-dist: expected exactly one $1 in $DIST, found: ${matches[*]}" >&2
    exit 1
  fi
  echo "${matches[0]}"
}
WHEEL="$(one 'sequenza-*-abi3-*.whl')"
NODE_TGZ="$(one 'sequenza-[0-9]*.tgz')"
WASM_TGZ="$(one 'sequenza-wasm-[0-9]*.tgz')"

echo "== Python: $(basename "$WHEEL") in a fresh venv"
python3 -m venv "$TMP/venv"
PY="$TMP/venv/bin/python"
# The README's test needs pytest and pandas (with pyarrow, which Segment.filter reads it through):
# the versions the dev venv pins.
"$PY" -m pip install --quiet --disable-pip-version-check "$WHEEL" \
  $(grep -E '^(pytest|numpy|pandas|pyarrow)==' "$ROOT/bindings-python/requirements-dev.txt")
# Every file of the Python package is in the installed one (stubs, py.typed …), and the module
# imported is the installed one.
(cd "$TMP" && "$PY" - "$ROOT/bindings-python/python/sequenza" <<'PY'
import pathlib, sys
import sequenza
installed = pathlib.Path(sequenza.__file__).resolve().parent
assert "site-packages" in installed.parts, f"sequenza imported from {installed}, not the venv"
source = pathlib.Path(sys.argv[1])
missing = [p.name for p in source.iterdir() if p.is_file() and not (installed / p.name).exists()]
assert not missing, f"the wheel lacks {missing}"
assert any(installed.glob("_sequenza*.so")), "the wheel lacks the native module"
PY
)
(cd "$TMP" && "$PY" -m pytest -q -p no:cacheprovider "$ROOT/bindings-python/tests/test_readme.py")

echo "== npm: $(basename "$NODE_TGZ") and $(basename "$WASM_TGZ") in a fresh project"
mkdir "$TMP/project"
(cd "$TMP/project" && echo '{"name": "sequenza-dist-check", "version": "0.0.0", "private": true}' > package.json \
  && npm install --silent --no-audit --no-fund --no-package-lock "$NODE_TGZ" "$WASM_TGZ")
# What a browser (and Node) loads, in the default build and the full one (CSV import): the JS
# glue, the .wasm, the error classes' module and the types with model.d.ts.
WASM_DIR="$TMP/project/node_modules/sequenza-wasm"
for build in pkg pkg-web pkg-full pkg-web-full; do
  for f in sequenza_wasm.js sequenza_wasm_bg.wasm sequenza_wasm.d.ts model.d.ts; do
    [ -f "$WASM_DIR/$build/$f" ] || { echo "sequenza-wasm tarball lacks $build/$f" >&2; exit 1; }
  done
  ls "$WASM_DIR/$build"/snippets/*/js/errors.js >/dev/null 2>&1 \
    || { echo "sequenza-wasm tarball lacks $build/snippets/*/js/errors.js" >&2; exit 1; }
done
SEQUENZA_NODE_PROJECT="$TMP/project" node --test "$ROOT/bindings-node/tests/readme.test.mjs"
SEQUENZA_WASM_PROJECT="$TMP/project" node --test "$ROOT/bindings-wasm/tests/node/readme.test.mjs"

# The installed packages' types: their .d.ts and the model.d.ts each must ship.
cat > "$TMP/project/check.ts" <<'TS'
import { Segment, validateFlow, type Condition, type Finding, type ImportReport } from 'sequenza'
import { Segment as WasmSegment, validateFlow as wasmValidateFlow, type Condition as WasmCondition } from 'sequenza-wasm'
const condition: Condition = { type: 'event', name: 'purchase', between: { from: '2026-01-01', to: '2026-03-31' } }
const same: WasmCondition = condition
const findings: Finding[] = [...validateFlow('{}'), ...wasmValidateFlow('{}')]
const report: ImportReport | null = null
import { importCsv, CsvImportError } from 'sequenza-wasm/pkg-web-full/sequenza_wasm.js'
const fullReport: ReturnType<typeof importCsv> | null = null
const stopped: CsvImportError['report'] = undefined
export const used = [Segment.fromJson(condition), WasmSegment.fromJson(same), findings, report, fullReport, stopped]
TS
cat > "$TMP/project/tsconfig.json" <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "lib": ["es2022", "esnext.disposable", "dom"],
  "module": "nodenext", "moduleResolution": "nodenext", "types": [], "skipLibCheck": false },
  "files": ["check.ts"] }
JSON
"$ROOT/tools/node_modules/.bin/tsc" -p "$TMP/project"
echo "test-dist: the installed packages pass"
