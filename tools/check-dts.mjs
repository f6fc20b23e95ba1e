// No package re-declares a model type by hand: every type core/schema/model.d.ts exports may
// appear in a package's .d.ts only as an alias of the generated one (`= model.X`, `model.Y<…>`)
// or as a class of the package (a `Flow` class beside the `Flow` document type).
//
//   node tools/check-dts.mjs bindings-node/index.d.ts bindings-wasm/pkg/sequenza_wasm.d.ts
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const model = readFileSync(join(root, 'core/schema/model.d.ts'), 'utf8')
const modelNames = new Set([...model.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]))

let failures = 0
for (const file of process.argv.slice(2)) {
  const text = readFileSync(join(root, file), 'utf8')
  if (!/from '\.\/model'/.test(text)) {
    console.error(`${file}: does not take its model types from ./model`)
    failures += 1
  }
  for (const m of text.matchAll(/^export (?:declare )?(interface|type) (\w+)([^\n]*)/gm)) {
    const [, kind, name, rest] = m
    if (!modelNames.has(name)) continue
    if (kind === 'type' && /\bmodel\.\w+/.test(rest)) continue
    console.error(`${file}: ${kind} ${name} is written by hand; it is generated in core/schema/model.d.ts`)
    failures += 1
  }
}
if (failures > 0) process.exit(1)
