import { eq } from 'drizzle-orm'
import request from 'supertest'
import type { PayCompleteOffersDto, VoucherBatchDto } from '@yima/shared'
import { orders } from '../../../src/modules/payments/payment.schema'
import { VOUCHER_SEND_TOPIC } from '../../../src/modules/vouchers/grants.service'
import { voucherGrants } from '../../../src/modules/vouchers/vouchers.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { sandboxIdle } from '../../helpers/payments'
import { scan, simUser } from '../../helpers/scan'
import { activeMember, cardCustomer, cardWorld, WECHAT_UA } from '../../factories/cards'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

/*
 * Vouchers (C1–C4) against the sandbox's WeChat Pay: a batch imported by stock id with its rules,
 * offered on the pay-complete page, claimed within the per-user limit, redeemed by the next
 * payment at a store whose goods_tag matches (discount and settlement), paused batches and stores,
 * spend gifts, the merchant's own issuing credentials, and who may touch what.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
// Batches are valid from the sandbox's now (real time); yima's clock must agree.
beforeEach(async () => { live.clock.set(new Date()); await live.pushTicket() })
afterAll(async () => { await live.stop() })

const server = () => live.app.callback()
const db = () => database.get().db

interface Shop { owner: ConsoleUser, merchant: { id: string }, subMchId: string, store: { id: string }, code: string }

async function shop (goodsTag = 'MUTEX_STORE'): Promise<Shop> {
  const c = channels.get()
  const owner = await consoleUser(live.app, database.get())
  const sp = await createSp(owner, c)
  const subMchId = await newSubMchId(c)
  const { merchant } = await createMerchant(owner, sp.id, subMchId)
  const store = (await owner.post(`/v1/merchants/${merchant.id}/stores`, { name: '科技园店', goodsTag }).expect(201)).body
  const code = (await owner.post(`/v1/stores/${store.id}/qr-codes`, { kind: 'store' }).expect(201)).body.code as string
  return { owner, merchant, subMchId, store, code }
}

/** A running batch made in the WeChat Pay back office (sandbox control), then imported. */
async function batch (s: Shop, o: { amount?: number, minimum?: number, perUser?: number, tags?: string[], noCash?: boolean, days?: number, creator?: string } = {}): Promise<VoucherBatchDto> {
  const stock = await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/stocks', {
    creator_mchid: o.creator ?? s.subMchId,
    name: `满${(o.minimum ?? 1000) / 100}减${(o.amount ?? 200) / 100}`,
    coupon_amount: o.amount ?? 200,
    transaction_minimum: o.minimum ?? 1000,
    max_coupons: 100,
    max_coupons_per_user: o.perUser ?? 1,
    goods_tag: o.tags ?? ['MUTEX_STORE'],
    no_cash: o.noCash ?? true,
    days: o.days ?? 30,
  })
  if (stock.status >= 300) throw new Error(`stock: ${JSON.stringify(stock.body)}`)
  return (await s.owner.post(`/v1/merchants/${s.merchant.id}/voucher-batches`, { stockId: stock.body.stock_id, creatorMchId: o.creator ?? s.subMchId }).expect(201)).body
}

/** A WeChat customer on the store's pay page: the payer cookie and openid. */
async function customer (s: Shop, index = 0): Promise<{ cookie: string, openid: string }> {
  const person = await simUser(channels.get(), index)
  const landed = await scan(channels.get(), `${live.url}/pay/auth?code=${s.code}`, person.id)
  const cookie = landed.cookies.map((x) => x.split(';')[0] ?? '').find((x) => x.startsWith('yima_payer='))
  if (cookie === undefined) throw new Error('no payer cookie')
  return { cookie, openid: person.openid(channels.get().sandbox.clients.wxmp.officialAccount.appId) }
}

/** Pays `amountFen` at the store code in the sandbox cashier; returns the order once notified. */
async function pay (s: Shop, who: { cookie: string, openid: string }, amountFen: number) {
  const created = await request(server()).post('/v1/public/pay/orders').set('cookie', who.cookie).set('user-agent', WECHAT_UA).send({ code: s.code, amountFen }).expect(201)
  const prepayId = String(created.body.bridge.package).replace('prepay_id=', '')
  await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/pay', { prepay_id: prepayId, openid: who.openid })
  await sandboxIdle(channels.get())
  const [order] = await db().select().from(orders).where(eq(orders.id, created.body.orderId as string))
  if (order?.status !== 'succeeded') throw new Error(`order ${String(order?.status)}`)
  return order
}

const offers = async (who: { cookie: string }, orderId: string): Promise<PayCompleteOffersDto> =>
  (await request(server()).get(`/v1/public/pay/orders/${orderId}/vouchers`).set('cookie', who.cookie).set('user-agent', WECHAT_UA).expect(200)).body
const claim = (who: { cookie: string }, body: object, key?: string) => {
  const r = request(server()).post('/v1/public/vouchers/claims').set('cookie', who.cookie).set('user-agent', WECHAT_UA)
  if (key !== undefined) r.set('idempotency-key', key)
  return r.send(body)
}
const sendJobs = async (): Promise<number> => await runDueJobs({ database: database.get(), clock: live.clock, handlers: live.services.jobHandlers, topics: [VOUCHER_SEND_TOPIC] })

describe('importing a batch (C1, C2)', () => {
  it('keeps the rules WeChat holds and refuses batches outside the 90-day or six-scenario rules', async () => {
    const s = await shop()
    const b = await batch(s, { amount: 500, minimum: 5000, perUser: 2, noCash: false, tags: ['MUTEX_STORE', 'NO_MUTEX_STORE'] })
    expect(b).toMatchObject({ amountFen: 500, thresholdFen: 5000, maxPerUser: 2, noCash: false, scenario: 'store', wechatStatus: 'running', uses: [], paused: false })
    await s.owner.post(`/v1/merchants/${s.merchant.id}/voucher-batches`, { stockId: b.stockId, creatorMchId: s.subMchId }).expect(409)
    const long = await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/stocks', { creator_mchid: s.subMchId, name: '长期券', coupon_amount: 100, transaction_minimum: 500, max_coupons: 10, max_coupons_per_user: 1, goods_tag: ['MUTEX_STORE'], no_cash: true, days: 120 })
    const refused = await s.owner.post(`/v1/merchants/${s.merchant.id}/voucher-batches`, { stockId: long.body.stock_id, creatorMchId: s.subMchId }).expect(400)
    expect(refused.body.error).toMatchObject({ code: 'voucher_batch_unusable', param: 'stockId' })
    expect(refused.body.error.message).toContain('90')
    const odd = await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/stocks', { creator_mchid: s.subMchId, name: '怪标记', coupon_amount: 100, transaction_minimum: 500, max_coupons: 10, max_coupons_per_user: 1, goods_tag: ['NO_MUTEX_STORE'], no_cash: true, days: 10 })
    await s.owner.post(`/v1/merchants/${s.merchant.id}/voucher-batches`, { stockId: odd.body.stock_id, creatorMchId: s.subMchId }).expect(400)
    await s.owner.post(`/v1/merchants/${s.merchant.id}/voucher-batches`, { stockId: '99999999', creatorMchId: s.subMchId }).expect(400)
    // Another SP's account sees none of it.
    const other = await shop()
    await other.owner.get(`/v1/merchants/${s.merchant.id}/vouchers`).expect(404)
    await other.owner.patch(`/v1/voucher-batches/${b.id}`, { paused: true }).expect(404)
  })
})

describe('pay-complete vouchers (C3) and redemption (C2)', () => {
  it('offers the main voucher after a payment, claims it once, and the next payment at the store redeems it: discount and settlement', async () => {
    const s = await shop()
    const b = await batch(s, { amount: 200, minimum: 1000, perUser: 1, noCash: true })
    await s.owner.patch(`/v1/voucher-batches/${b.id}`, { uses: ['main'] }).expect(200)
    const who = await customer(s)
    const first = await pay(s, who, 800)
    expect((await offers(who, first.id)).offers).toEqual([expect.objectContaining({ batchId: b.id, role: 'main', amountFen: 200, thresholdFen: 1000, claimed: 0, maxPerUser: 1 })])
    // Someone else cannot read offers for this payment.
    const stranger = await customer(s, 1)
    expect((await offers(stranger, first.id)).offers).toEqual([])

    const claimed = (await claim(who, { batchId: b.id, orderId: first.id }, 'c1').expect(201)).body
    expect(claimed).toMatchObject({ batchId: b.id, amountFen: 200, couponId: expect.stringMatching(/^\d+$/) })
    await claim(who, { batchId: b.id, orderId: first.id }, 'c1').expect(201) // the same tap again: replayed
    await claim(who, { batchId: b.id, orderId: first.id }, 'c2').expect(409).expect((r) => { expect(r.body.error.code).toBe('voucher_limit_reached') })
    expect((await offers(who, first.id)).offers[0]?.claimed).toBe(1)

    // The next payment at the store carries its goods_tag: WeChat applies the voucher.
    const second = await pay(s, who, 1500)
    expect(second).toMatchObject({ goodsTag: 'MUTEX_STORE', discountFen: 200, noCashDiscountFen: 200 })
    const [grant] = await db().select().from(voucherGrants).where(eq(voucherGrants.couponId, claimed.couponId as string))
    expect(grant).toMatchObject({ status: 'redeemed', redeemedOrderId: second.id })
    const paid = (await request(server()).get(`/v1/public/pay/orders/${second.id}`).set('cookie', who.cookie).expect(200)).body
    expect(paid.discountFen).toBe(200)
    // 免充值: the merchant bears the voucher, so its settlement is the amount less the discount.
    const day = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`
    const summary = (await s.owner.get(`/v1/reports/summary?${day}&storeId=${s.store.id}`).expect(200)).body.total
    expect(summary).toMatchObject({ tradeCount: 2, tradeFen: 2300, discountFen: 200, settlementFen: 2100 })
    const setup = (await s.owner.get(`/v1/merchants/${s.merchant.id}/vouchers`).expect(200)).body
    expect(setup.batches[0]).toMatchObject({ issued: 1, redeemed: 1 })
  })

  it('settles a pre-charged (预充值) voucher in full', async () => {
    const s = await shop()
    const b = await batch(s, { amount: 300, minimum: 1000, noCash: false })
    await s.owner.patch(`/v1/voucher-batches/${b.id}`, { uses: ['main'] }).expect(200)
    const who = await customer(s)
    const first = await pay(s, who, 100)
    await claim(who, { batchId: b.id, orderId: first.id }).expect(201)
    const second = await pay(s, who, 2000)
    expect(second).toMatchObject({ discountFen: 300, noCashDiscountFen: 0 })
    const day = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`
    expect((await s.owner.get(`/v1/reports/summary?${day}&storeId=${s.store.id}`).expect(200)).body.total).toMatchObject({ tradeFen: 2100, discountFen: 300, settlementFen: 2100 })
  })

  it('a paused batch, a paused store and an unoffered batch hand nothing out', async () => {
    const s = await shop()
    const main = await batch(s)
    const quiet = await batch(s, { amount: 100, minimum: 500 })
    await s.owner.patch(`/v1/voucher-batches/${main.id}`, { uses: ['main'] }).expect(200)
    const who = await customer(s)
    const order = await pay(s, who, 100)
    await claim(who, { batchId: quiet.id, orderId: order.id }).expect(409).expect((r) => { expect(r.body.error.code).toBe('voucher_not_offered') })

    await s.owner.patch(`/v1/voucher-batches/${main.id}`, { paused: true }).expect(200)
    expect((await offers(who, order.id)).offers).toEqual([])
    await claim(who, { batchId: main.id, orderId: order.id }).expect(409).expect((r) => { expect(r.body.error.code).toBe('voucher_batch_paused') })
    await s.owner.patch(`/v1/voucher-batches/${main.id}`, { paused: false }).expect(200)

    await s.owner.put(`/v1/voucher-batches/${main.id}/stores/${s.store.id}`, { paused: true }).expect(200)
      .expect((r) => { expect(r.body.pausedStoreIds).toEqual([s.store.id]) })
    expect((await offers(who, order.id)).offers).toEqual([])
    await claim(who, { batchId: main.id, orderId: order.id }).expect(409).expect((r) => { expect(r.body.error.code).toBe('voucher_store_paused') })
    const grants = await db().select().from(voucherGrants).where(eq(voucherGrants.batchId, main.id))
    expect(grants).toEqual([])
  })

  it('消费有礼: a payment of at least the minimum earns the spend gift once per user limit, sent by the outbox', async () => {
    const s = await shop()
    const gift = await batch(s, { amount: 500, minimum: 3000, perUser: 1 })
    await s.owner.patch(`/v1/voucher-batches/${gift.id}`, { uses: ['spend_gift'], spendGiftMinFen: 2000 }).expect(200)
    const who = await customer(s)
    await pay(s, who, 1999)
    expect(await db().select().from(voucherGrants).where(eq(voucherGrants.batchId, gift.id))).toEqual([])
    await pay(s, who, 2000)
    await pay(s, who, 2500)
    await sendJobs()
    const grants = await db().select().from(voucherGrants).where(eq(voucherGrants.batchId, gift.id))
    expect(grants.map((g) => [g.reason, g.status])).toEqual([['spend_gift', 'sent']])
    expect(grants[0]?.couponId).toMatch(/^\d+$/)
  })
})

describe('redemption only where the tag says (C2) and the card-opening gift (C1)', () => {
  it('a store whose orders carry no goods_tag does not redeem the voucher; the voucher stays in the wallet', async () => {
    const s = await shop()
    const untagged = (await s.owner.post(`/v1/merchants/${s.merchant.id}/stores`, { name: '海岸城店' }).expect(201)).body
    const untaggedCode = (await s.owner.post(`/v1/stores/${untagged.id}/qr-codes`, { kind: 'store' }).expect(201)).body.code as string
    const b = await batch(s)
    await s.owner.patch(`/v1/voucher-batches/${b.id}`, { uses: ['main'] }).expect(200)
    const who = await customer(s)
    const first = await pay(s, who, 100)
    const { couponId } = (await claim(who, { batchId: b.id, orderId: first.id }).expect(201)).body
    const elsewhere = await pay({ ...s, code: untaggedCode }, who, 1500)
    expect(elsewhere).toMatchObject({ goodsTag: null, discountFen: 0 })
    expect((await db().select().from(voucherGrants).where(eq(voucherGrants.couponId, couponId as string)))[0]?.status).toBe('sent')
  })

  it('开卡有礼: a card\'s first activation earns the merchant\'s card gift, once', async () => {
    const w = await cardWorld(live, database.get(), channels.get())
    const stock = await channels.get().sim('wxpay', 'POST', '/__sim/wxpay/stocks', { creator_mchid: w.wxSubMchId, name: '开卡礼', coupon_amount: 1000, transaction_minimum: 5000, max_coupons: 10, max_coupons_per_user: 1, goods_tag: ['MUTEX_STORE'], no_cash: true, days: 30 })
    const gift = (await w.owner.post(`/v1/merchants/${w.merchant.id}/voucher-batches`, { stockId: stock.body.stock_id, creatorMchId: w.wxSubMchId }).expect(201)).body
    await w.owner.patch(`/v1/voucher-batches/${gift.id}`, { uses: ['card_gift'] }).expect(200)
    const holder = await cardCustomer(live, channels.get(), w.card.id)
    await activeMember(live, channels.get(), w, holder)
    await sendJobs()
    const grants = await db().select().from(voucherGrants).where(eq(voucherGrants.batchId, gift.id))
    expect(grants.map((g) => [g.reason, g.status, g.openid])).toEqual([['card_gift', 'sent', holder.openid]])
  })
})

describe('the merchant\'s own issuing credentials (seed 002)', () => {
  it('validates them, keeps the secrets write-only, and signs calls for its own merchant id with them', async () => {
    const s = await shop()
    const keys = (await channels.get().sim('wxpay', 'POST', `/__sim/wxpay/merchants/${s.subMchId}/api-keys`)).body as { mchid: string, privateKeyPem: string, serial: string, apiV3Key: string }
    const base = { mchIds: [s.subMchId], privateKey: keys.privateKeyPem, certificateSerial: keys.serial, apiV3Key: keys.apiV3Key }
    await s.owner.put(`/v1/merchants/${s.merchant.id}/pay-credentials`, { ...base, apiV3Key: 'short' }).expect(400)
      .expect((r) => { expect(r.body.error.param).toBe('apiV3Key') })
    await s.owner.put(`/v1/merchants/${s.merchant.id}/pay-credentials`, { ...base, privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }).expect(400)
    const saved = (await s.owner.put(`/v1/merchants/${s.merchant.id}/pay-credentials`, base).expect(200)).body
    expect(saved).toEqual({ mchIds: [s.subMchId], certificateSerial: keys.serial.toUpperCase(), secrets: { privateKey: true, apiV3Key: true }, updatedAt: expect.any(String) })
    expect(JSON.stringify((await s.owner.get(`/v1/merchants/${s.merchant.id}/vouchers`).expect(200)).body)).not.toContain(keys.apiV3Key)

    const b = await batch(s)
    await s.owner.patch(`/v1/voucher-batches/${b.id}`, { uses: ['main'] }).expect(200)
    const who = await customer(s)
    const order = await pay(s, who, 100)
    await claim(who, { batchId: b.id, orderId: order.id }).expect(201)
  })
})
