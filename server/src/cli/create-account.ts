import { parseArgs } from 'node:util'
import { eq } from 'drizzle-orm'
import { createIdGenerator } from '@yima/shared'
import { systemClock } from '../clock'
import { databaseTarget, loadConfig } from '../config'
import { openDatabase } from '../db/client'
import { migrate } from '../db/migrate'
import { accounts, IdentityService } from '../modules/identity'

const USAGE = 'usage: npm run account:create -- --login <login> --password <password> [--name <显示名>] [--operator]'

/**
 * Creates a console account (the first platform operator, or an SP's account) in the database the
 * server is configured for. Run it while the server is stopped when the database is the embedded one.
 */
async function main (): Promise<void> {
  const { values } = parseArgs({
    options: { login: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, operator: { type: 'boolean', default: false } },
  })
  if (values.login === undefined || values.password === undefined) throw new Error(USAGE)
  const config = loadConfig()
  const database = await openDatabase(databaseTarget(config))
  try {
    await migrate(database, config.database.kind === 'postgres' ? config.database.url.reveal() : undefined)
    const identity = new IdentityService({ db: database.db, clock: systemClock, newId: createIdGenerator(), sessionSecret: config.sessionSecret })
    const account = await identity.createAccount({ login: values.login, password: values.password, displayName: values.name ?? values.login })
    if (values.operator === true) await database.db.update(accounts).set({ isOperator: true }).where(eq(accounts.id, account.id))
    process.stdout.write(`created ${values.operator === true ? 'operator ' : ''}account ${account.login} (${account.id})\n`)
  } finally {
    await database.close()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
