// npm run bench [-- <section>…]: every figure beside its baseline, measured in the same run, in one
// table at the end. Sections: http, outbox, pay, dispatch, page, startup and reports (all by default).
// reports needs PostgreSQL and seeds 10M orders into yima_bench_reports the first time (minutes), then
// keeps that database so later runs measure it again without seeding; BENCH_KEEP=0 drops it after.
// Engine: PostgreSQL when DATABASE_URL is set, else embedded PGlite in memory. The figures are meant
// on PostgreSQL (PGlite is single-connection and in process: a development convenience).
import { openDatabase } from '@yima/server/src/db/client'
import { migrate } from '@yima/server/src/db/migrate'
import { httpBench, outboxBench } from './basics'
import { dispatchBench } from './dispatch'
import { pageBench } from './page'
import { payBench } from './pay'
import { reportsBench } from './reports'
import { startupBench } from './startup'
import { Table } from './table'
import { agent } from './world'

const SECTIONS = ['http', 'outbox', 'pay', 'dispatch', 'page', 'startup', 'reports'] as const
type Section = typeof SECTIONS[number]

async function main (): Promise<void> {
  const url = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL
  const named = process.argv.slice(2)
  const unknown = named.filter((n) => !(SECTIONS as readonly string[]).includes(n))
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.join(', ')}`)
  const only = new Set(named as Section[])
  const wanted = (s: Section): boolean => only.size === 0 || only.has(s)
  const table = new Table()
  const engine = url === undefined ? 'PGlite (in memory; the figures are meant on PostgreSQL: set DATABASE_URL)' : 'PostgreSQL'
  process.stdout.write(`\nyima bench on ${engine}, node ${process.version}\n`)

  if (SECTIONS.some((s) => s !== 'reports' && wanted(s))) {
    const database = url === undefined ? await openDatabase({ kind: 'pglite' }) : await openDatabase({ kind: 'postgres', url, poolMax: 16 })
    try {
      await migrate(database, url)
      const sections: Array<[Section, () => Promise<void>]> = [
        ['http', async () => { await httpBench(database, table) }],
        ['outbox', async () => { await outboxBench(database, table) }],
        ['pay', async () => { await payBench(database, table) }],
        ['dispatch', async () => { await dispatchBench(url, table) }],
        ['page', async () => { await pageBench(database, table) }],
        ['startup', async () => { await startupBench(url, table) }],
      ]
      for (const [name, run] of sections) {
        if (!wanted(name)) continue
        process.stdout.write(`\n${name}\n`)
        await run()
      }
    } finally {
      await database.close()
    }
  }

  // Reports last, on a database of their own (not the one above); skipped with the reason on PGlite.
  if (wanted('reports')) {
    process.stdout.write('\nreports\n')
    await reportsBench(url, table)
  }

  agent.destroy()
  process.stdout.write(`\n${table.render(engine)}\n\n`)
}

main().catch((err: unknown) => { process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); process.exit(1) })
