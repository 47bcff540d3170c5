import type { z } from 'zod'
import { EnvSchema, SECRET_VARIABLES } from '../config'

/**
 * docs/configuration.md, rendered from the schema loadConfig parses: the variables, their defaults
 * and their `.describe()` texts, so the page cannot drift from the code (config-reference.test.ts
 * fails when the committed page is stale). `npm run docs:config -w server` rewrites it.
 */

interface Def { type: string, defaultValue?: unknown, innerType?: z.ZodType, in?: z.ZodType, entries?: Record<string, string> }
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def

/** The values an enum (possibly behind a default or a transform) accepts, in declaration order. */
function enumValues (s: z.ZodType): string[] | null {
  const d = defOf(s)
  if (d.type === 'enum' && d.entries !== undefined) return Object.values(d.entries)
  const inner = d.innerType ?? d.in
  return inner === undefined ? null : enumValues(inner)
}

const code = (v: unknown): string => `\`${String(v)}\``
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** What loadConfig refuses production without (DATABASE_URL unless the embedded database is allowed). */
const PRODUCTION_REQUIRED: readonly string[] = [...SECRET_VARIABLES, 'DATABASE_URL']

function requirement (name: string, s: z.ZodType): string {
  if (PRODUCTION_REQUIRED.includes(name)) return 'required in production'
  const d = defOf(s)
  if (d.type === 'default') return code(d.defaultValue)
  return 'optional'
}

export function renderConfigReference (): string {
  const rows = Object.entries(EnvSchema.shape).map(([name, schema]) => {
    const values = enumValues(schema)
    const description = [schema.description ?? '', values === null ? '' : `One of ${values.map(code).join(', ')}.`].filter((t) => t !== '').join(' ')
    return `| ${code(name)} | ${cell(requirement(name, schema))} | ${cell(description)} |`
  })
  return [
    '# Configuration',
    '',
    '<!-- Generated from server/src/config.ts by `npm run docs:config -w server`; do not edit by hand. -->',
    '',
    'yima reads its configuration from environment variables once, at start (`server/src/config.ts`), and',
    'refuses to start on an invalid value, naming the variable. `.env.example` lists the same names.',
    '`npm run doctor` checks a deployment\'s configuration, database and channel credentials',
    '([deployment guide](deployment.md)).',
    '',
    '| Variable | Required / default | Description |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}

if (require.main === module) process.stdout.write(renderConfigReference())
