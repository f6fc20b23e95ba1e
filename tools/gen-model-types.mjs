// Generates the TypeScript model types of both npm packages from the core's JSON Schema.
//
//   node tools/gen-model-types.mjs           writes core/schema/model.d.ts
//   node tools/gen-model-types.mjs --check   fails when the committed file is out of date
//
// Source: core/schema/model.schema.json (generated from the Rust types by `make schema`). The
// output is the ONE place the model types are written; bindings-node's index.d.ts and
// bindings-wasm's sequenza_wasm.d.ts take them from it.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compile } from 'json-schema-to-typescript'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const schemaPath = join(root, 'core/schema/model.schema.json')
const outPath = join(root, 'core/schema/model.d.ts')

const schema = JSON.parse(readFileSync(schemaPath, 'utf8'))
// The rustdoc examples in the descriptions are Rust: keep the prose only.
const prose = (node) => {
  if (Array.isArray(node)) return node.forEach(prose)
  if (node === null || typeof node !== 'object') return
  if (typeof node.description === 'string') {
    node.description = node.description.replace(/\n*```[\s\S]*?```\n*/g, '\n\n').trim()
  }
  // A `$ref` with siblings (a field's doc) would become a second, numbered copy of the type.
  if (typeof node.$ref === 'string') {
    for (const key of Object.keys(node)) if (key !== '$ref') delete node[key]
  }
  Object.values(node).forEach(prose)
}
prose(schema)
// Every definition becomes one exported type; the bundle itself is not a type.
const input = { ...schema, type: 'object', properties: {}, additionalProperties: false }

let ts = await compile(input, 'SequenzaModel', {
  bannerComment: [
    '/* eslint-disable */',
    '/**',
    ' * The JSON form of the sequenza model types: generated from core/schema/model.schema.json',
    ' * (itself generated from the Rust types) by tools/gen-model-types.mjs. Do not edit: run',
    ' * `make schema`.',
    ' */',
  ].join('\n'),
  unreachableDefinitions: true,
  additionalProperties: false,
  declareExternallyReferenced: true,
  enableConstEnums: false,
  strictIndexSignatures: true,
  cwd: root,
  $refOptions: { resolve: { external: false } },
})
// The bundle's own (empty) root type is not part of the model.
ts = ts
  .replace(/export interface SequenzaModel \{\}\n*/, '')
  .replace(/\n *\*\n *\* This interface was referenced by `SequenzaModel`'s JSON-Schema\n *\* via the `definition` "[^"]*"\./g, '')
  .replace(/\n *\* This interface was referenced by `SequenzaModel`'s JSON-Schema\n *\* via the `definition` "[^"]*"\./g, '')

// The JavaScript bindings give reports (import report, preview, progress) with camelCase keys,
// converted by the core's `sequenza::text::camel_case_keys`: the same rule, as a type.
ts += `
/** \`snake_case\` → \`camelCase\`, the rule of the core's \`sequenza::text::camel_case\`. */
export type CamelCase<S extends string> = S extends \`\${infer Head}_\${infer Tail}\`
  ? \`\${Head}\${Capitalize<CamelCase<Tail>>}\`
  : S;
/** A JSON type with every object key camelCased, as \`sequenza::text::camel_case_keys\` does. */
export type CamelCaseKeys<T> = T extends readonly (infer Item)[]
  ? CamelCaseKeys<Item>[]
  : T extends object
    ? { [K in keyof T as K extends string ? CamelCase<K> : K]: CamelCaseKeys<T[K]> }
    : T;
`

if (process.argv.includes('--check')) {
  const committed = readFileSync(outPath, 'utf8')
  if (committed !== ts) {
    console.error('core/schema/model.d.ts is out of date: run `make schema` and commit the result')
    process.exit(1)
  }
} else {
  writeFileSync(outPath, ts)
}
