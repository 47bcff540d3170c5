import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import request from 'supertest'
import { orders, paymentIncidents, refunds } from '../../src/modules/payments/payment.schema'
import { staffShifts } from '../../src/modules/shifts/shifts.schema'
import { MICROPAY_POLL_TOPIC, RECONCILE_TOPIC } from '../../src/modules/payments/reconcile.jobs'
import { REFUND_SYNC_TOPIC } from '../../src/modules/payments/refund.service'
import { staff, WX_SESSION_COOKIE } from '../../src/modules/tenancy'
import type { Database } from '../../src/db/client'
import { consoleUser, type ConsoleUser } from '../factories/console'
import { createMerchant, createSp, newSubMchId } from '../factories/tenants'
import type { Channels, startLiveApp } from './channels'
import { runDueJobs } from './outbox'

type Live = Awaited<ReturnType<typeof startLiveApp>>

/** Payment codes as the customers' apps show them (channels.md §2.6). */
export const WECHAT_CODE = '134567890123456789'
export const ALIPAY_CODE = '287654321098765432'

export interface Shop {
  owner: ConsoleUser
  spId: string
  merchant: { id: string, orderPrefix?: string }
  store: { id: string, name: string }
  /** The merchant admin created with the merchant. */
  adminId: string
}

/**
 * An SP (owned by a fresh console account) with a merchant whose WeChat sub-merchant exists in
 * the sandbox and whose Alipay is authorized, and one store.
 */
export async function shop (live: Live, database: Database, channels: Channels, owner?: ConsoleUser): Promise<Shop> {
  const user = owner ?? await consoleUser(live.app, database)
  const sp = await createSp(user, channels)
  const m = await createMerchant(user, sp.id, await newSubMchId(channels))
  const url = new URL((await user.get(`/v1/merchants/${m.merchant.id}/alipay-authorization`).expect(200)).body.url)
  url.searchParams.set('sim_merchant', 'new')
  const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '')
  await request(live.app.callback()).get(`${back.pathname}${back.search}`).expect(302)
  const store = (await user.post(`/v1/merchants/${m.merchant.id}/stores`, { name: '一号店' }).expect(201)).body
  return { owner: user, spId: sp.id, merchant: m.merchant, store, adminId: m.admin.id }
}

/** A staff member of the store (or the given existing row), activated on a phone: returns the session cookie. */
export async function staffPhone (live: Live, database: Database, channels: Channels, o: { staffId?: string, storeId?: string, role?: 'clerk' | 'store_manager', owner?: ConsoleUser, refundPermission?: boolean }): Promise<{ staffId: string, cookie: string }> {
  let staffId = o.staffId
  if (staffId === undefined) {
    if (o.owner === undefined || o.storeId === undefined) throw new Error('staffPhone: a new staff member needs owner and storeId')
    staffId = (await o.owner.post(`/v1/stores/${o.storeId}/staff`, { name: o.role === 'store_manager' ? '店长' : '店员', role: o.role ?? 'clerk' }).expect(201)).body.id as string
  }
  const appId = channels.sandbox.clients.wxmp.officialAccount.appId
  const openid = `o_${staffId.slice(-16)}`
  await database.db.update(staff).set({ wxAppId: appId, wxOpenid: openid, activatedAt: new Date(), ...(o.refundPermission === undefined ? {} : { refundPermission: o.refundPermission }) }).where(eq(staff.id, staffId))
  return { staffId, cookie: `${WX_SESSION_COOKIE}=${live.services.tokens.sign({ purpose: 'wx_session', appId, openid }, 3600)}` }
}

/** Clocks in (an open shift) at the store, as the shifts module will record it. */
export async function clockIn (database: Database, staffId: string, store: { id: string }, merchantId: string): Promise<string> {
  const id = `shf_${randomUUID()}`
  await database.db.insert(staffShifts).values({ id, staffId, storeId: store.id, merchantId, clockInAt: new Date(), createdAt: new Date() })
  return id
}

export async function clockOut (database: Database, shiftId: string): Promise<void> {
  await database.db.update(staffShifts).set({ clockOutAt: new Date() }).where(eq(staffShifts.id, shiftId))
}

/** Moves yima's clock and the sandbox's business clock together (the sandbox then runs what fell due). */
export async function advance (live: Live, channels: Channels, seconds: number): Promise<void> {
  live.clock.advance(seconds * 1000)
  await channels.sim('wxpay', 'POST', '/__sim/clock/advance', { seconds })
}

/** Runs the payment jobs due on yima's clock (reconcile, micropay poll, refund sync). */
export async function runPaymentJobs (live: Live, database: Database): Promise<number> {
  return await runDueJobs({ database, clock: live.clock, handlers: live.services.jobHandlers, topics: [RECONCILE_TOPIC, MICROPAY_POLL_TOPIC, REFUND_SYNC_TOPIC] })
}

export const orderRow = async (database: Database, id: string) => (await database.db.select().from(orders).where(eq(orders.id, id)))[0]
export const refundRow = async (database: Database, id: string) => (await database.db.select().from(refunds).where(eq(refunds.id, id)))[0]
export const incidentKinds = async (database: Database, orderId: string): Promise<string[]> =>
  (await database.db.select().from(paymentIncidents).where(eq(paymentIncidents.orderId, orderId))).map((i) => i.kind)

/** Waits for the sandbox's due deliveries (notifications) to finish. */
export async function sandboxIdle (channels: Channels): Promise<void> {
  await channels.sim('wxpay', 'POST', '/__sim/idle')
}
