import { eq } from 'drizzle-orm'
import request from 'supertest'
import type { LedgerEntryDto, MemberDto } from '@yima/shared'
import { WALLET_SYNC_TOPIC } from '../../../src/modules/cards/balances'
import { cardLedger, cardMembers } from '../../../src/modules/cards/cards.schema'
import { orders } from '../../../src/modules/payments/payment.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { advance, runPaymentJobs, sandboxIdle, staffPhone } from '../../helpers/payments'
import { activeMember, cardCustomer, cardWorld, WECHAT_UA, type CardWorld } from '../../factories/cards'

/*
 * The membership card (M1–M5) against the sandbox's card wallet and WeChat Pay: setup and review,
 * claim and activation, recharges that are real payments (credited only when paid, never past the
 * cap), balance payments under concurrency, refunds of balance payments, the merchant's side on
 * the phone (search, ledgers, adjustments, legacy import) and who may see what.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => {
  const urls = channels.get().sandbox.urls
  live = await startLiveApp(database.get(), channels.get(), {
    payBridgeScripts: { wechat: `${urls.wxpay}/__sim/bridge/weixin.js`, alipay: `${urls.alipay}/__sim/bridge/alipay.js` },
  })
})
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const server = () => live.app.callback()
const db = () => database.get().db
const as = (cookie: string) => ({
  get: (path: string) => request(server()).get(path).set('cookie', cookie).set('user-agent', WECHAT_UA),
  post: (path: string, body: object, key?: string) => {
    const r = request(server()).post(path).set('cookie', cookie).set('user-agent', WECHAT_UA)
    if (key !== undefined) r.set('idempotency-key', key)
    return r.send(body)
  },
})

/** Recharges and pays the order in the sandbox as the customer; waits for the notification. */
async function paidRecharge (w: CardWorld, customer: { cookie: string, openid: string }, amountFen: number, code?: string): Promise<string> {
  const created = await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen, ...(code === undefined ? {} : { code }) }).expect(201)
  const prepayId = String(created.body.bridge.package).replace('prepay_id=', '')
  await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { prepay_id: prepayId, openid: customer.openid })
  await sandboxIdle(channels.get())
  return created.body.orderId as string
}

async function member (id: string) {
  const [m] = await db().select().from(cardMembers).where(eq(cardMembers.id, id))
  if (m === undefined) throw new Error(`no member ${id}`)
  return m
}
const entries = async (memberId: string) => await db().select().from(cardLedger).where(eq(cardLedger.memberId, memberId))

describe('setup and the card (M1, M2)', () => {
  it('syncs the card sub-merchant, creates the card for it, follows its review and shows the claim links once approved', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    expect(w.card).toMatchObject({ status: 'approved', title: '好味储值卡', rechargeMode: 'fixed', balanceCapFen: 200_000, memberCount: 0, totalBalanceFen: 0 })
    expect(w.card.claimUrl).toBe(`${live.url}/card/${w.card.id}`)
    expect(w.card.rechargeUrl).toBe(`${live.url}/card/${w.card.id}?recharge=1`)
    const { body } = await w.owner.get(`/v1/merchants/${w.merchant.id}/member-card`).expect(200)
    expect(body.setup).toEqual({ cardPermission: true, cardSubMerchantId: String(w.subMerchantId), cardSubMerchantStatus: 'APPROVED', cardSubMerchantReason: null, syncedAt: expect.any(String) })
    // WeChat holds the card for that sub-merchant, pointing its wallet entries at yima's card page.
    const wx = (await channels.get().sim('wxmp', 'GET', `/__sim/wxmp/cards/${w.card.wxCardId}`)).body
    expect(wx.member_card.base_info).toMatchObject({ title: '好味储值卡', sub_merchant_info: { merchant_id: w.subMerchantId }, status: 'CARD_STATUS_VERIFY_OK' })
    expect(wx.member_card.supply_balance).toBe(true)
    expect(JSON.stringify(wx)).toContain(`${live.url}/card/${w.card.id}`)

    // Editing the face goes back to review; the rules are checked on the card after the edit.
    await w.owner.patch(`/v1/merchants/${w.merchant.id}/member-card`, { rechargeMode: 'any' }).expect(400)
    const edited = await w.owner.patch(`/v1/merchants/${w.merchant.id}/member-card`, { title: '好味金卡', rechargeMode: 'any', tiers: [] }).expect(200)
    expect(edited.body).toMatchObject({ title: '好味金卡', rechargeMode: 'any', tiers: [], status: 'reviewing', claimUrl: null })
    await w.owner.post(`/v1/merchants/${w.merchant.id}/member-card`, { ...edited.body }).expect(409)
  })

  it('refuses a card before the sub-merchant is approved, and an unknown sub-merchant id', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    await w.owner.put(`/v1/merchants/${w.merchant.id}/member-card/sub-merchant`, { cardSubMerchantId: '999999' }).expect(400)
      .expect((r) => { expect(r.body.error).toMatchObject({ code: 'card_sub_merchant_not_found', param: 'cardSubMerchantId' }) })
    await w.owner.put(`/v1/merchants/${w.merchant.id}/member-card/sub-merchant`, { cardSubMerchantId: 'abc' }).expect(400)
  })

  it('deletes the card only when every balance is zero', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer)
    await paidRecharge(w, customer, 10_000)
    await w.owner.del(`/v1/merchants/${w.merchant.id}/member-card`).expect(409)
      .expect((r) => { expect(r.body.error.code).toBe('member_card_has_balance') })
    const admin = await staffPhone(live, database.get(), channels.get(), { staffId: w.adminId })
    const base = `/v1/mobile/merchants/${w.merchant.id}/members/${m.id}/adjustments`
    await request(server()).post(base).set('cookie', admin.cookie).send({ pot: 'principal', amountFen: -10_000, reason: '顾客退卡，线下退款' }).expect(201)
    await request(server()).post(base).set('cookie', admin.cookie).send({ pot: 'bonus', amountFen: -1_000, reason: '顾客退卡' }).expect(201)
    await w.owner.del(`/v1/merchants/${w.merchant.id}/member-card`).expect(204)
    expect((await w.owner.get(`/v1/merchants/${w.merchant.id}/member-card`).expect(200)).body.card).toBeNull()
    expect((await channels.get().sim('wxmp', 'GET', `/__sim/wxmp/cards/${w.card.wxCardId}`)).body.member_card.base_info.status).toBe('CARD_STATUS_DELETE')
  })
})

describe('the customer (M3)', () => {
  it('claims through batchAddCard, activates, recharges a tier with its bonus at a store, pays with the balance, and sees it all in the ledger', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const page = (await as(customer.cookie).get(`/v1/public/cards/${w.card.id}`).expect(200)).body
    expect(page).toMatchObject({ payerKnown: true, platform: 'wechat', available: true, member: null, merchantName: w.merchant.shortName })

    // wx.addCard through the sandbox bridge: the card_ext yima signed for this customer's openid.
    const params = (await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/add-card-params`, {}).expect(200)).body
    expect(JSON.parse(params.cardExt)).toMatchObject({ openid: customer.openid })
    const added = await channels.get().sim('wxmp', 'POST', '/__sim/wxmp/bridge/add-card', { card_list: [{ card_id: params.cardId, card_ext: params.cardExt }] })
    expect(added.body.err_msg).toBe('batch_add_card:ok')
    // As WeChat's client answers it: card_list is a JSON string.
    const encryptCode = (JSON.parse(added.body.card_list as string) as Array<{ code: string }>)[0]?.code ?? ''
    const claimed = (await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/claims`, { encryptCode }).expect(201)).body as MemberDto
    expect(claimed).toMatchObject({ state: 'claimed', balanceFen: 0 })
    // Someone else's code (or a forged one) is not this customer's card.
    const other = await cardCustomer(live, channels.get(), w.card.id, 1)
    await as(other.cookie).post(`/v1/public/cards/${w.card.id}/claims`, { encryptCode }).expect(409)
    await as(other.cookie).post(`/v1/public/cards/${w.card.id}/claims`, { encryptCode: 'forged' }).expect(502)

    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen: 10_000 }).expect(409)
      .expect((r) => { expect(r.body.error.code).toBe('member_not_active') })
    const active = (await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/activation`, { name: '陈小姐', phone: '13912345678' }).expect(200)).body
    expect(active).toMatchObject({ state: 'active', name: '陈小姐', phone: '13912345678' })

    // A tier that is not offered is refused; the tier's bonus comes with it once paid, under the store.
    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen: 12_345 }).expect(400)
    const orderId = await paidRecharge(w, customer, 10_000, w.storeCode)
    const status = (await as(customer.cookie).get(`/v1/public/cards/${w.card.id}/recharges/${orderId}`).expect(200)).body
    expect(status).toMatchObject({ status: 'credited', amountFen: 10_000, bonusFen: 1_000, member: { principalFen: 10_000, bonusFen: 1_000, balanceFen: 11_000 } })
    const [order] = await db().select().from(orders).where(eq(orders.id, orderId))
    expect(order).toMatchObject({ sourceType: 'card_recharge', storeId: w.store.id, status: 'succeeded' })

    // Balance payment at the store code: drawn in proportion (10:1).
    const paid = (await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/payments`, { code: w.storeCode, amountFen: 5_500 }, 'pay-1').expect(201)).body
    expect(paid.payment).toMatchObject({ amountFen: 5_500, principalFen: 5_000, bonusFen: 500, storeName: '科技园店' })
    expect(paid.member).toMatchObject({ principalFen: 5_000, bonusFen: 500, balanceFen: 5_500 })
    // The same tap again changes nothing.
    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/payments`, { code: w.storeCode, amountFen: 5_500 }, 'pay-1').expect(201)
    expect((await member(claimed.id)).principalFen).toBe(5_000)

    const ledger = (await as(customer.cookie).get(`/v1/public/cards/${w.card.id}/ledger`).expect(200)).body.data as LedgerEntryDto[]
    expect(ledger.map((e) => [e.kind, e.pot, e.amountFen, e.storeName])).toEqual([
      ['payment', 'bonus', -500, '科技园店'],
      ['payment', 'principal', -5_000, '科技园店'],
      ['recharge_bonus', 'bonus', 1_000, '科技园店'],
      ['recharge', 'principal', 10_000, '科技园店'],
    ])
    // Another day's ledger is empty.
    expect((await as(customer.cookie).get(`/v1/public/cards/${w.card.id}/ledger?date=2020-01-01`).expect(200)).body.data).toEqual([])

    // The wallet shows the ledger's balance once the job ran.
    await runDueJobs({ database: database.get(), clock: live.clock, handlers: live.services.jobHandlers, topics: [WALLET_SYNC_TOPIC] })
    const codes = (await channels.get().sim('wxmp', 'GET', `/__sim/wxmp/cards/${w.card.wxCardId}`)).body.codes as Array<{ openid: string, balance: number, has_active: boolean }>
    expect(codes.find((c) => c.openid === customer.openid)).toMatchObject({ balance: 5_500, has_active: true })

    // The pay page offers the card to its holder.
    const payPage = (await as(customer.cookie).get(`/v1/public/pay/${w.storeCode}`).expect(200)).body
    expect(payPage.memberCard).toEqual({ id: w.card.id, title: '好味储值卡', balanceFen: 5_500, active: true })
  })

  it('recharges from the card link go to the online store; a disabled store takes no card; Alipay is told the card is WeChat-only', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer)
    await paidRecharge(w, customer, 50_000)
    expect((await entries(m.id)).map((e) => e.storeId)).toEqual([null, null])
    const ledger = (await as(customer.cookie).get(`/v1/public/cards/${w.card.id}/ledger`).expect(200)).body.data as LedgerEntryDto[]
    expect(ledger.map((e) => e.storeName)).toEqual(['线上门店', '线上门店'])

    await w.owner.patch(`/v1/stores/${w.store.id}`, { memberCardEnabled: false }).expect(200)
    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/payments`, { code: w.storeCode, amountFen: 100 }).expect(409)
      .expect((r) => { expect(r.body.error.code).toBe('member_card_disabled_at_store') })
    expect((await as(customer.cookie).get(`/v1/public/pay/${w.storeCode}`).expect(200)).body.memberCard).toBeUndefined()

    const alipay = await request(server()).get(`/v1/public/cards/${w.card.id}`).set('user-agent', 'Mozilla/5.0 AlipayClient/10.5.86').expect(200)
    expect(alipay.body).toMatchObject({ platform: 'alipay', payerKnown: false, member: null })
  })

  it('a recharge whose payment never happens credits nothing and frees its room under the cap', async () => {
    const w = await cardWorld(live, database.get(), channels.get(), { card: { rechargeMode: 'any', tiers: [], balanceCapFen: 30_000 } })
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer)
    const pending = await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen: 20_000 }).expect(201)
    // The unpaid recharge holds its room: another 20,000 would pass the cap.
    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen: 20_000 }).expect(409)
      .expect((r) => { expect(r.body.error.code).toBe('balance_cap_exceeded') })
    await advance(live, channels.get(), 16 * 60)
    await runPaymentJobs(live, database.get())
    const status = (await as(customer.cookie).get(`/v1/public/cards/${w.card.id}/recharges/${pending.body.orderId}`).expect(200)).body
    expect(status).toMatchObject({ status: 'failed', member: { balanceFen: 0 } })
    expect(await entries(m.id)).toEqual([])
    // Its room is free again.
    await paidRecharge(w, customer, 20_000)
    expect((await member(m.id)).principalFen).toBe(20_000)
    // Past the cap: refused, before any order exists.
    const before = (await db().select().from(orders)).length
    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen: 10_001 }).expect(409)
    expect((await db().select().from(orders)).length).toBe(before)
  })

  it('50 concurrent balance payments never overdraw the balance', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer)
    await paidRecharge(w, customer, 10_000) // 10,000 principal + 1,000 bonus
    const results = await Promise.all(Array.from({ length: 50 }, async (_, i) =>
      (await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/payments`, { code: w.storeCode, amountFen: 300 }, `p-${i}`)).status))
    expect(results.filter((s) => s === 201)).toHaveLength(36) // 36 × 300 = 10,800 ≤ 11,000 < 37 × 300
    expect(results.filter((s) => s === 409)).toHaveLength(14)
    const after = await member(m.id)
    expect(after.principalFen + after.bonusFen).toBe(200)
    expect(after.principalFen).toBeGreaterThanOrEqual(0)
    expect(after.bonusFen).toBeGreaterThanOrEqual(0)
    // The ledger adds up to the balance, pot by pot.
    const all = await entries(m.id)
    expect(all.filter((e) => e.pot === 'principal').reduce((s, e) => s + e.amountFen, 0)).toBe(after.principalFen)
    expect(all.filter((e) => e.pot === 'bonus').reduce((s, e) => s + e.amountFen, 0)).toBe(after.bonusFen)
  })
})

describe('the merchant on the phone (M4)', () => {
  it('refunds a balance payment back into the pots it came from, never more than was paid', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer)
    await paidRecharge(w, customer, 10_000)
    const paid = (await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/payments`, { code: w.storeCode, amountFen: 5_500 }).expect(201)).body.payment
    const admin = await staffPhone(live, database.get(), channels.get(), { staffId: w.adminId })
    const refund = (amountFen: number, key: string) => request(server()).post(`/v1/mobile/merchants/${w.merchant.id}/card-payments/${paid.id}/refunds`)
      .set('cookie', admin.cookie).set('idempotency-key', key).send({ amountFen, reason: '退菜' })
    const first = (await refund(1_100, 'r1').expect(201)).body
    expect(first.payment).toMatchObject({ refundedFen: 1_100 })
    expect(first.member).toMatchObject({ principalFen: 6_000, bonusFen: 600 })
    await refund(4_401, 'r2').expect(409).expect((r) => { expect(r.body.error.code).toBe('refund_exceeds_payment') })
    const rest = (await refund(4_400, 'r3').expect(201)).body
    // Exactly what the payment drew comes back.
    expect(rest.member).toMatchObject({ principalFen: 10_000, bonusFen: 1_000 })
    const refundEntries = (await entries(m.id)).filter((e) => e.kind === 'payment_refund')
    expect(refundEntries.map((e) => [e.pot, e.amountFen, e.operatorName])).toEqual(expect.arrayContaining([['principal', 1_000, expect.any(String)], ['bonus', 100, expect.any(String)], ['principal', 4_000, expect.any(String)], ['bonus', 400, expect.any(String)]]))
  })

  it('refuses to refund a recharge order through the order refund flow: that money is a balance now', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer)
    const orderId = await paidRecharge(w, customer, 10_000)
    await w.owner.post(`/v1/orders/${orderId}/refunds`, { amountFen: 10_000, reason: '退款' }).expect(409)
      .expect((r) => { expect(r.body.error.code).toBe('card_recharge_not_refundable') })
    expect(await member(m.id)).toMatchObject({ principalFen: 10_000, bonusFen: 1_000 })
  })

  it('searches members, shows ledgers by member and by phone, adjusts balances with a reason and the operator, within the cap', async () => {
    const w = await cardWorld(live, database.get(), channels.get(), { card: { balanceCapFen: 20_000, tiers: [{ amountFen: 10_000, bonusFen: 1_000 }] } })
    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer, { name: '陈小姐', phone: '13912345678' })
    const manager = await staffPhone(live, database.get(), channels.get(), { storeId: w.store.id, role: 'store_manager', owner: w.owner })
    const phone = (path: string) => request(server()).get(`/v1/mobile/merchants/${w.merchant.id}${path}`).set('cookie', manager.cookie)
    expect((await phone('/members?q=139123').expect(200)).body.data.map((x: MemberDto) => x.id)).toEqual([m.id])
    expect((await phone(`/members?q=${encodeURIComponent('陈')}`).expect(200)).body.data.map((x: MemberDto) => x.id)).toEqual([m.id])
    expect((await phone('/members?q=13800').expect(200)).body.data).toEqual([])
    await phone('/members?q=').expect(400)

    const adjust = (body: object, key: string) => request(server()).post(`/v1/mobile/merchants/${w.merchant.id}/members/${m.id}/adjustments`)
      .set('cookie', manager.cookie).set('idempotency-key', key).send(body)
    const up = (await adjust({ pot: 'principal', amountFen: 5_000, reason: '补录线下充值' }, 'a1').expect(201)).body
    expect(up.member).toMatchObject({ principalFen: 5_000 })
    expect(up.entries).toEqual([expect.objectContaining({ kind: 'adjustment', pot: 'principal', amountFen: 5_000, reason: '补录线下充值', operatorName: '店长' })])
    await adjust({ pot: 'principal', amountFen: 5_000, reason: '补录线下充值' }, 'a1').expect(201) // replayed, not applied twice
    await adjust({ pot: 'bonus', amountFen: -1, reason: '扣减' }, 'a2').expect(409).expect((r) => { expect(r.body.error.code).toBe('balance_insufficient') })
    await adjust({ pot: 'bonus', amountFen: 15_001, reason: '超上限' }, 'a3').expect(409).expect((r) => { expect(r.body.error.code).toBe('balance_cap_exceeded') })
    await adjust({ pot: 'bonus', amountFen: 100 }, 'a4').expect(400)
    // Recharges respect the cap too: 5,000 + 11,000 ≤ 20,000, then no more.
    await paidRecharge(w, customer, 10_000)
    await as(customer.cookie).post(`/v1/public/cards/${w.card.id}/recharges`, { amountFen: 10_000 }).expect(409)

    const byMember = (await phone(`/members/${m.id}/ledger?limit=2`).expect(200)).body
    expect(byMember.data.map((e: LedgerEntryDto) => e.kind)).toEqual(['recharge_bonus', 'recharge'])
    const next = (await phone(`/members/${m.id}/ledger?limit=2&cursor=${byMember.nextCursor as string}`).expect(200)).body
    expect(next.data.map((e: LedgerEntryDto) => e.kind)).toEqual(['adjustment'])
    expect(next.hasMore).toBe(false)
    expect((await phone('/member-ledger?phone=13912345678').expect(200)).body.data).toHaveLength(3)
    await phone('/member-ledger?phone=13800000000').expect(404)
    await phone('/member-ledger?phone=123').expect(400)
  })

  it('imports legacy balances all or nothing, and the owner of an imported phone gets its balance on activation', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const admin = await staffPhone(live, database.get(), channels.get(), { staffId: w.adminId })
    const imp = (csv: string) => request(server()).post(`/v1/mobile/merchants/${w.merchant.id}/members/import`).set('cookie', admin.cookie).send({ csv })
    const bad = await imp('手机号,姓名,本金,赠送金\n13700000001,老王,100.00,10\n1370000000,短号,1,\n13700000001,重复,1,\n13700000003,负数,-1,\n13700000004,超额,2000.01,\n13700000005,小数,1.234,\n').expect(400)
    expect(bad.body.error).toMatchObject({ code: 'import_rejected' })
    expect(bad.body.error.details.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4, 5, 6, 7])
    expect(await db().select().from(cardMembers).where(eq(cardMembers.merchantId, w.merchant.id))).toEqual([])
    await imp('姓名,手机号\n').expect(400)

    const ok = (await imp('\uFEFF手机号,姓名,本金,赠送金\r\n13700000001,老王,100.00,10\r\n13700000002,小李,0.5,\r\n').expect(201)).body
    expect(ok).toEqual({ imported: 2, principalFen: 10_050, bonusFen: 1_000 })
    // Importing the same phones again is refused as a whole.
    expect((await imp('手机号,姓名,本金,赠送金\n13700000001,老王,1,\n').expect(400)).body.error.details.rejected).toEqual([{ line: 2, phone: '13700000001', reason: '该手机号已是会员' }])
    // Store managers may not import.
    const manager = await staffPhone(live, database.get(), channels.get(), { storeId: w.store.id, role: 'store_manager', owner: w.owner })
    await request(server()).post(`/v1/mobile/merchants/${w.merchant.id}/members/import`).set('cookie', manager.cookie).send({ csv: '手机号,姓名,本金,赠送金\n' }).expect(403)

    const customer = await cardCustomer(live, channels.get(), w.card.id)
    const m = await activeMember(live, channels.get(), w, customer, { phone: '13700000001', name: '王先生' })
    const merged = (await as(customer.cookie).get(`/v1/public/cards/${w.card.id}`).expect(200)).body.member
    expect(merged).toMatchObject({ state: 'active', phone: '13700000001', name: '王先生', principalFen: 10_000, bonusFen: 1_000 })
    expect(merged.id).not.toBe(m.id)
    const codes = (await channels.get().sim('wxmp', 'GET', `/__sim/wxmp/cards/${w.card.wxCardId}`)).body.codes as Array<{ openid: string, balance: number }>
    expect(codes.find((c) => c.openid === customer.openid)?.balance).toBe(11_000)
  })
})

describe('tenancy', () => {
  it('keeps one merchant\'s card, members and payments from every other merchant, SP and clerk', async () => {
    const a = await cardWorld(live, database.get(), channels.get())
    const b = await cardWorld(live, database.get(), channels.get())
    const customer = await cardCustomer(live, channels.get(), a.card.id)
    const m = await activeMember(live, channels.get(), a, customer)
    await paidRecharge(a, customer, 10_000)
    const paid = (await as(customer.cookie).post(`/v1/public/cards/${a.card.id}/payments`, { code: a.storeCode, amountFen: 100 }).expect(201)).body.payment

    // Console: another SP's account sees no card of A's merchant.
    await b.owner.get(`/v1/merchants/${a.merchant.id}/member-card`).expect(404)
    await b.owner.patch(`/v1/merchants/${a.merchant.id}/member-card`, { title: '改名' }).expect(404)
    await b.owner.del(`/v1/merchants/${a.merchant.id}/member-card`).expect(404)

    // Phones: B's admin cannot reach A's merchant, nor A's ids through B's merchant.
    const bAdmin = await staffPhone(live, database.get(), channels.get(), { staffId: b.adminId })
    const get = (cookie: string, path: string) => request(server()).get(path).set('cookie', cookie)
    await get(bAdmin.cookie, `/v1/mobile/merchants/${a.merchant.id}/members?q=139`).expect(404)
    await get(bAdmin.cookie, `/v1/mobile/merchants/${b.merchant.id}/members/${m.id}`).expect(404)
    await get(bAdmin.cookie, `/v1/mobile/merchants/${b.merchant.id}/card-payments/${paid.id}`).expect(404)
    await request(server()).post(`/v1/mobile/merchants/${b.merchant.id}/members/${m.id}/adjustments`).set('cookie', bAdmin.cookie).send({ amountFen: 1, reason: 'x' }).expect(404)
    await request(server()).post(`/v1/mobile/merchants/${b.merchant.id}/card-payments/${paid.id}/refunds`).set('cookie', bAdmin.cookie).send({ amountFen: 100 }).expect(404)
    // A clerk of A's own store is refused.
    const clerk = await staffPhone(live, database.get(), channels.get(), { storeId: a.store.id, role: 'clerk', owner: a.owner })
    await get(clerk.cookie, `/v1/mobile/merchants/${a.merchant.id}/members?q=139`).expect(403)

    // Customers: B's store code cannot take A's card, and A's card is not paid at B's code.
    await as(customer.cookie).post(`/v1/public/cards/${a.card.id}/payments`, { code: b.storeCode, amountFen: 100 }).expect(404)
    const balance = (await member(m.id)).principalFen + (await member(m.id)).bonusFen
    expect(balance).toBe(10_900)
  })
})
