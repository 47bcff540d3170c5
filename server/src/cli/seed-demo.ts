import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { eq } from 'drizzle-orm'
import { AppError, createIdGenerator } from '@yima/shared'
import { systemClock } from '../clock'
import { databaseTarget, loadConfig } from '../config'
import { openDatabase } from '../db/client'
import { migrate } from '../db/migrate'
import { accounts } from '../modules/identity'
import { qrCodes } from '../modules/qr-codes/qr-codes.schema'
import type { Caller } from '../modules/tenancy/caller'
import { ALL_SCOPE } from '../modules/tenancy/scope'
import { createServices } from '../services'
import { createDemoTenant, DemoSettings, type DemoTenant } from './demo-tenant'

const USAGE = 'usage: YIMA_DEMO=<json printed by the sandbox> tsx server/src/cli/seed-demo.ts --owner <console login>'

/**
 * `npm start` with the sandbox: a demo service provider, merchant and store with a store code and
 * a fixed-amount code, so a person can open a printed code's URL and pay in the sandbox cashier.
 * The sandbox makes new keys at every start, so the SP's channel settings are refreshed each time;
 * the ids and codes stay. Run while the server is stopped (the embedded database is single-user).
 */
async function main (): Promise<void> {
  const { values } = parseArgs({ options: { owner: { type: 'string' } } })
  const raw = process.env.YIMA_DEMO
  if (values.owner === undefined || raw === undefined) throw new Error(USAGE)
  const settings = DemoSettings.parse(JSON.parse(raw))
  const config = loadConfig()
  const database = await openDatabase(databaseTarget(config))
  try {
    await migrate(database, config.database.kind === 'postgres' ? config.database.url.reveal() : undefined)
    const { db } = database
    const [owner] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.login, values.owner))
    if (owner === undefined) throw new Error(`no console account ${values.owner}`)
    const caller: Caller = { actor: { id: owner.id, kind: 'account' }, scope: ALL_SCOPE }
    const newId = createIdGenerator()
    const services = createServices({ config, db, clock: systemClock, newId })
    const { sps, merchants } = services.tenancy

    // Kept in DATA_DIR so the demo's ids, and above all its printed QR codes, survive restarts.
    const file = path.join(config.dataDir, 'demo.json')
    const known = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as DemoTenant : undefined
    const exists = async (find: () => Promise<unknown>): Promise<boolean> => {
      try { await find(); return true } catch (err) { if (err instanceof AppError && err.type === 'not_found') return false; throw err }
    }

    let ids: DemoTenant
    if (known !== undefined && await exists(async () => await merchants.row(ALL_SCOPE, known.merchantId)) &&
      (await db.select({ id: qrCodes.id }).from(qrCodes).where(eq(qrCodes.code, known.storeCode))).length === 1) {
      await sps.update(caller, known.spId, { wechatPay: settings.wechatPay, alipay: settings.alipay })
      ids = known
    } else {
      ids = await createDemoTenant({ db, clock: systemClock, newId, publicUrl: config.publicUrl, services }, caller, settings)
      mkdirSync(config.dataDir, { recursive: true })
      writeFileSync(file, JSON.stringify(ids))
    }
    process.stdout.write([
      'Demo store 演示餐厅（科技园店）:',
      `  store code           ${config.publicUrl}/q/${ids.storeCode}`,
      `  fixed-amount code    ${config.publicUrl}/q/${ids.fixedCode}  (咖啡 18.00 元 × 数量)`,
      '',
    ].join('\n'))
  } finally {
    await database.close()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed-demo: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
