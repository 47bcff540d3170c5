import { and, eq, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Db } from '../db/client'
import { cloudPrinters } from '../modules/devices/devices.schema'
import { credentialsContext } from '../modules/vouchers/signers'
import { merchantPayCredentials } from '../modules/vouchers/vouchers.schema'
import { activationCodes, merchants, serviceProviders, wechatComponentTickets } from '../modules/tenancy/tenancy.schema'
import type { SecretBox } from './secret-box'

/**
 * Every sealed column and the context it was sealed under. A new sealed column must be listed
 * here, or a key rotation would leave it readable only with the retired key.
 */
interface SealedColumns { table: PgTable, id: PgColumn, columns: Array<{ column: PgColumn, context: (id: string) => string }> }

const spColumn = (column: PgColumn, name: string) => ({ column, context: (id: string) => `service_providers.${name}:${id}` })
const merchantColumn = (column: PgColumn, name: string) => ({ column, context: (id: string) => `merchants.${name}:${id}` })

export const SEALED_COLUMNS: SealedColumns[] = [
  {
    table: serviceProviders,
    id: serviceProviders.id,
    columns: [
      spColumn(serviceProviders.wxApiV3KeySealed, 'wx_api_v3_key'),
      spColumn(serviceProviders.wxApiV2KeySealed, 'wx_api_v2_key'),
      spColumn(serviceProviders.wxPrivateKeySealed, 'wx_private_key'),
      spColumn(serviceProviders.wxOaSecretSealed, 'wx_oa_secret'),
      spColumn(serviceProviders.alipayPrivateKeySealed, 'alipay_private_key'),
      spColumn(serviceProviders.alipayPublicKeySealed, 'alipay_public_key'),
      spColumn(serviceProviders.oaRefreshTokenSealed, 'oa_refresh_token'),
    ],
  },
  {
    table: merchants,
    id: merchants.id,
    columns: [
      merchantColumn(merchants.authenKeySealed, 'authen_key'),
      merchantColumn(merchants.alipayAppAuthTokenSealed, 'alipay_app_auth_token'),
      merchantColumn(merchants.alipayAppRefreshTokenSealed, 'alipay_app_refresh_token'),
    ],
  },
  { table: activationCodes, id: activationCodes.id, columns: [{ column: activationCodes.tokenSealed, context: (id) => `activation_codes.token:${id}` }] },
  { table: wechatComponentTickets, id: wechatComponentTickets.componentAppId, columns: [{ column: wechatComponentTickets.ticketSealed, context: (id) => `wechat_component_tickets.ticket:${id}` }] },
  { table: cloudPrinters, id: cloudPrinters.id, columns: [{ column: cloudPrinters.keySealed, context: (id) => `cloud_printers.key:${id}` }] },
  {
    table: merchantPayCredentials,
    id: merchantPayCredentials.merchantId,
    columns: [
      { column: merchantPayCredentials.privateKeySealed, context: (id) => credentialsContext(id, 'private_key') },
      { column: merchantPayCredentials.apiV3KeySealed, context: (id) => credentialsContext(id, 'api_v3_key') },
    ],
  },
]

/**
 * Re-encrypts every value sealed under a retired key with the current one (after SECRETS_KEY
 * changed and the old key moved to SECRETS_KEYS_RETIRED). Each update is compare-and-set on the
 * old ciphertext, so a concurrent edit is never overwritten; running it again is harmless.
 */
export async function resealAll (db: Db, box: SecretBox): Promise<{ resealed: number, current: number }> {
  let resealed = 0
  let current = 0
  for (const t of SEALED_COLUMNS) {
    const rows = await db.select({ id: t.id, ...Object.fromEntries(t.columns.map((c, i) => [`c${i}`, c.column])) }).from(t.table)
    for (const row of rows as Array<Record<string, string | null>>) {
      for (const [i, c] of t.columns.entries()) {
        const value = row[`c${i}`]
        if (value == null) continue
        if (!box.needsReseal(value)) { current++; continue }
        const id = String(row.id)
        const updated = await db.execute(sql`update ${t.table} set ${sql.identifier(c.column.name)} = ${box.reseal(value, c.context(id))}
          where ${and(eq(t.id, id), eq(c.column, value))}`)
        resealed += updated.rowCount ?? (updated as { affectedRows?: number }).affectedRows ?? 0
      }
    }
  }
  return { resealed, current }
}
