import { eq } from 'drizzle-orm'
import request from 'supertest'
import { createIdGenerator, fen, type OrderStatus, type PayPlatform } from '@yima/shared'
import { insertOrder } from '../../../src/modules/payments/payment.repo'
import { refunds } from '../../../src/modules/payments/payment.schema'
import { PAYER_COOKIE } from '../../../src/modules/payments/payer-session'
import { staffShifts } from '../../../src/modules/shifts/shifts.schema'
import { staff } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { shop, staffPhone, type Shop } from '../../helpers/payments'
import { scan, simUser } from '../../helpers/scan'
import { runDueJobs } from '../../helpers/outbox'
import { PRINT_TOPIC } from '../../../src/modules/devices/printers.service'

/*
 * H1–H3 through HTTP: clocking in and out from the staff pages and from the store code's pay page,
 * the handover summaries (seed 000's rule, to the fen, over crafted shifts and orders), and the
 * store's orders for clerks only while on duty. The rule's every edge is in handover.test.ts.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
// Tests that walk a day move yima's clock; the sandbox (signatures) keeps real time.
afterEach(() => { live.clock.set(new Date()) })
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const server = () => live.app.callback()
const newId = createIdGenerator()

/** 2026-03-<day> <hh:mm> in China time. */
const at = (day: number, hhmm: string): Date => new Date(`2026-03-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`)
const range = (from: Date, to: Date): string => `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`

/** A staff member of the store (created through the console), with a phone session. */
async function person (s: Shop, name: string, role: 'clerk' | 'store_manager' = 'clerk', storeId = s.store.id): Promise<{ id: string, cookie: () => Promise<string>, payer: () => string }> {
  const id = (await s.owner.post(`/v1/stores/${storeId}/staff`, { name, role }).expect(201)).body.id as string
  await staffPhone(live, db(), c(), { staffId: id })
  const [row] = await db().db.select().from(staff).where(eq(staff.id, id))
  return {
    id,
    // Signed on yima's clock: a fresh one after the clock moved.
    cookie: async () => (await staffPhone(live, db(), c(), { staffId: id })).cookie,
    // What the pay page's WeChat OAuth leaves: the same official-account openid the person was activated with.
    payer: () => payerCookie('wechat', row?.wxAppId ?? '', row?.wxOpenid ?? ''),
  }
}
const payerCookie = (platform: 'wechat' | 'alipay', appId: string, payerId: string): string =>
  `${PAYER_COOKIE}=${live.services.tokens.sign({ purpose: 'payer', platform, appId, payerId }, 3600)}`

const phone = (cookie: string) => ({
  get: (path: string) => request(server()).get(path).set('cookie', cookie),
  post: (path: string, body: object = {}) => request(server()).post(path).set('cookie', cookie).send(body),
})

async function storeCode (s: Shop, storeId = s.store.id): Promise<string> {
  return (await s.owner.post(`/v1/stores/${storeId}/qr-codes`, { kind: 'store' }).expect(201)).body.code as string
}

/** An order of the store as the pay page (or a device) leaves it: paid at `paidAt`, created half a minute before. */
async function order (s: Shop, paidAt: Date, amountFen: number, o: { platform?: PayPlatform, tradeType?: string, status?: OrderStatus, storeId?: string } = {}): Promise<string> {
  const id = newId('ord')
  const status = o.status ?? 'succeeded'
  const platform = o.platform ?? 'wechat_pay'
  const created = new Date(paidAt.getTime() - 30_000)
  await insertOrder(db().db, {
    id,
    spId: s.spId,
    merchantId: s.merchant.id,
    storeId: o.storeId ?? s.store.id,
    sourceType: 'one_code',
    tradeType: o.tradeType ?? 'one_code',
    payPlatform: platform,
    method: o.tradeType === 'micropay' ? 'wechat_micropay' : platform === 'alipay' ? 'alipay_jsapi' : 'wechat_jsapi',
    outTradeNo: `T${id.slice(4)}`,
    amountFen: fen(amountFen),
    status,
    description: '交班测试',
    paidAt: status === 'succeeded' ? paidAt : null,
    expiresAt: new Date(created.getTime() + 15 * 60_000),
    createdAt: created,
    updatedAt: paidAt,
  })
  return id
}

async function refund (s: Shop, orderId: string, createdAt: Date, amountFen: number, status: 'processing' | 'succeeded' | 'failed'): Promise<void> {
  const id = newId('rfd')
  await db().db.insert(refunds).values({
    id,
    orderId,
    spId: s.spId,
    merchantId: s.merchant.id,
    storeId: s.store.id,
    outRefundNo: `R${id.slice(4)}`,
    amountFen: fen(amountFen),
    status,
    operatorKind: 'staff',
    operatorId: 'stf_test',
    refundedAt: status === 'succeeded' ? createdAt : null,
    createdAt,
    updatedAt: createdAt,
  })
}

async function shift (s: Shop, staffId: string, clockInAt: Date, clockOutAt: Date | null): Promise<void> {
  await db().db.insert(staffShifts).values({ id: `shf_${newId('ord').slice(4)}`, staffId, storeId: s.store.id, merchantId: s.merchant.id, clockInAt, clockOutAt, createdAt: clockInAt })
}

/** [staff name or '-', kind, payments count, payment fen, refund count, refund fen, net fen] per window. */
const brief = (data: any[]): Array<[string, string, number, number, number, number, number]> =>
  data.map((w) => [w.staffName ?? '-', w.kind, w.paymentCount, w.paymentFen, w.refundCount, w.refundFen, w.netFen])

describe('clocking in and out (H1)', () => {
  it('clocks a clerk in and out from the staff pages, once each', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s, '王小明')
    const p = phone(await clerk.cookie())
    const base = `/v1/mobile/stores/${s.store.id}`

    expect((await p.get(`${base}/shifts/me`).expect(200)).body).toEqual({ staffId: clerk.id, name: '王小明', role: 'clerk', onDuty: false, shift: null })
    const inAt = live.clock.now()
    const opened = await p.post(`${base}/clock-in`).expect(201)
    expect(opened.body).toEqual({
      staffId: clerk.id,
      name: '王小明',
      role: 'clerk',
      onDuty: true,
      shift: { id: expect.stringMatching(/^shf_/), staffId: clerk.id, storeId: s.store.id, clockInAt: inAt.toISOString(), clockOutAt: null },
    })
    expect((await p.get(`${base}/shifts/me`).expect(200)).body).toMatchObject({ onDuty: true, shift: { id: opened.body.shift.id } })
    const twice = await p.post(`${base}/clock-in`).expect(409)
    expect(twice.body.error).toMatchObject({ code: 'already_on_duty', message: expect.stringContaining('已在班') })

    live.clock.advance(8 * 3600_000)
    const q = phone(await clerk.cookie())
    const closed = await q.post(`${base}/clock-out`).expect(200)
    expect(closed.body).toMatchObject({ onDuty: false, shift: { id: opened.body.shift.id, clockOutAt: live.clock.now().toISOString() } })
    expect((await q.post(`${base}/clock-out`).expect(409)).body.error.code).toBe('not_on_duty')
    expect((await q.get(`${base}/shifts/me`).expect(200)).body).toMatchObject({ onDuty: false, shift: null })
    // The next day is a new shift.
    await q.post(`${base}/clock-in`).expect(201)
    expect(await db().db.select().from(staffShifts).where(eq(staffShifts.staffId, clerk.id))).toHaveLength(2)
  })

  it('opens one shift when a clerk taps clock-in many times at once', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s, '店员')
    const cookie = await clerk.cookie()
    const results = await Promise.all(Array.from({ length: 6 }, async () => await request(server()).post(`/v1/mobile/stores/${s.store.id}/clock-in`).set('cookie', cookie)))
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409])
    expect(await db().db.select().from(staffShifts).where(eq(staffShifts.staffId, clerk.id))).toHaveLength(1)
  })

  it('lets the store\'s manager clock in too, but not the merchant admin, another store\'s clerk or another tenant', async () => {
    const s = await shop(live, db(), c())
    const manager = await person(s, '店长', 'store_manager')
    await phone(await manager.cookie()).post(`/v1/mobile/stores/${s.store.id}/clock-in`).expect(201)

    const admin = await staffPhone(live, db(), c(), { staffId: s.adminId })
    expect((await phone(admin.cookie).post(`/v1/mobile/stores/${s.store.id}/clock-in`).expect(403)).body.error.code).toBe('clock_in_not_permitted')
    expect((await phone(admin.cookie).get(`/v1/mobile/stores/${s.store.id}/shifts/me`).expect(403)).body.error.code).toBe('clock_in_not_permitted')

    const store2 = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '二号店' }).expect(201)).body
    const elsewhere = await person(s, '二号店店员', 'clerk', store2.id)
    expect((await phone(await elsewhere.cookie()).post(`/v1/mobile/stores/${s.store.id}/clock-in`).expect(404)).body.error.code).toBe('store_not_found')

    const other = await shop(live, db(), c())
    const foreign = await person(other, '别家店员')
    await phone(await foreign.cookie()).post(`/v1/mobile/stores/${s.store.id}/clock-in`).expect(404)
    await phone(await foreign.cookie()).post(`/v1/mobile/stores/${s.store.id}/clock-out`).expect(404)
    await request(server()).post(`/v1/mobile/stores/${s.store.id}/clock-in`).expect(401)
    expect(await db().db.select().from(staffShifts)).toHaveLength(1)
  })
})

describe('clocking in and out by scanning the store code (seed 003)', () => {
  it('recognises a clerk on the pay page and clocks them in and out with the payer cookie', async () => {
    const s = await shop(live, db(), c())
    const code = await storeCode(s)
    const clerk = await person(s, '李四')
    const pay = (cookie?: string) => ({
      get: () => cookie === undefined ? request(server()).get(`/v1/public/pay/${code}/staff`) : request(server()).get(`/v1/public/pay/${code}/staff`).set('cookie', cookie),
      post: (what: string) => cookie === undefined ? request(server()).post(`/v1/public/pay/${code}/${what}`) : request(server()).post(`/v1/public/pay/${code}/${what}`).set('cookie', cookie),
    })

    expect((await pay().get().expect(401)).body.error.code).toBe('payer_unknown')
    // A customer, not staff: the page just shows the keypad.
    const appId = c().sandbox.clients.wxmp.officialAccount.appId
    expect((await pay(payerCookie('wechat', appId, 'o_some_customer')).get().expect(404)).body.error.code).toBe('staff_not_found')
    await pay(payerCookie('wechat', appId, 'o_some_customer')).post('clock-in').expect(404)

    const me = pay(clerk.payer())
    expect((await me.get().expect(200)).body).toEqual({ staffId: clerk.id, name: '李四', role: 'clerk', onDuty: false, shift: null })
    const opened = await me.post('clock-in').expect(201)
    expect(opened.body).toMatchObject({ onDuty: true, shift: { storeId: s.store.id, clockOutAt: null } })
    expect((await me.post('clock-in').expect(409)).body.error.code).toBe('already_on_duty')
    // The same shift the staff pages see.
    expect((await phone(await clerk.cookie()).get(`/v1/mobile/stores/${s.store.id}/shifts/me`).expect(200)).body.shift.id).toBe(opened.body.shift.id)
    expect((await me.get().expect(200)).body.onDuty).toBe(true)
    expect((await me.post('clock-out').expect(200)).body).toMatchObject({ onDuty: false, shift: { id: opened.body.shift.id, clockOutAt: expect.any(String) } })
    expect((await me.post('clock-out').expect(409)).body.error.code).toBe('not_on_duty')

    // The same person scanning another store's code is not its staff; an Alipay payer never is.
    const store2 = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '二号店' }).expect(201)).body
    const code2 = await storeCode(s, store2.id)
    await request(server()).get(`/v1/public/pay/${code2}/staff`).set('cookie', clerk.payer()).expect(404)
    await request(server()).post(`/v1/public/pay/${code2}/clock-in`).set('cookie', clerk.payer()).expect(404)
    await request(server()).get(`/v1/public/pay/${code}/staff`).set('cookie', payerCookie('alipay', 'ali_app', '2088000000000001')).expect(404)
    // Another tenant's clerk on this code.
    const other = await shop(live, db(), c())
    await request(server()).post(`/v1/public/pay/${code}/clock-in`).set('cookie', (await person(other, '别家店员')).payer()).expect(404)
    // A removed clerk no longer clocks in.
    await db().db.update(staff).set({ deletedAt: new Date() }).where(eq(staff.id, clerk.id))
    await me.post('clock-in').expect(404)
    expect(await db().db.select().from(staffShifts)).toHaveLength(1)
  })

  it('knows a clerk activated through the official account after the pay page\'s WeChat OAuth (same openid)', async () => {
    const s = await shop(live, db(), c())
    const code = await storeCode(s)
    const id = (await s.owner.post(`/v1/stores/${s.store.id}/staff`, { name: '赵六', role: 'clerk' }).expect(201)).body.id
    const activation = (await s.owner.get(`/v1/staff/${id}/activation-qr`).expect(200)).body.url
    const user = await simUser(c(), 3)
    expect((await scan(c(), activation, user.id)).query).toMatchObject({ ok: 'activated' })
    const landed = await scan(c(), `${live.url}/pay/auth?code=${code}`, user.id)
    expect(landed).toMatchObject({ page: 'pages/pay/index', query: { code } })
    const cookie = landed.cookies.map((x) => x.split(';')[0] ?? '').find((x) => x.startsWith(`${PAYER_COOKIE}=`)) ?? ''
    expect((await request(server()).get(`/v1/public/pay/${code}/staff`).set('cookie', cookie).expect(200)).body).toMatchObject({ staffId: id, name: '赵六', onDuty: false })
    await request(server()).post(`/v1/public/pay/${code}/clock-in`).set('cookie', cookie).expect(201)
  })
})

describe('the store\'s orders on a clerk\'s phone (H3)', () => {
  it('shows them to a clerk only while on duty; managers and the merchant admin always', async () => {
    const s = await shop(live, db(), c())
    const now = live.clock.now()
    const ids = [
      await order(s, new Date(now.getTime() - 3 * 60_000), 100),
      await order(s, new Date(now.getTime() - 2 * 60_000), 200, { platform: 'alipay' }),
      await order(s, new Date(now.getTime() - 60_000), 300, { tradeType: 'micropay' }),
    ]
    const clerk = await person(s, '店员')
    const list = `/v1/mobile/stores/${s.store.id}/orders`
    const p = phone(await clerk.cookie())
    const refused = await p.get(list).expect(403)
    expect(refused.body.error).toMatchObject({ code: 'not_on_duty', message: '不在班：上班打卡后才能查看本店交易，下班后不能查看' })

    await p.post(`/v1/mobile/stores/${s.store.id}/clock-in`).expect(201)
    const all = await p.get(list).expect(200)
    expect(all.body).toMatchObject({ object: 'list', hasMore: false })
    expect(all.body.data.map((o: { id: string }) => o.id)).toEqual([...ids].reverse())
    expect(all.body.data[0]).toMatchObject({ storeId: s.store.id, amountFen: 300, status: 'succeeded' })
    // Keyset pages, newest first.
    const first = await p.get(`${list}?limit=2`).expect(200)
    expect(first.body).toMatchObject({ hasMore: true })
    expect(first.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]])
    const next = await p.get(`${list}?limit=2&startingAfter=${ids[1] ?? ''}`).expect(200)
    expect(next.body).toMatchObject({ hasMore: false, data: [{ id: ids[0] }] })
    expect((await p.get(`${list}?startingAfter=ord_nope`).expect(400)).body.error.param).toBe('startingAfter')
    await p.get(`/v1/mobile/orders/${ids[0] ?? ''}`).expect(200)

    // The right lapses at clock-out.
    await p.post(`/v1/mobile/stores/${s.store.id}/clock-out`).expect(200)
    expect((await p.get(list).expect(403)).body.error.code).toBe('not_on_duty')
    await p.get(`/v1/mobile/orders/${ids[0] ?? ''}`).expect(403)

    const manager = await person(s, '店长', 'store_manager')
    expect((await phone(await manager.cookie()).get(list).expect(200)).body.data).toHaveLength(3)
    const admin = await staffPhone(live, db(), c(), { staffId: s.adminId })
    expect((await phone(admin.cookie).get(list).expect(200)).body.data).toHaveLength(3)

    // Another store's clerk (even on duty there) and another tenant see nothing.
    const store2 = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '二号店' }).expect(201)).body
    const elsewhere = await person(s, '二号店店员', 'clerk', store2.id)
    const e = phone(await elsewhere.cookie())
    await e.post(`/v1/mobile/stores/${store2.id}/clock-in`).expect(201)
    expect((await e.get(list).expect(404)).body.error.code).toBe('store_not_found')
    expect((await e.get(`/v1/mobile/stores/${store2.id}/orders`).expect(200)).body.data).toEqual([])
    const other = await shop(live, db(), c())
    const otherAdmin = await staffPhone(live, db(), c(), { staffId: other.adminId })
    await phone(otherAdmin.cookie).get(list).expect(404)
  })
})

describe('handover summaries (H2, seed 000)', () => {
  /*
   * Two days at one store (China time):
   *   9th  08:00–14:00  A
   *        13:30–       B  forgot to clock out
   *        18:00–23:00  C  (so B's summary ends at 18:00)
   *   10th 11:00–15:00  A  forgot to clock in until 11:00; her window starts at C's clock-out (23:00 on the 9th)
   *        15:00–       M  the manager, on duty now
   */
  async function twoDays (): Promise<{ s: Shop, a: Awaited<ReturnType<typeof person>>, b: Awaited<ReturnType<typeof person>>, m: Awaited<ReturnType<typeof person>> }> {
    const s = await shop(live, db(), c())
    const a = await person(s, 'A')
    const b = await person(s, 'B')
    const cc = await person(s, 'C')
    const m = await person(s, 'M', 'store_manager')
    await shift(s, a.id, at(9, '08:00'), at(9, '14:00'))
    await shift(s, b.id, at(9, '13:30'), null)
    await shift(s, cc.id, at(9, '18:00'), at(9, '23:00'))
    await shift(s, a.id, at(10, '11:00'), at(10, '15:00'))
    await shift(s, m.id, at(10, '15:00'), null)

    await order(s, at(9, '07:00'), 500) // before anyone ever clocked in: no one's
    const o1 = await order(s, at(9, '09:00'), 1234)
    await order(s, at(9, '13:45'), 101, { platform: 'alipay' })
    await order(s, at(9, '14:00'), 200) // at A's clock-out: the next window
    await order(s, at(9, '17:59'), 300, { platform: 'alipay' })
    const o5 = await order(s, at(9, '18:30'), 10000)
    const micropay = await order(s, at(9, '18:40'), 5000, { tradeType: 'micropay' }) // not a store-code payment
    await order(s, at(9, '19:00'), 700, { status: 'closed' })
    await order(s, at(9, '23:30'), 888)
    await order(s, at(10, '02:00'), 1, { platform: 'alipay' })
    await order(s, at(10, '10:00'), 2000)
    await order(s, at(10, '16:00'), 700)
    const store2 = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '二号店' }).expect(201)).body
    await order(s, at(9, '09:30'), 999, { storeId: store2.id })

    await refund(s, o1, at(9, '19:00'), 234, 'processing') // by refund time: C's
    await refund(s, o5, at(10, '12:00'), 10000, 'succeeded') // A's second window
    await refund(s, o1, at(9, '10:00'), 100, 'failed')
    await refund(s, micropay, at(9, '19:30'), 100, 'succeeded')
    return { s, a, b, m }
  }

  it('sums each window to the fen, by the seed\'s rule, forgotten clock-in and clock-out included, across midnight', async () => {
    const { s } = await twoDays()
    const day9 = await s.owner.get(`/v1/stores/${s.store.id}/handover?${range(at(9, '00:00'), at(10, '00:00'))}`).expect(200)
    expect(brief(day9.body.data)).toEqual([
      ['A', 'closed', 2, 1335, 0, 0, 1335],
      ['B', 'forgot_clock_out', 2, 500, 0, 0, 500],
      ['C', 'closed', 1, 10000, 1, 234, 9766],
      // The night runs into the 10th: reported whole on both days.
      ['A', 'closed', 3, 2889, 1, 10000, -7111],
    ])
    expect(day9.body.data.map((w: any) => [w.from, w.to])).toEqual([
      [at(9, '08:00'), at(9, '14:00')], [at(9, '14:00'), at(9, '18:00')], [at(9, '18:00'), at(9, '23:00')], [at(9, '23:00'), at(10, '15:00')],
    ].map(([f, t]) => [f?.toISOString(), t?.toISOString()]))
    expect(day9.body.data[1]).toMatchObject({ clockInAt: at(9, '13:30').toISOString(), clockOutAt: null })
    expect(day9.body.data[0].byChannel).toEqual([
      { payPlatform: 'wechat_pay', paymentCount: 1, paymentFen: 1234, refundCount: 0, refundFen: 0, netFen: 1234 },
      { payPlatform: 'alipay', paymentCount: 1, paymentFen: 101, refundCount: 0, refundFen: 0, netFen: 101 },
    ])
    expect(day9.body.data[3].byChannel).toEqual([
      { payPlatform: 'wechat_pay', paymentCount: 2, paymentFen: 2888, refundCount: 1, refundFen: 10000, netFen: -7112 },
      { payPlatform: 'alipay', paymentCount: 1, paymentFen: 1, refundCount: 0, refundFen: 0, netFen: 1 },
    ])

    const day10 = await s.owner.get(`/v1/stores/${s.store.id}/handover?${range(at(10, '00:00'), at(11, '00:00'))}`).expect(200)
    expect(brief(day10.body.data)).toEqual([
      ['A', 'closed', 3, 2889, 1, 10000, -7111],
      ['M', 'on_duty', 1, 700, 0, 0, 700],
    ])
    expect(day10.body.data[1]).toMatchObject({ from: at(10, '15:00').toISOString(), to: null })

    // No store-code payment after the first clock-in falls outside every window.
    const both = (await s.owner.get(`/v1/stores/${s.store.id}/handover?${range(at(9, '00:00'), at(11, '00:00'))}`).expect(200)).body.data
    expect(both).toHaveLength(5)
    expect(both.reduce((sum: number, w: any) => sum + w.paymentFen, 0)).toBe(1234 + 101 + 200 + 300 + 10000 + 888 + 1 + 2000 + 700)
  })

  it('shows a clerk their own windows and managers all of them, at their own store only', async () => {
    const { s, a, b, m } = await twoDays()
    const path = `/v1/mobile/stores/${s.store.id}/handover?${range(at(9, '00:00'), at(11, '00:00'))}`
    expect(brief((await phone(await a.cookie()).get(path).expect(200)).body.data).map((w) => [w[0], w[3]])).toEqual([['A', 1335], ['A', 2889]])
    expect(brief((await phone(await b.cookie()).get(path).expect(200)).body.data).map((w) => [w[0], w[1]])).toEqual([['B', 'forgot_clock_out']])
    expect((await phone(await m.cookie()).get(path).expect(200)).body.data).toHaveLength(5)
    const admin = await staffPhone(live, db(), c(), { staffId: s.adminId })
    expect((await phone(admin.cookie).get(path).expect(200)).body.data).toHaveLength(5)

    const store2 = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '三号店' }).expect(201)).body
    const elsewhere = await person(s, '三号店店员', 'clerk', store2.id)
    await phone(await elsewhere.cookie()).get(path).expect(404)
    const other = await shop(live, db(), c())
    await other.owner.get(`/v1/stores/${s.store.id}/handover?${range(at(9, '00:00'), at(10, '00:00'))}`).expect(404)
    await request(server()).get(path).expect(401)
  })

  it('checks the range: both ends, in order, at most 31 days', async () => {
    const s = await shop(live, db(), c())
    const base = `/v1/stores/${s.store.id}/handover`
    expect((await s.owner.get(base).expect(400)).body.error.code).toBe('validation_failed')
    expect((await s.owner.get(`${base}?from=yesterday&to=today`).expect(400)).body.error.param).toBe('from')
    expect((await s.owner.get(`${base}?${range(at(10, '00:00'), at(9, '00:00'))}`).expect(400)).body.error.param).toBe('to')
    const tooLong = await s.owner.get(`${base}?${range(at(1, '00:00'), new Date(at(1, '00:00').getTime() + 31 * 86400_000 + 1000))}`).expect(400)
    expect(tooLong.body.error).toMatchObject({ code: 'handover_range_too_long', param: 'to' })
    expect((await s.owner.get(`${base}?${range(at(1, '00:00'), new Date(at(1, '00:00').getTime() + 31 * 86400_000))}`).expect(200)).body.data).toEqual([])
  })

  it('follows a day of real clock-ins: a forgotten clock-out ends at the next clock-in, until its late clock-out corrects it', async () => {
    const s = await shop(live, db(), c())
    const code = await storeCode(s)
    const a = await person(s, 'A')
    const b = await person(s, 'B')
    const cc = await person(s, 'C')
    const m = await person(s, 'M', 'store_manager')
    const base = `/v1/mobile/stores/${s.store.id}`
    const step = async (hhmm: string): Promise<void> => { live.clock.set(at(12, hhmm)) }

    await step('08:00')
    await phone(await a.cookie()).post(`${base}/clock-in`).expect(201)
    await step('09:00')
    await order(s, live.clock.now(), 1000)
    await step('12:00')
    await request(server()).post(`/v1/public/pay/${code}/clock-in`).set('cookie', b.payer()).expect(201)
    await step('13:00')
    await phone(await a.cookie()).post(`${base}/clock-out`).expect(200)
    await step('14:00')
    await order(s, live.clock.now(), 200, { platform: 'alipay' })
    await step('18:00')
    await phone(await cc.cookie()).post(`${base}/clock-in`).expect(201)
    await step('19:00')
    await order(s, live.clock.now(), 300)
    await step('22:00')
    await request(server()).post(`/v1/public/pay/${code}/clock-out`).set('cookie', cc.payer()).expect(200)
    await step('23:00')
    await order(s, live.clock.now(), 50)

    const day = `${base}/handover?${range(at(12, '00:00'), at(13, '00:00'))}`
    const before = (await phone(await m.cookie()).get(day).expect(200)).body.data
    expect(before.map((w: any) => [w.staffName ?? '-', w.kind, w.from, w.to, w.paymentFen])).toEqual([
      ['A', 'closed', at(12, '08:00').toISOString(), at(12, '13:00').toISOString(), 1000],
      ['B', 'forgot_clock_out', at(12, '13:00').toISOString(), at(12, '18:00').toISOString(), 200],
      ['C', 'closed', at(12, '18:00').toISOString(), at(12, '22:00').toISOString(), 300],
      // Everyone who clocked in last has left: whoever clocks out next takes it.
      ['-', 'unassigned', at(12, '22:00').toISOString(), null, 50],
    ])

    // B remembers at 23:30: now an ordinary overlap, and the windows follow the clock-outs.
    await step('23:30')
    await phone(await b.cookie()).post(`${base}/clock-out`).expect(200)
    const after = (await phone(await m.cookie()).get(day).expect(200)).body.data
    expect(after.map((w: any) => [w.staffName ?? '-', w.kind, w.to, w.paymentFen])).toEqual([
      ['A', 'closed', at(12, '13:00').toISOString(), 1000],
      ['C', 'closed', at(12, '22:00').toISOString(), 500],
      ['B', 'closed', at(12, '23:30').toISOString(), 50],
      ['-', 'unassigned', null, 0],
    ])
  })
})

describe('printing a handover summary (H2: 可打印)', () => {
  it('prints one shift on the store\'s printer; a clerk only their own shift, another store nothing', async () => {
    const s = await shop(live, db(), c())
    const a = await person(s, '张三')
    const b = await person(s, '李四')
    const m = await person(s, '店长', 'store_manager')
    const base = `/v1/mobile/stores/${s.store.id}`
    live.clock.set(at(20, '09:00'))
    await phone(await a.cookie()).post(`${base}/clock-in`).expect(201)
    await order(s, at(20, '10:00'), 1234)
    live.clock.set(at(20, '12:00'))
    const shiftId = (await phone(await a.cookie()).post(`${base}/clock-out`).expect(200)).body.shift.id as string

    // No printer yet: the store is told so.
    expect((await phone(await m.cookie()).post(`${base}/handover/print`, { shiftId }).expect(409)).body.error.code).toBe('no_store_printer')
    const printer = (await c().sim<{ sn: string, key: string }>('devices', 'POST', '/__sim/devices', { vendor: 'feie' })).body
    await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: printer.sn, key: printer.key }).expect(201)

    // Another clerk may not print A's shift; A and the manager may.
    await phone(await b.cookie()).post(`${base}/handover/print`, { shiftId }).expect(404)
    const queued = await phone(await a.cookie()).post(`${base}/handover/print`, { shiftId }).expect(202)
    expect(queued.body.data).toEqual([expect.objectContaining({ printerId: expect.any(String), status: 'pending' })])
    await runDueJobs({ database: db(), clock: live.clock, handlers: live.services.jobHandlers, topics: [PRINT_TOPIC] })
    const printed = (await c().sim<{ printed: Array<{ content: string }> }>('devices', 'GET', `/__sim/devices/${printer.sn}`)).body.printed
    expect(printed).toHaveLength(1)
    expect(printed[0]?.content).toEqual(expect.stringContaining('交接班汇总'))
    expect(printed[0]?.content).toEqual(expect.stringContaining('张三'))
    expect(printed[0]?.content).toEqual(expect.stringContaining('12.34'))

    // The console prints it too; another tenant's console cannot reach the store.
    await s.owner.post(`/v1/stores/${s.store.id}/handover/print`, { shiftId }).expect(202)
    const other = await shop(live, db(), c())
    await other.owner.post(`/v1/stores/${s.store.id}/handover/print`, { shiftId }).expect(404)
    await phone(await m.cookie()).post(`${base}/handover/print`, { shiftId: 'shf_unknown' }).expect(404)
  })
})
