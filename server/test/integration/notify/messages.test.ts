import { randomInt } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import request from 'supertest'
import { fen } from '@yima/shared'
import { auditLog } from '../../../src/modules/audit'
import { deliveries, PAYMENT_TEMPLATE_TOPIC, SMS_TOPIC } from '../../../src/modules/notify'
import type { OrderRow } from '../../../src/modules/payments/payment.schema'
import { serviceProviders, staff, WX_SESSION_COOKIE } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { advance, clockIn, clockOut, shop, WECHAT_CODE, type Shop } from '../../helpers/payments'
import { consoleUser } from '../../factories/console'

/*
 * N1 payment messages and N2 the delivery ledger, against the sandbox: a paid one-code order
 * tells the store's on-duty, opted-in clerks (and managers who asked to hear off duty) by
 * template message on the SP's official account, falls back to SMS when the message cannot
 * arrive, and the merchant sees who was told and how.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const server = () => live.app.callback()
const oaAppId = (): string => c().sandbox.clients.wxmp.officialAccount.appId
const PAYER = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

interface Person { id: string, openid: string, phone: string, cookie: string }

/** A new clerk or manager of the store with their own WeChat user in the sandbox, activated under the SP's account. */
async function person (s: Shop, o: { role?: 'clerk' | 'store_manager', name?: string, phone?: string | null, activated?: boolean } = {}): Promise<Person> {
  const phone = o.phone === undefined ? `139${String(randomInt(0, 1e8)).padStart(8, '0')}` : o.phone
  const name = o.name ?? (o.role === 'store_manager' ? '店长' : '店员')
  const { body } = await s.owner.post(`/v1/stores/${s.store.id}/staff`, { name, role: o.role ?? 'clerk', ...(phone === null ? {} : { phone }) }).expect(201)
  return { id: body.id, phone: phone ?? '', ...await wechatUser(body.id, name, o.activated !== false) }
}

/** A sandbox WeChat user for the staff row, bound to it as activation would (unless `activated` is false). */
async function wechatUser (staffId: string, name: string, activated = true): Promise<{ openid: string, cookie: string }> {
  const user = await c().sim<{ openids: Record<string, { openid: string }> }>('wxmp', 'POST', '/__sim/wxmp/users', { nickname: name, phone: '13700000000' })
  const openid = user.body.openids[oaAppId()]?.openid ?? ''
  if (activated) await db().db.update(staff).set({ wxAppId: oaAppId(), wxOpenid: openid, activatedAt: new Date() }).where(eq(staff.id, staffId))
  return { openid, cookie: `${WX_SESSION_COOKIE}=${live.services.tokens.sign({ purpose: 'wx_session', appId: oaAppId(), openid }, 3600)}` }
}

/** The SP's account admin authorizes it to the platform (T3) with the given 权限集 (all offered by default). */
async function authorizeOa (s: Shop, func?: number[]): Promise<void> {
  const { body } = await s.owner.post(`/v1/service-providers/${s.spId}/official-account/authorization`).expect(200)
  const page = new URL(body.url)
  page.searchParams.set('appid', oaAppId())
  if (func !== undefined) page.searchParams.set('func', func.join(','))
  const back = new URL((await fetch(page, { redirect: 'manual' })).headers.get('location') ?? '')
  await request(server()).get(`${back.pathname}${back.search}`).expect(302)
}

const onDuty = async (s: Shop, p: Person): Promise<string> => await clockIn(db(), p.id, s.store, s.merchant.id)

/** A customer pays the store (or a staff-bound code) in WeChat: the order, the sandbox payment, its notification. */
async function pay (s: Shop, amountFen: number, o: { staffId?: string, qrCodeId?: string } = {}): Promise<OrderRow> {
  const { order } = await live.services.payments.create({
    merchantId: s.merchant.id,
    storeId: s.store.id,
    ...(o.staffId === undefined ? {} : { staffId: o.staffId }),
    ...(o.qrCodeId === undefined ? {} : { qrCodeId: o.qrCodeId }),
    sourceType: o.staffId === undefined ? 'one_code' : 'staff_outdoor_qr',
    tradeType: 'one_code',
    method: 'wechat_jsapi',
    amountFen: fen(amountFen),
    description: '一号店',
    payerId: PAYER,
  })
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo, openid: PAYER })).status).toBe(200)
  await c().sim('wxpay', 'POST', '/__sim/idle')
  return order
}

/** The message and SMS jobs that are due now. */
const deliver = async (): Promise<number> =>
  await runDueJobs({ database: db(), clock: live.clock, handlers: live.services.jobHandlers, topics: [PAYMENT_TEMPLATE_TOPIC, SMS_TOPIC] })

interface Inboxed { openid: string, template_id: string, data: Record<string, { value: string }> }
const inbox = async (p: Person): Promise<Inboxed[]> => (await c().sim<Inboxed[]>('wxmp', 'GET', `/__sim/wxmp/messages?openid=${p.openid}`)).body
const smsInbox = async (p: Person): Promise<Array<{ text: string, sessionContext: string }>> =>
  (await c().sim('sms', 'GET', `/__sim/sms/messages?phone=${p.phone}`)).body
const ledger = async (s: Shop, orderId: string): Promise<any[]> => (await s.owner.get(`/v1/orders/${orderId}/deliveries`).expect(200)).body.data
const switches = (p: Person, body: object): request.Test => request(server()).patch('/v1/mobile/staff/me/notifications').set('cookie', p.cookie).send(body)

describe('who is told of a payment (N1)', () => {
  it('tells the on-duty clerks who want it and the managers who asked to hear off duty, nobody else', async () => {
    const s = await shop(live, db(), c())
    const [onShift, offShift, optedOut, lateManager, manager, inactive] = [
      await person(s, { name: '王小明' }),
      await person(s, { name: '李下班' }),
      await person(s, { name: '赵不收' }),
      await person(s, { role: 'store_manager', name: '钱店长' }),
      await person(s, { role: 'store_manager', name: '孙店长' }),
      await person(s, { name: '周未激活', activated: false }),
    ] as [Person, Person, Person, Person, Person, Person]
    await onDuty(s, onShift)
    await clockOut(db(), await onDuty(s, offShift))
    await onDuty(s, optedOut)
    await onDuty(s, inactive)
    // The clerk turns messages off on their phone; one manager asks for them off duty too.
    expect((await switches(optedOut, { storeId: s.store.id, receiveMessages: false }).expect(200)).body).toEqual({
      staffId: optedOut.id, storeId: s.store.id, role: 'clerk', receiveMessages: false, receiveOffDuty: false,
    })
    await switches(lateManager, { storeId: s.store.id, receiveOffDuty: true }).expect(200)

    const order = await pay(s, 1234)
    expect(await deliver()).toBe(2)

    const [message, ...more] = await inbox(onShift)
    expect(more).toEqual([])
    const templateId = (await c().sim<Array<{ template_id: string, appid: string }>>('wxmp', 'GET', `/__sim/wxmp/templates?appid=${oaAppId()}`)).body[0]?.template_id
    expect(message).toMatchObject({
      openid: onShift.openid,
      template_id: templateId,
      data: {
        amount1: { value: '12.34元' },
        thing2: { value: '一号店' },
        phrase3: { value: '微信支付' },
        time4: { value: expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/) },
        character_string5: { value: order.outTradeNo.slice(-4) },
      },
    })
    expect(await inbox(lateManager)).toHaveLength(1)
    for (const p of [offShift, optedOut, manager, inactive]) expect(await inbox(p)).toEqual([])
    for (const p of [onShift, offShift, optedOut, lateManager, manager, inactive]) expect(await smsInbox(p)).toEqual([])

    // The ledger (N2): who was told, how, and that it arrived; openids masked.
    const rows = await ledger(s, order.id)
    expect(rows).toHaveLength(2)
    expect(rows.map((r) => r.recipient.name).sort()).toEqual(['王小明', '钱店长'])
    for (const r of rows) {
      expect(r).toMatchObject({ subject: 'payment', subjectId: order.id, channel: 'template', status: 'sent', attempts: 1, lastError: null, sentAt: expect.any(String) })
      expect(r.target).toMatch(/^o[\w-]{3}\*{4}[\w-]{4}$/)
    }
    expect(JSON.stringify(rows)).not.toContain(onShift.openid)
  })

  it('tells nobody of a counter payment (micropay): the cashier is looking at it', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s)
    await onDuty(s, clerk)
    const r = await s.owner.post('/v1/micropay', { storeId: s.store.id, authCode: WECHAT_CODE, amountFen: 500 }).expect(200)
    expect(await deliver()).toBe(0)
    expect(await ledger(s, r.body.id)).toEqual([])
  })

  it('tells only the clerk of a staff-bound code, and only while they are on duty', async () => {
    const s = await shop(live, db(), c())
    const [owner, colleague] = [await person(s, { name: '码主' }), await person(s, { name: '同事' })]
    const manager = await person(s, { role: 'store_manager' })
    await switches(manager, { storeId: s.store.id, receiveOffDuty: true }).expect(200)
    await onDuty(s, colleague)
    const code = (await s.owner.post(`/v1/stores/${s.store.id}/qr-codes`, { kind: 'staff', staffId: owner.id }).expect(201)).body

    // Off duty: the code's clerk is not told, and nobody else is either.
    const first = await pay(s, 300, { staffId: owner.id, qrCodeId: code.id })
    await deliver()
    expect(await ledger(s, first.id)).toEqual([])

    const shift = await onDuty(s, owner)
    const second = await pay(s, 800, { staffId: owner.id, qrCodeId: code.id })
    await deliver()
    expect((await ledger(s, second.id)).map((r) => [r.recipient.id, r.status])).toEqual([[owner.id, 'sent']])
    expect((await inbox(owner)).map((m) => m.data.amount1?.value)).toEqual(['8.00元'])
    expect(await inbox(colleague)).toEqual([])
    expect(await inbox(manager)).toEqual([])
    await clockOut(db(), shift)
  })

  it('tells each person once, however often the payment is notified', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s)
    await onDuty(s, clerk)
    const order = await pay(s, 990)
    // WeChat notifies again (its retries), and the paid event is raised again: no second row, no second message.
    const sent = (await c().sim<Array<{ url: string, request: { headers: Record<string, string>, body: string } }>>('wxpay', 'GET', '/__sim/notifications')).body
      .filter((n) => n.url.endsWith(`/${order.id}`))
    expect(sent.length).toBeGreaterThan(0)
    for (let i = 0; i < 2; i++) {
      const req = request(server()).post(`/hooks/wechat_pay/${order.id}`)
      for (const [k, v] of Object.entries(sent[0]?.request.headers ?? {})) if (!['content-length', 'host'].includes(k.toLowerCase())) req.set(k, v)
      expect((await req.send(sent[0]?.request.body)).status).toBe(204)
    }
    const paid = await live.services.payments.byOutTradeNo(order.outTradeNo)
    expect(await db().db.transaction(async (tx) => await live.services.messages.enqueue(tx, paid as OrderRow))).toEqual([])
    await deliver()
    await deliver()
    expect(await inbox(clerk)).toHaveLength(1)
    expect(await ledger(s, order.id)).toHaveLength(1)
  })
})

describe('when the template message cannot arrive', () => {
  it('sends an SMS to a clerk who does not follow the official account, and fails without a phone', async () => {
    const s = await shop(live, db(), c())
    const [unfollowed, noPhone] = [await person(s, { name: '没关注' }), await person(s, { name: '没手机', phone: null })]
    for (const p of [unfollowed, noPhone]) {
      await onDuty(s, p)
      await c().sim('wxmp', 'POST', '/__sim/wxmp/subscriptions', { openid: p.openid, subscribed: false })
    }
    const order = await pay(s, 1250)
    // The template jobs, then the SMS job they handed over to.
    expect(await deliver()).toBe(3)
    expect(await inbox(unfollowed)).toEqual([])
    const [text, ...others] = await smsInbox(unfollowed)
    expect(others).toEqual([])
    expect(text).toMatchObject({ text: `【yima】一号店收款12.50元，支付方式微信支付，订单尾号${order.outTradeNo.slice(-4)}。` })

    const rows = await ledger(s, order.id)
    const of = (p: Person, channel: string) => rows.find((r) => r.recipient.id === p.id && r.channel === channel)
    expect(of(unfollowed, 'template')).toMatchObject({ status: 'fallback', attempts: 1, lastError: '微信 43004：店员未关注服务商公众号' })
    expect(of(unfollowed, 'sms')).toMatchObject({ status: 'sent', attempts: 1, target: `${unfollowed.phone.slice(0, 3)}****${unfollowed.phone.slice(-4)}`, recipient: { name: '没关注' } })
    expect(text?.sessionContext).toBe(of(unfollowed, 'sms')?.id)
    expect(of(noPhone, 'template')).toMatchObject({ status: 'failed', lastError: '微信 43004：店员未关注服务商公众号；店员没有手机号，无法改发短信' })
    expect(of(noPhone, 'sms')).toBeUndefined()
    expect(rows).toHaveLength(3)
  })

  it('retries a busy WeChat within two minutes, then falls back to SMS', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s)
    await onDuty(s, clerk)
    // Busy once: the second try (10 s later) arrives.
    await c().sim('wxmp', 'POST', '/__sim/faults', { route: 'wxmp:template', mode: '5xx', count: 1 })
    const once = await pay(s, 100)
    await deliver()
    expect((await ledger(s, once.id))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: '微信 -1：微信系统繁忙' })
    live.clock.advance(9_000)
    expect(await deliver()).toBe(0)
    live.clock.advance(1_000)
    await deliver()
    expect((await ledger(s, once.id))[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null })

    // Busy throughout: four tries (now, +10 s, +30 s, +60 s), then the SMS.
    await c().sim('wxmp', 'POST', '/__sim/faults', { route: 'wxmp:template', mode: '5xx', count: 4 })
    const busy = await pay(s, 200)
    for (const wait of [0, 10_000, 30_000, 60_000]) {
      live.clock.advance(wait)
      await deliver()
    }
    const rows = await ledger(s, busy.id)
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([['template', 'fallback', 4], ['sms', 'sent', 1]])
    expect(rows[0].lastError).toBe('微信 -1：微信系统繁忙')
    expect((await smsInbox(clerk)).map((m) => m.text)).toEqual([expect.stringContaining('收款2.00元')])
    expect((await inbox(clerk)).map((m) => m.data.amount1?.value)).toEqual(['1.00元'])
  })

  it('gets a new access token when WeChat no longer takes the cached one', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s)
    await onDuty(s, clerk)
    await pay(s, 100)
    await deliver()
    // The SP's own server forces a new stable token: the one yima cached stops working at once (40001).
    const oa = c().sandbox.clients.wxmp.officialAccount
    const forced = await fetch(`${c().sandbox.clients.wxmp.apiBaseUrl}/cgi-bin/stable_token`, {
      method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: oa.appId, secret: oa.appSecret, force_refresh: true }),
    })
    expect(await forced.json()).toMatchObject({ access_token: expect.any(String) })
    const afterRefresh = await pay(s, 200)
    await deliver()
    expect((await ledger(s, afterRefresh.id))[0]).toMatchObject({ status: 'sent', attempts: 1 })
    // Two hours later (on both sides) the token has expired; a fresh one is fetched.
    await advance(live, c(), 7200)
    const later = await pay(s, 300)
    await deliver()
    // (The console session has expired by now too: read the row itself.)
    expect(await db().db.select().from(deliveries).where(eq(deliveries.subjectId, later.id))).toMatchObject([{ status: 'sent', attempts: 1 }])
    expect((await inbox(clerk)).map((m) => m.data.amount1?.value)).toEqual(['1.00元', '2.00元', '3.00元'])
  })

  it('sends on the SP\'s behalf once its account authorized the platform, and needs 群发与通知 for it', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s)
    await onDuty(s, clerk)
    // The SP's admin authorizes the account to the platform (T3) without 群发与通知 (7), and the SP never gave its AppSecret.
    await db().db.update(serviceProviders).set({ wxOaSecretSealed: null }).where(eq(serviceProviders.id, s.spId))
    await authorizeOa(s, [1, 2, 3, 4])
    const refused = await pay(s, 100)
    await deliver()
    expect((await ledger(s, refused.id)).map((r) => [r.channel, r.status, r.lastError])).toEqual([
      ['template', 'fallback', '服务商公众号未授权给平台（群发与通知权限），也未填写 AppSecret'],
      ['sms', 'sent', null],
    ])
    // With it, the message goes out on an authorizer_access_token.
    await authorizeOa(s)
    const order = await pay(s, 200)
    await deliver()
    expect((await ledger(s, order.id)).map((r) => [r.channel, r.status])).toEqual([['template', 'sent']])
    expect((await inbox(clerk)).map((m) => m.data.amount1?.value)).toEqual(['2.00元'])
  })

  it('records an SMS the operator refuses, and retries a busy SMS gateway', async () => {
    const s = await shop(live, db(), c())
    const [limited, busy] = [await person(s, { name: '超限' }), await person(s, { name: '网关忙' })]
    for (const p of [limited, busy]) {
      await onDuty(s, p)
      await c().sim('wxmp', 'POST', '/__sim/wxmp/subscriptions', { openid: p.openid, subscribed: false })
    }
    await c().sim('sms', 'POST', '/__sim/sms/failures', { phone: limited.phone, code: 'LimitExceeded.PhoneNumberDailyLimit' })
    await c().sim('sms', 'POST', '/__sim/sms/failures', { phone: busy.phone, code: 'InternalError.Timeout' })
    const order = await pay(s, 660)
    await deliver()
    live.clock.advance(10_000)
    await deliver()
    const sms = (p: Person) => ledger(s, order.id).then((rows) => rows.find((r) => r.channel === 'sms' && r.recipient.id === p.id))
    expect(await sms(limited)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/^短信 LimitExceeded\.PhoneNumberDailyLimit：/) })
    expect(await sms(busy)).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
    expect(await smsInbox(limited)).toEqual([])
    expect(await smsInbox(busy)).toHaveLength(1)
  })
})

describe('message switches (N1, S2)', () => {
  it('lets a clerk switch messages and a manager also choose off duty, audited', async () => {
    const s = await shop(live, db(), c())
    const clerk = await person(s)
    const manager = await person(s, { role: 'store_manager' })
    expect((await request(server()).get(`/v1/mobile/staff/me/notifications?storeId=${s.store.id}`).set('cookie', clerk.cookie).expect(200)).body)
      .toEqual({ staffId: clerk.id, storeId: s.store.id, role: 'clerk', receiveMessages: true, receiveOffDuty: false })
    await switches(clerk, { storeId: s.store.id, receiveOffDuty: true }).expect(403).expect((r) => { expect(r.body.error).toMatchObject({ code: 'notify_setting_not_permitted', param: 'receiveOffDuty' }) })
    await switches(clerk, { storeId: s.store.id }).expect(400)
    await switches(clerk, { storeId: s.store.id, receiveMessages: false }).expect(200)
    await switches(clerk, { storeId: s.store.id, receiveMessages: true }).expect(200)
    expect((await switches(manager, { storeId: s.store.id, receiveOffDuty: true, receiveMessages: true }).expect(200)).body)
      .toMatchObject({ role: 'store_manager', receiveMessages: true, receiveOffDuty: true })
    // Only their own switches, only at their own store.
    const other = await shop(live, db(), c())
    await switches(clerk, { storeId: other.store.id, receiveMessages: false }).expect(404)
    await request(server()).patch('/v1/mobile/staff/me/notifications').send({ storeId: s.store.id, receiveMessages: false }).expect(401)

    const entries = await db().db.select().from(auditLog).where(and(eq(auditLog.action, 'staff.notifications_changed'), eq(auditLog.targetId, clerk.id)))
    expect(entries.map((e) => [e.actorId, e.actorKind, e.changes])).toEqual([
      [clerk.id, 'staff', { receiveMessages: [true, false] }],
      [clerk.id, 'staff', { receiveMessages: [false, true] }],
    ])
  })
})

describe('the delivery ledger (N2)', () => {
  it('is the merchant\'s: admins and the store\'s manager see it, clerks and other tenants do not', async () => {
    const s = await shop(live, db(), c())
    const [clerk, manager] = [await person(s, { name: '店员甲' }), await person(s, { role: 'store_manager' })]
    await onDuty(s, clerk)
    const order = await pay(s, 100)
    await deliver()
    const get = (p: Person): request.Test => request(server()).get(`/v1/mobile/orders/${order.id}/deliveries`).set('cookie', p.cookie)
    expect((await get(manager).expect(200)).body).toMatchObject({ object: 'list', hasMore: false, data: [{ channel: 'template', status: 'sent', recipient: { kind: 'staff', id: clerk.id, name: '店员甲' } }] })
    await get(clerk).expect(403)
    const admin = await wechatUser(s.adminId, '商户管理员')
    expect((await request(server()).get(`/v1/mobile/orders/${order.id}/deliveries`).set('cookie', admin.cookie).expect(200)).body.data).toHaveLength(1)

    const stranger = await consoleUser(live.app, db())
    await stranger.get(`/v1/orders/${order.id}/deliveries`).expect(404)
    const elsewhere = await shop(live, db(), c())
    const otherManager = await person(elsewhere, { role: 'store_manager' })
    await get(otherManager).expect(404)
    expect(await db().db.select().from(deliveries).where(eq(deliveries.subjectId, order.id))).toHaveLength(1)
  })
})
