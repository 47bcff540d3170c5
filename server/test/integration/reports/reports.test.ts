import { eq, sql } from 'drizzle-orm'
import request from 'supertest'
import fc from 'fast-check'
import { createIdGenerator, fen, NO_COUNTERS, type MerchantDTO, type OrderDto, type SummaryCounters, type SummaryDto } from '@yima/shared'
import { insertOrder, reserveRefund, transitionOrder, transitionRefund } from '../../../src/modules/payments/payment.repo'
import type { OrderRow, RefundRow } from '../../../src/modules/payments/payment.schema'
import { deliveries } from '../../../src/modules/notify/notify.schema'
import { summaryCounters } from '../../../src/modules/reports/summary.repo'
import { ALL_SCOPE } from '../../../src/modules/tenancy/scope'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { clockIn } from '../../helpers/payments'
import { createMerchant, newSubMchId } from '../../factories/tenants'
import { phoneOf, storeWorld, type StoreWorld } from '../../factories/stores'
import { consoleUser } from '../../factories/console'

/*
 * Reports (R1, R2) on crafted orders written through the same state changes the payment code
 * uses (so the hourly rollup is maintained as in production): every summary figure to the fen,
 * groups, ranges with partial hours and across days, scopes, the details search, the CSV export
 * and the printed slip; and the rollup against a recomputation from the orders after random
 * operations (property test).
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const db = () => database.get().db
const server = () => live.app.callback()
const newId = createIdGenerator()

/** 2026-03-<day> <hh:mm:ss> in China time. */
const at = (day: number, hhmmss: string): Date => new Date(`2026-03-${String(day).padStart(2, '0')}T${hhmmss}+08:00`)
const q = (o: Record<string, string | Date | undefined>): string =>
  new URLSearchParams(Object.entries(o).flatMap(([k, v]): Array<[string, string]> => v === undefined ? [] : [[k, v instanceof Date ? v.toISOString() : v]])).toString()

interface Paid { amountFen: number, discountFen?: number, /** 免充值 (default) or 预充值 voucher. */ noCash?: boolean, paidAt: Date, staffId?: string, qrCodeId?: string, storeId?: string, platform?: 'wechat_pay' | 'alipay' }

/** A created order moved to succeeded by transitionOrder, as the payment service does. */
async function paid (m: MerchantDTO, storeId: string, p: Paid): Promise<OrderRow> {
  const id = newId('ord')
  const created = new Date(p.paidAt.getTime() - 30_000)
  await insertOrder(db(), {
    id,
    spId: m.serviceProviderId,
    sspId: m.subServiceProviderId,
    merchantId: m.id,
    storeId: p.storeId ?? storeId,
    staffId: p.staffId ?? null,
    qrCodeId: p.qrCodeId ?? null,
    sourceType: 'one_code',
    tradeType: 'one_code',
    payPlatform: p.platform ?? 'wechat_pay',
    method: 'wechat_jsapi',
    outTradeNo: `${m.orderPrefix}${id.slice(4)}`,
    amountFen: fen(p.amountFen),
    status: 'created',
    description: '测试订单',
    remark: '少冰, "加糖"',
    expiresAt: new Date(created.getTime() + 15 * 60_000),
    createdAt: created,
    updatedAt: created,
  })
  return (await transitionOrder(db(), id, 'succeeded', { paidAt: p.paidAt, discountFen: fen(p.discountFen ?? 0), noCashDiscountFen: fen(p.noCash === false ? 0 : p.discountFen ?? 0), channelTxnId: `4200${id.slice(-20)}` }, p.paidAt)).row
}

async function refund (order: OrderRow, amountFen: number, when: Date): Promise<RefundRow> {
  return await db().transaction(async (tx) => (await reserveRefund(tx, {
    id: newId('rfd'),
    orderId: order.id,
    spId: order.spId,
    merchantId: order.merchantId,
    storeId: order.storeId,
    outRefundNo: `R${newId('rfd').slice(4)}`,
    amountFen: fen(amountFen),
    status: 'processing',
    operatorKind: 'account',
    operatorId: 'acc_test',
    createdAt: when,
    updatedAt: when,
  })).refund)
}
const failRefund = async (r: RefundRow): Promise<void> => { await db().transaction(async (tx) => { await transitionRefund(tx, r.id, 'failed', {}, r.createdAt) }) }

const summary = async (w: StoreWorld, o: Record<string, string | Date | undefined>): Promise<SummaryDto> =>
  (await w.owner.get(`/v1/reports/summary?${q(o)}`).expect(200)).body

describe('summary figures (R1)', () => {
  it('counts every figure to the fen over a cross-day range with partial hours, refunds and discounts', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const s = w.store.id
    // Before the range: not counted; its refund inside the range is (refunds count when requested).
    const early = await paid(w.merchant, s, { amountFen: 5000, paidAt: at(1, '09:59:59') })
    // Inside: a partial hour at the start (10:00:05), whole hours, a partial hour at the end (next day 11:30).
    const a = await paid(w.merchant, s, { amountFen: 1234, paidAt: at(1, '10:00:05'), staffId: w.clerk.id })
    const b = await paid(w.merchant, s, { amountFen: 10000, discountFen: 500, paidAt: at(1, '15:20:00'), staffId: w.clerk.id, platform: 'alipay' })
    const c = await paid(w.merchant, s, { amountFen: 999, paidAt: at(2, '11:29:59') })
    // After the range by one second: not counted.
    await paid(w.merchant, s, { amountFen: 777, paidAt: at(2, '11:30:00') })
    await refund(early, 2000, at(1, '12:00:00'))
    await refund(b, 3000, at(2, '09:00:00'))
    await refund(b, 1000, at(2, '10:00:00'))
    await failRefund(await refund(a, 234, at(1, '16:00:00')))
    await refund(c, 999, at(2, '11:30:00')) // after the range

    const r = await summary(w, { from: at(1, '10:00:00'), to: at(2, '11:30:00'), storeId: s })
    expect(r.total).toEqual({
      tradeCount: 3,
      tradeFen: 1234 + 10000 + 999,
      discountFen: 500,
      settlementFen: 1234 + 9500 + 999,
      refundCount: 3,
      refundFen: 2000 + 3000 + 1000,
      // b's no-charge discount (5 %) goes back to the voucher in proportion: 3000 → 2850, 1000 → 950.
      refundSettlementFen: 2000 + 2850 + 950,
      realReceivedFen: 1234 + 9500 + 999 - 5800,
    })

    // The same range grouped: the groups add up to the total.
    const byStaff = await summary(w, { from: at(1, '10:00:00'), to: at(2, '11:30:00'), storeId: s, groupBy: 'staff' })
    expect(byStaff.groups.map((g) => [g.key, g.label, g.tradeFen, g.refundFen])).toEqual([
      [w.clerk.id, '王小明', 11234, 4000],
      [null, '未关联店员', 999, 2000],
    ])
    const byDay = await summary(w, { from: at(1, '10:00:00'), to: at(2, '11:30:00'), storeId: s, groupBy: 'day' })
    expect(byDay.groups.map((g) => [g.label, g.tradeCount, g.realReceivedFen])).toEqual([
      ['2026-03-01', 2, 1234 + 9500 - 2000],
      ['2026-03-02', 1, 999 - 3800],
    ])
    expect(byDay.groups[0]?.key).toBe(at(1, '00:00:00').toISOString())
    const byHour = await summary(w, { from: at(1, '15:00:00'), to: at(1, '16:00:00'), storeId: s, groupBy: 'hour' })
    expect(byHour.groups.map((g) => [g.label, g.tradeFen])).toEqual([['2026-03-01 15:00', 10000]])

    // Seconds matter at both ends.
    expect((await summary(w, { from: at(1, '10:00:06'), to: at(2, '11:29:59'), storeId: s })).total.tradeCount).toBe(1)
  })

  it('stops counting a payment reversed after success', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const o = await paid(w.merchant, w.store.id, { amountFen: 800, paidAt: at(3, '10:10:00') })
    await transitionOrder(db(), o.id, 'reversed', { closedAt: at(3, '10:20:00') }, at(3, '10:20:00'))
    const r = await summary(w, { from: at(3, '00:00:00'), to: at(4, '00:00:00'), storeId: w.store.id })
    expect(r.total.tradeCount).toBe(0)
  })

  it('refuses ranges over 90 days, reversed ranges and unknown groupings', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const long = await w.owner.get(`/v1/reports/summary?${q({ from: at(1, '00:00:00'), to: new Date(at(1, '00:00:00').getTime() + 90 * 86_400_000 + 1000) })}`).expect(400)
    expect(long.body.error).toMatchObject({ code: 'validation_failed', param: 'to', message: 'to: 一次最多查询 90 天' })
    await w.owner.get(`/v1/reports/summary?${q({ from: at(2, '00:00:00'), to: at(1, '00:00:00') })}`).expect(400)
    await w.owner.get(`/v1/reports/summary?${q({ from: at(1, '00:00:00'), to: at(2, '00:00:00'), groupBy: 'planet' })}`).expect(400)
    await w.owner.get('/v1/reports/summary').expect(400)
  })

  it("keeps each console account to its tenants: a sub-SP sees its merchants' figures only", async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const agent = await consoleUser(live.app, database.get())
    const ssp = (await w.owner.post('/v1/sub-service-providers', { serviceProviderId: w.spId, accountId: agent.id, name: '代理商', adminName: '代理', phone: '13900000000' }).expect(201)).body
    const own = await createMerchant(agent, w.spId, await newSubMchId(channels.get()), { subServiceProviderId: ssp.id })
    const ownStore = (await agent.post(`/v1/merchants/${own.merchant.id}/stores`, { name: '代理门店' }).expect(201)).body
    await paid(own.merchant, ownStore.id, { amountFen: 300, paidAt: at(5, '10:00:00') })
    await paid(w.merchant, w.store.id, { amountFen: 700, paidAt: at(5, '10:00:00') })
    const range = { from: at(5, '00:00:00'), to: at(6, '00:00:00') }
    expect((await agent.get(`/v1/reports/summary?${q(range)}`).expect(200)).body.total.tradeFen).toBe(300)
    expect((await agent.get(`/v1/reports/summary?${q({ ...range, storeId: w.store.id })}`).expect(200)).body.total.tradeFen).toBe(0)
    // The SP sees both, and by store.
    const sp = (await w.owner.get(`/v1/reports/summary?${q({ ...range, groupBy: 'store' })}`).expect(200)).body as SummaryDto
    expect(sp.total.tradeFen).toBe(1000)
    expect(sp.groups.map((g) => [g.label, g.tradeFen])).toEqual([['科技园店', 700], ['代理门店', 300]])
  })
})

describe('on the phone', () => {
  it('shows the store to its manager always and to a clerk only on duty; another store is not there', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    await paid(w.merchant, w.store.id, { amountFen: 4200, paidAt: at(7, '12:00:00') })
    const range = { from: at(7, '00:00:00'), to: at(8, '00:00:00'), storeId: w.store.id }
    const manager = await phoneOf(live, database.get(), channels.get(), w.manager.id)
    const clerk = await phoneOf(live, database.get(), channels.get(), w.clerk.id)
    const phone = (cookie: string, path: string) => request(server()).get(path).set('cookie', cookie)
    expect((await phone(manager, `/v1/mobile/reports/summary?${q(range)}`).expect(200)).body.total.tradeFen).toBe(4200)
    const off = await phone(clerk, `/v1/mobile/reports/summary?${q(range)}`).expect(403)
    expect(off.body.error.message).toBe('不在班：上班打卡后才能查看本店交易')
    await phone(clerk, `/v1/mobile/reports/orders?${q(range)}`).expect(403)
    await clockIn(database.get(), w.clerk.id, w.store, w.merchant.id)
    expect((await phone(clerk, `/v1/mobile/reports/summary?${q(range)}`).expect(200)).body.total.tradeFen).toBe(4200)
    expect((await phone(clerk, `/v1/mobile/reports/orders?${q(range)}`).expect(200)).body.data).toHaveLength(1)

    const other = await storeWorld(live, database.get(), channels.get())
    await phone(manager, `/v1/mobile/reports/summary?${q({ ...range, storeId: other.store.id })}`).expect(404)
  })
})

describe('details (R2)', () => {
  it('filters, pages by keyset, and exports the chosen columns as CSV with the row count first', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const s = w.store.id
    const made: OrderRow[] = []
    for (let i = 0; i < 7; i++) made.push(await paid(w.merchant, s, { amountFen: 100 * (i + 1), paidAt: at(9, `1${i}:00:00`), staffId: i % 2 === 0 ? w.clerk.id : undefined }))
    const range = { from: at(9, '00:00:00'), to: at(10, '00:00:00'), storeId: s }
    const first = (await w.owner.get(`/v1/reports/orders?${q({ ...range, limit: '3' })}`).expect(200)).body
    expect(first.data.map((o: OrderDto) => o.amountFen)).toEqual([700, 600, 500])
    expect(first.hasMore).toBe(true)
    const second = (await w.owner.get(`/v1/reports/orders?${q({ ...range, limit: '3', startingAfter: first.data[2].id })}`).expect(200)).body
    expect(second.data.map((o: OrderDto) => o.amountFen)).toEqual([400, 300, 200])
    const byClerk = (await w.owner.get(`/v1/reports/orders?${q({ ...range, staffId: w.clerk.id, minFen: '200', maxFen: '500' })}`).expect(200)).body
    expect(byClerk.data.map((o: OrderDto) => o.amountFen)).toEqual([500, 300])
    const one = (await w.owner.get(`/v1/reports/orders?${q({ ...range, outTradeNo: made[3]?.outTradeNo })}`).expect(200)).body
    expect(one.data.map((o: OrderDto) => o.id)).toEqual([made[3]?.id])
    await w.owner.get(`/v1/reports/orders?${q({ ...range, minFen: '500', maxFen: '100' })}`).expect(400)

    const csv = await w.owner.get(`/v1/reports/orders.csv?${q({ ...range, staffId: w.clerk.id, fields: 'amount,outTradeNo,staffName,remark' })}`)
      .buffer(true).parse((res, cb) => { let t = ''; res.setEncoding('utf8'); res.on('data', (c: string) => { t += c }); res.on('end', () => { cb(null, t) }) }).expect(200)
    expect(csv.headers['x-row-count']).toBe('4')
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const lines = (csv.body as string).split('\r\n')
    // BOM for spreadsheets, columns in the table's order, quoted where needed.
    expect(lines[0]).toBe('\uFEFF商户订单号,店员,订单金额（元）,备注')
    expect(lines[1]).toBe(`${made[6]?.outTradeNo},王小明,7.00,"少冰, ""加糖"""`)
    expect(lines).toHaveLength(6)
    await w.owner.get(`/v1/reports/orders.csv?${q({ ...range, fields: 'amount,secret' })}`).expect(400)
  })

  it('prints the summary slip on the store printer', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const feie = (await channels.get().sim<{ sn: string, key: string }>('devices', 'POST', '/__sim/devices', { vendor: 'feie' })).body
    await w.owner.post(`/v1/stores/${w.store.id}/printers`, { brand: 'feie', sn: feie.sn, key: feie.key }).expect(201)
    await paid(w.merchant, w.store.id, { amountFen: 1500, paidAt: at(11, '10:00:00'), staffId: w.clerk.id })
    const printed = await w.owner.post('/v1/reports/summary/print', { from: at(11, '00:00:00').toISOString(), to: at(12, '00:00:00').toISOString(), storeId: w.store.id, groupBy: 'staff' }).expect(202)
    expect(printed.body.data).toHaveLength(1)
    const [row] = await db().select().from(deliveries).where(eq(deliveries.id, printed.body.data[0].deliveryId))
    expect(row).toMatchObject({ subject: 'summary', channel: 'print' })
    const other = await storeWorld(live, database.get(), channels.get())
    await other.owner.post('/v1/reports/summary/print', { from: at(11, '00:00:00').toISOString(), to: at(12, '00:00:00').toISOString(), storeId: w.store.id }).expect(404)
  })
})

describe('the hourly rollup', () => {
  it('agrees with the orders after random payments, refunds, failed refunds and reversals (property)', async () => {
    const w = await storeWorld(live, database.get(), channels.get())
    const base = at(20, '00:00:00').getTime()
    const op = fc.record({
      amountFen: fc.integer({ min: 1, max: 100_000 }),
      discountFen: fc.integer({ min: 0, max: 50 }),
      minute: fc.integer({ min: 0, max: 3 * 24 * 60 }),
      refunds: fc.array(fc.record({ share: fc.integer({ min: 1, max: 100 }), after: fc.integer({ min: 0, max: 2 * 24 * 60 }), fails: fc.boolean() }), { maxLength: 3 }),
      reversed: fc.boolean(),
      clerk: fc.boolean(),
    })
    const range = fc.tuple(fc.integer({ min: 0, max: 5 * 86_400 }), fc.integer({ min: 1, max: 5 * 86_400 }))
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.array(range, { minLength: 3, maxLength: 3 }), async (ops, ranges) => {
      for (const o of ops) {
        const order = await paid(w.merchant, w.store.id, { amountFen: o.amountFen, discountFen: Math.min(o.discountFen, o.amountFen), paidAt: new Date(base + o.minute * 60_000 + 7_000), ...(o.clerk ? { staffId: w.clerk.id } : {}) })
        let left = o.amountFen
        for (const r of o.refunds) {
          const amount = Math.min(left, Math.max(1, Math.floor(o.amountFen * r.share / 100)))
          if (amount <= 0) break
          const made = await refund(order, amount, new Date(order.paidAt!.getTime() + r.after * 60_000 + 13_000))
          if (r.fails) await failRefund(made)
          else left -= amount
        }
        if (o.reversed && o.refunds.length === 0) await transitionOrder(db(), order.id, 'reversed', {}, new Date(order.paidAt!.getTime() + 60_000))
      }
      for (const [start, length] of ranges) {
        const from = new Date(base + start * 1000)
        const to = new Date(from.getTime() + length * 1000)
        for (const groupBy of [null, 'staff', 'hour'] as const) {
          const viaRollup = await summaryCounters(db(), { scope: ALL_SCOPE, storeId: w.store.id }, from, to, groupBy)
          expect(Object.fromEntries(viaRollup)).toEqual(Object.fromEntries(await recomputed(w.store.id, from, to, groupBy)))
        }
      }
    }), { numRuns: 15 })
  })
})

/** The summary straight from orders and refunds, with no rollup: what the rollup must agree with. */
async function recomputed (storeId: string, from: Date, to: Date, groupBy: null | 'staff' | 'hour'): Promise<Map<string, unknown>> {
  const orders = (await db().execute(sql`select * from orders where store_id = ${storeId}`)).rows as Array<Record<string, unknown>>
  const refunds = (await db().execute(sql`select r.* from refunds r join orders o on o.id = r.order_id where o.store_id = ${storeId}`)).rows as Array<Record<string, unknown>>
  const byId = new Map(orders.map((o) => [String(o.id), o]))
  const key = (o: Record<string, unknown>, when: Date): string =>
    groupBy === null ? '' : groupBy === 'staff' ? String(o.staff_id ?? '') : String(Math.floor(when.getTime() / 3_600_000) * 3600)
  const out = new Map<string, SummaryCounters>()
  const bucket = (k: string): SummaryCounters => {
    const b = out.get(k) ?? { ...NO_COUNTERS }
    out.set(k, b)
    return b
  }
  for (const o of orders) {
    const paidAt = o.paid_at === null ? null : new Date(o.paid_at as string)
    if (o.status !== 'succeeded' || paidAt === null || paidAt < from || paidAt >= to) continue
    const b = bucket(key(o, paidAt))
    b.tradeCount++
    b.tradeFen += Number(o.amount_fen)
    b.discountFen += Number(o.discount_fen)
    b.settlementFen += Number(o.amount_fen) - Number(o.no_cash_discount_fen)
  }
  for (const r of refunds) {
    const created = new Date(r.created_at as string)
    if (r.status === 'failed' || created < from || created >= to) continue
    const b = bucket(key(byId.get(String(r.order_id)) ?? {}, created))
    b.refundCount++
    b.refundFen += Number(r.amount_fen)
    const order = byId.get(String(r.order_id)) ?? {}
    b.refundSettlementFen += Number(r.amount_fen) - Math.floor(Number(r.amount_fen) * Number(order.no_cash_discount_fen) / Number(order.amount_fen))
  }
  return out
}
