import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { WechatApiError } from '../../channels/wechat-mp/client'
import { PermanentJobError, type JobHandler } from '../../outbox'
import type { TenancyServices } from '../tenancy/routes'
import { ALL_SCOPE } from '../tenancy/scope'
import { cardMembers, memberCards } from './cards.schema'
import type { WalletApi } from './wallet-api'

/** 40056 unknown code, 40127 code deleted or expired, 40073 unknown card: the wallet no longer has it. */
const GONE = new Set([40056, 40127, 40073])

/**
 * The wallet's copy of a balance (M3 查看余额): after every change a job sets the balance WeChat
 * shows to what the ledger holds *when the job runs*, so retries, duplicates and jobs run out of
 * order all end on the latest balance. yima's ledger stays the truth if WeChat never answers.
 */
export function walletSyncHandler (d: { db: Db, tenancy: TenancyServices, wallet: WalletApi }): JobHandler<{ memberId: string }> {
  return {
    backoffMs: [0, 15_000, 60_000, 300_000, 1_800_000, 7_200_000],
    async handle ({ memberId }, ctx) {
      const [row] = await d.db.select({ m: cardMembers, c: memberCards }).from(cardMembers).innerJoin(memberCards, eq(memberCards.id, cardMembers.cardId)).where(eq(cardMembers.id, memberId))
      if (row === undefined) throw new PermanentJobError(`no member ${memberId}`)
      const { m, c } = row
      if (m.code === null || m.state !== 'active') return { skipped: 'not in a wallet' }
      const account = d.wallet.account(await d.tenancy.sps.row(ALL_SCOPE, c.spId))
      const balanceFen = m.principalFen + m.bonusFen
      try {
        await d.wallet.setBalance(account, { wxCardId: c.wxCardId, code: m.code, balanceFen }, ctx.signal)
      } catch (err) {
        if (err instanceof WechatApiError && GONE.has(err.errcode)) throw new PermanentJobError(`the wallet no longer holds code ${m.code}: ${err.message}`)
        throw err
      }
      return { balanceFen }
    },
  }
}
