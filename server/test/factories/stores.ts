import { eq } from 'drizzle-orm'
import { createIdGenerator, fen, type MerchantDTO, type StaffDTO, type StoreDTO } from '@yima/shared'
import type { Database } from '../../src/db/client'
import { insertOrder } from '../../src/modules/payments/payment.repo'
import { staff, WX_SESSION_COOKIE } from '../../src/modules/tenancy'
import type { Channels, startLiveApp } from '../helpers/channels'
import { consoleUser, type ConsoleUser } from './console'
import { createMerchant, createSp, newSubMchId } from './tenants'

type Live = Awaited<ReturnType<typeof startLiveApp>>
const newId = createIdGenerator()

/** An SP's console account with one merchant, one store, its manager and a clerk (none activated). */
export interface StoreWorld {
  owner: ConsoleUser
  spId: string
  merchant: MerchantDTO
  /** The merchant admin created with the merchant. */
  adminId: string
  store: StoreDTO
  manager: StaffDTO
  clerk: StaffDTO
}

export async function storeWorld (live: Live, database: Database, channels: Channels, o: { owner?: ConsoleUser } = {}): Promise<StoreWorld> {
  const owner = o.owner ?? await consoleUser(live.app, database)
  const sp = await createSp(owner, channels)
  const m = await createMerchant(owner, sp.id, await newSubMchId(channels))
  const store = (await owner.post(`/v1/merchants/${m.merchant.id}/stores`, { name: '科技园店' }).expect(201)).body as StoreDTO
  const manager = (await owner.post(`/v1/stores/${store.id}/staff`, { name: '张店长', role: 'store_manager', phone: '13800000001' }).expect(201)).body as StaffDTO
  const clerk = (await owner.post(`/v1/stores/${store.id}/staff`, { name: '王小明', role: 'clerk', phone: '13800000002' }).expect(201)).body as StaffDTO
  return { owner, spId: sp.id, merchant: m.merchant, adminId: m.admin.id, store, manager, clerk }
}

/**
 * The person activated on a phone (as scanning their activation code would) and holding the
 * management session a management code sets: returns the cookie header value.
 */
export async function phoneOf (live: Live, database: Database, channels: Channels, staffId: string): Promise<string> {
  const appId = channels.sandbox.clients.wxmp.officialAccount.appId
  const openid = `o_${staffId.slice(-16)}`
  await database.db.update(staff).set({ wxAppId: appId, wxOpenid: openid, activatedAt: new Date() }).where(eq(staff.id, staffId))
  return `${WX_SESSION_COOKIE}=${live.services.tokens.sign({ purpose: 'wx_session', appId, openid }, 3600)}`
}

/** A succeeded order of the store, paid at `paidAt` (written directly: only its time matters). */
export async function paidOrderAt (database: Database, merchant: MerchantDTO, storeId: string, paidAt: Date): Promise<string> {
  const id = newId('ord')
  const order = await insertOrder(database.db, {
    id,
    spId: merchant.serviceProviderId,
    sspId: merchant.subServiceProviderId,
    merchantId: merchant.id,
    storeId,
    sourceType: 'one_code',
    tradeType: 'one_code',
    payPlatform: 'wechat_pay',
    method: 'wechat_jsapi',
    outTradeNo: `${merchant.orderPrefix}${id.slice(4)}`,
    amountFen: fen(1250),
    status: 'succeeded',
    description: '测试订单',
    channelTxnId: `4200${id.slice(-20)}`,
    paidAt,
    expiresAt: new Date(paidAt.getTime() + 15 * 60_000),
    createdAt: paidAt,
    updatedAt: paidAt,
  })
  if (order === undefined) throw new Error('order not written')
  return id
}
