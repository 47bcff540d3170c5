import { randomBytes } from 'node:crypto'
import { getTableColumns } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import * as schema from '../../../src/db/schema'
import { Secret } from '../../../src/secret'
import { SecretBox } from '../../../src/secrets'
import { resealAll, SEALED_COLUMNS } from '../../../src/secrets/reseal'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
const oldKey = randomBytes(32)
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get(), { secretsKey: new Secret(oldKey) }) })
afterAll(async () => { await live.stop() })

/** Every sealed value in the database, with the context it opens under. */
async function sealedValues (): Promise<Array<{ value: string, context: string }>> {
  const out: Array<{ value: string, context: string }> = []
  for (const t of SEALED_COLUMNS) {
    const rows = await database.get().db.select({ id: t.id, ...Object.fromEntries(t.columns.map((c, i) => [`c${i}`, c.column])) }).from(t.table)
    for (const row of rows as Array<Record<string, string | null>>) {
      t.columns.forEach((c, i) => { const v = row[`c${i}`]; if (v != null) out.push({ value: v, context: c.context(String(row.id)) }) })
    }
  }
  return out
}

describe('rotating SECRETS_KEY', () => {
  it('lists every sealed column of the schema for re-encryption', () => {
    const listed = new Set(SEALED_COLUMNS.flatMap((t) => t.columns.map((c) => c.column.name)))
    const sealedInSchema = Object.values(schema as Record<string, unknown>).filter((v): v is PgTable => v instanceof PgTable)
      .flatMap((table) => Object.values(getTableColumns(table)).map((c) => c.name).filter((name) => name.endsWith('_sealed')))
    expect(sealedInSchema.filter((name) => !listed.has(name))).toEqual([])
  })

  it('re-encrypts every stored secret under the new key, once', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    const m = await createMerchant(user, sp.id, await newSubMchId(channels.get()))
    await user.get(`/v1/staff/${m.admin.id}/activation-qr`).expect(200)
    const before = await sealedValues()
    expect(before.length).toBeGreaterThanOrEqual(8)

    const newKey = randomBytes(32)
    const rotating = new SecretBox(newKey, [oldKey])
    expect(await resealAll(database.get().db, rotating)).toEqual({ resealed: before.length, current: 0 })
    expect(await resealAll(database.get().db, rotating)).toEqual({ resealed: 0, current: before.length })

    // The retired key can go: everything opens with the new key alone, to the same plaintext.
    const newOnly = new SecretBox(newKey)
    const oldOnly = new SecretBox(oldKey)
    const after = await sealedValues()
    const plain = new Map(before.map(({ value, context }) => [context, oldOnly.open(value, context).reveal()]))
    expect(after).toHaveLength(before.length)
    for (const { value, context } of after) {
      expect(newOnly.open(value, context).reveal()).toBe(plain.get(context))
      expect(() => oldOnly.open(value, context)).toThrow()
    }
  })
})
