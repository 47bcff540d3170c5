import { eq } from 'drizzle-orm'
import { deposits, depositUnfreezes } from '../../../src/modules/deposits/deposits.schema'
import { orders } from '../../../src/modules/payments/payment.schema'
import { merchants, staff } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { ALIPAY_CODE, WECHAT_CODE, sandboxIdle } from '../../helpers/payments'
import { cpayWorld, type CpayWorld } from '../../factories/cloudpay'

/*
 * The deposit family of /cpay (押金, cloudpay-api.md §8, mission P8) through the envelope, against
 * the sandbox's WeChat v2 deposit API and Alipay fund authorisation: freeze, consume, unfreeze,
 * their queries, the permission rules of seed 004, numbers and idempotency, and the money: what
 * is consumed and released never exceeds what was frozen.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const ORDER_CLIENT = { machine_no: '32-62-A8-14-B3-C0', terminal_type: 2, device_id: 'POS-9', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1' }
type Payload = Record<string, any>

/** A merchant the SP has opened deposits for. */
const world = async (o: { alipay?: boolean } = {}): Promise<CpayWorld> => {
  const w = await cpayWorld(live, db(), c(), o)
  await w.owner.patch(`/v1/merchants/${w.merchant.id}`, { depositEnabled: true }).expect(200)
  return w
}
const platformKey = (w: CpayWorld, alipay: boolean) => w.mchKey({ pay_platform: alipay ? 2 : 1 })
const microFreeze = async (w: CpayWorld, no: string, fee: number, o: { alipay?: boolean, body?: string } = {}) =>
  await w.client.call<Payload>('micro_freeze', {
    pay_mch_key: platformKey(w, o.alipay === true),
    out_freeze_no: no,
    author_code: o.alipay === true ? ALIPAY_CODE : WECHAT_CODE,
    freeze_fee: fee,
    fee_type: 'CNY',
    body: o.body ?? '充电宝押金',
    order_client: ORDER_CLIENT,
  })
const consume = async (w: CpayWorld, freezeNo: string, no: string, fee: number, o: { alipay?: boolean, confirm?: boolean } = {}) =>
  await w.client.call<Payload>('deposit_consume', {
    pay_mch_key: platformKey(w, o.alipay === true),
    pay_content: { out_trade_no: no, out_freeze_no: freezeNo, total_fee: fee, fee_type: 'CNY', body: '租借费用', is_confirm_unfreeze: o.confirm ?? false },
    order_client: ORDER_CLIENT,
  })
const unfreeze = async (w: CpayWorld, freezeNo: string, no: string, fee: number, o: { alipay?: boolean, key?: Record<string, unknown>, apiVersion?: number } = {}) =>
  await w.client.call<Payload>('unfreeze', {
    pay_mch_key: { ...platformKey(w, o.alipay === true), ...o.key },
    unfreeze_content: { out_freeze_no: freezeNo, out_unfreeze_no: no, unfreeze_fee: fee, remark: '归还' },
    order_client: ORDER_CLIENT,
    ...(o.apiVersion === undefined ? {} : { api_version: o.apiVersion }),
  })
const queryFreeze = async (w: CpayWorld, no: string) =>
  await w.client.call<Payload>('query_freeze_order', { pay_mch_key: w.client.mchKey({ out_shop_id: w.store.outShopId }), out_freeze_no: no, order_client: ORDER_CLIENT })
const depositRow = async (no: string) => (await db().db.select().from(deposits).where(eq(deposits.outFreezeNo, no)))[0]
const wxState = (content: Payload): number => content.wxpay_freeze_order_content_ext?.current_trade_state
const aliState = (content: Payload): number => content.alipay_freeze_order_content_ext?.current_trade_state

describe('the rules of seed 004', () => {
  it('refuses deposits without the deposit permission, without the refund-API permission, and on the 买单 channel', async () => {
    const w = await cpayWorld(live, db(), c())
    const before = await microFreeze(w, w.orderNo('F'), 5000)
    expect(before).toMatchObject({ status: 104, internalStatus: 403, description: '商户未开通押金权限' })

    await w.owner.patch(`/v1/merchants/${w.merchant.id}`, { depositEnabled: true, refundApiEnabled: false }).expect(200)
    expect(await microFreeze(w, w.orderNo('F'), 5000)).toMatchObject({ status: 104, internalStatus: 403, description: '商户未开通退款 API 权限，不能使用押金' })

    await w.owner.patch(`/v1/merchants/${w.merchant.id}`, { refundApiEnabled: true }).expect(200)
    await db().db.update(merchants).set({ wxChannel: 'maidan' }).where(eq(merchants.id, w.merchant.id))
    expect(await microFreeze(w, w.orderNo('F'), 5000)).toMatchObject({ status: 104, description: '买单渠道暂不支持押金功能' })
    expect(await db().db.select().from(deposits).where(eq(deposits.merchantId, w.merchant.id))).toEqual([])
  })

  it('refuses Cloud Pay refunds when the refund-API permission is off', async () => {
    const w = await world()
    const no = w.orderNo()
    const paid = await w.client.call('micro_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: no, total_fee: 500, author_code: WECHAT_CODE }, order_client: ORDER_CLIENT })
    expect(paid.status).toBe(0)
    const r = await w.owner.patch(`/v1/merchants/${w.merchant.id}`, { refundApiEnabled: false }).expect(200)
    expect(r.body).toMatchObject({ depositEnabled: true, refundApiEnabled: false })
    const refused = await w.client.call('refund', { pay_mch_key: w.mchKey(), refund_content: { out_trade_no: no, out_refund_no: w.orderNo('R'), total_fee: 500, refund_fee: 100 }, order_client: ORDER_CLIENT })
    expect(refused).toMatchObject({ status: 104, internalStatus: 403, description: '商户未开通退款 API 权限' })
  })
})

describe('WeChat Pay deposits', () => {
  it('freezes, consumes once (WeChat returns the rest), refunds the consumption, and answers retries with the same deposit', async () => {
    const w = await world()
    const no = w.orderNo('F')
    const frozen = await microFreeze(w, no, 10_000)
    expect(frozen).toMatchObject({ status: 0, signed: true })
    expect(frozen.payload.freeze_order_content).toMatchObject({ out_freeze_no: no, freeze_fee: 10_000, is_deposit_mode: true, rest_fee: 10_000 })
    expect(wxState(frozen.payload.freeze_order_content)).toBe(2)
    expect(frozen.payload.freeze_order_content.freeze_id).toMatch(/\w+/)

    // Same number, same content: the same deposit; different content: 104/407; a foreign prefix: 102.
    expect((await microFreeze(w, no, 10_000)).payload.freeze_order_content.freeze_id).toBe(frozen.payload.freeze_order_content.freeze_id)
    expect(await microFreeze(w, no, 9_000)).toMatchObject({ status: 104, internalStatus: 407 })
    expect((await microFreeze(w, `ZZ${no}`.slice(0, 32), 100)).status).toBe(102)

    const orderNo = w.orderNo('C')
    const consumed = await consume(w, no, orderNo, 3_000)
    expect(consumed).toMatchObject({ status: 0 })
    expect(consumed.payload.order_content).toMatchObject({ out_trade_no: orderNo, total_fee: 3_000, is_deposit_mode: true, out_freeze_no: no, freeze_fee: 10_000, is_confirm_unfreeze: true })
    expect(consumed.payload.order_content.wxpay_order_content_ext.current_trade_state).toBe(14)
    const q = await queryFreeze(w, no)
    expect(q.payload.freeze_order_content).toMatchObject({ consume_fee: 3_000, unfreeze_fee: 7_000, rest_fee: 0 })
    expect(wxState(q.payload.freeze_order_content)).toBe(5)
    expect(await consume(w, no, w.orderNo('C'), 100)).toMatchObject({ status: 104 })

    // The consumption is an order like any other: in the REST API, refunded through /deposit/refund.
    const [order] = await db().db.select().from(orders).where(eq(orders.outTradeNo, orderNo))
    expect(order).toMatchObject({ status: 'succeeded', method: 'wechat_deposit', amountFen: 3_000, storeId: w.store.id })
    const refunded = await w.client.call<Payload>('refund', {
      pay_mch_key: w.mchKey(),
      refund_content: { out_trade_no: orderNo, out_refund_no: w.orderNo('R'), total_fee: 3_000, refund_fee: 1_000, out_freeze_no: no },
      order_client: ORDER_CLIENT,
    })
    expect(refunded).toMatchObject({ status: 0 })
    await sandboxIdle(c())
    const queried = await w.client.call<Payload>('query_order', { out_trade_no: orderNo, pay_mch_key: w.client.mchKey({ out_shop_id: w.store.outShopId }) })
    expect(queried.payload.order_content.wxpay_order_content_ext.current_trade_state).toBe(4)
    // Deposit orders are not reversed or closed: they are refunded.
    expect(await w.client.call('reverse', { out_trade_no: orderNo, pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT })).toMatchObject({ status: 104 })
  })

  it('unfreezes a deposit only whole and before it is consumed; 426 when there is no unfreeze', async () => {
    const w = await world()
    const no = w.orderNo('F')
    expect((await microFreeze(w, no, 5_000)).status).toBe(0)
    const none = await w.client.call('query_unfreeze_order', { pay_mch_key: w.mchKey(), out_freeze_no: no, order_client: ORDER_CLIENT })
    expect(none).toMatchObject({ status: 104, internalStatus: 426 })
    expect(await unfreeze(w, no, w.orderNo('U'), 2_000)).toMatchObject({ status: 104, description: expect.stringContaining('全额') })

    const unfreezeNo = w.orderNo('U')
    const r = await unfreeze(w, no, unfreezeNo, 5_000)
    expect(r).toMatchObject({ status: 0 })
    expect(r.payload.unfreeze_order_content).toMatchObject({ out_freeze_no: no, out_unfreeze_no: unfreezeNo, unfreeze_fee: 5_000, wxpay_unfreeze_order_content_ext: { state: 2 } })
    const listed = await w.client.call<Payload>('query_unfreeze_order', { pay_mch_key: w.mchKey(), out_freeze_no: no, order_client: ORDER_CLIENT })
    expect(listed.payload.unfreeze_order_content).toHaveLength(1)
    expect(wxState((await queryFreeze(w, no)).payload.freeze_order_content)).toBe(5)
    expect(await consume(w, no, w.orderNo('C'), 100)).toMatchObject({ status: 104 })
  })

  it('refuses scan-code deposits on WeChat', async () => {
    const w = await world()
    const r = await w.client.call('scancode_freeze', { pay_mch_key: platformKey(w, false), out_freeze_no: w.orderNo('F'), freeze_fee: 100, body: '押金', order_client: ORDER_CLIENT })
    expect(r).toMatchObject({ status: 104 })
  })
})

describe('Alipay deposits (fund authorisation)', () => {
  it('releases parts, consumes without and then with is_confirm_unfreeze, and never exceeds the frozen amount', async () => {
    const w = await world({ alipay: true })
    const no = w.orderNo('F')
    const frozen = await microFreeze(w, no, 10_000, { alipay: true })
    expect(frozen).toMatchObject({ status: 0 })
    expect(aliState(frozen.payload.freeze_order_content)).toBe(2)

    // api_version 2: a clerk without refund permission may not release money.
    const [clerk] = await db().db.insert(staff).values({ id: `stf_dep${Date.now()}`, role: 'clerk', spId: w.sp.id, merchantId: w.merchant.id, storeId: w.store.id, name: '小王', refundPermission: false, createdAt: new Date(), updatedAt: new Date() }).returning()
    expect(await unfreeze(w, no, w.orderNo('U'), 2_000, { alipay: true, apiVersion: 2, key: { authorization_staff_id: clerk?.id } })).toMatchObject({ status: 104, internalStatus: 403 })
    expect(await unfreeze(w, no, w.orderNo('U'), 2_000, { alipay: true, apiVersion: 2, key: { is_sub_mch_admin: true } })).toMatchObject({ status: 0 })
    expect(await unfreeze(w, no, w.orderNo('U'), 9_000, { alipay: true })).toMatchObject({ status: 104, description: expect.stringContaining('余额不足') })

    expect(await consume(w, no, w.orderNo('C'), 3_000, { alipay: true })).toMatchObject({ status: 0 })
    expect((await queryFreeze(w, no)).payload.freeze_order_content).toMatchObject({ consume_fee: 3_000, unfreeze_fee: 2_000, rest_fee: 5_000 })
    const last = await consume(w, no, w.orderNo('C'), 1_000, { alipay: true, confirm: true })
    expect(last).toMatchObject({ status: 0 })
    expect(last.payload.order_content.alipay_order_content_ext.current_trade_state).toBe(2)
    const done = (await queryFreeze(w, no)).payload.freeze_order_content
    expect(done).toMatchObject({ consume_fee: 4_000, unfreeze_fee: 6_000, rest_fee: 0 })
    expect(aliState(done)).toBe(3)

    const row = await depositRow(no)
    expect(row).toMatchObject({ status: 'finished', consumedFen: 4_000, unfrozenFen: 6_000 })
    const releases = await db().db.select().from(depositUnfreezes).where(eq(depositUnfreezes.depositId, row?.id ?? ''))
    expect(releases.map((u) => [u.status, u.amountFen, u.operatorKind])).toEqual([['succeeded', 2_000, 'integrator']])
  })

  it('freezes by a QR the customer scans', async () => {
    const w = await world({ alipay: true })
    const no = w.orderNo('F')
    const r = await w.client.call<Payload>('scancode_freeze', { pay_mch_key: platformKey(w, true), out_freeze_no: no, freeze_fee: 2_000, body: '押金', order_client: ORDER_CLIENT })
    expect(r).toMatchObject({ status: 0 })
    expect(r.payload.code_url).toMatch(/\S+/)
    expect(aliState(r.payload.freeze_order_content)).toBe(1)
    const scanned = await c().sim('alipay', 'POST', '/__sim/alipay/fund-auth/scan', { out_order_no: no })
    expect(scanned.status).toBe(200)
    live.clock.advance(6_000)
    expect(aliState((await queryFreeze(w, no)).payload.freeze_order_content)).toBe(2)
  })
})

describe('tenancy', () => {
  it('keeps another merchant\'s deposits out of reach', async () => {
    const a = await world()
    const no = a.orderNo('F')
    expect((await microFreeze(a, no, 1_000)).status).toBe(0)
    const b = await world()
    expect(await queryFreeze(b, no)).toMatchObject({ status: 104, internalStatus: 400 })
    expect(await consume(b, no, b.orderNo('C'), 100)).toMatchObject({ status: 104, internalStatus: 400 })
    expect(await unfreeze(b, no, b.orderNo('U'), 1_000)).toMatchObject({ status: 104, internalStatus: 400 })
    expect(await depositRow(no)).toMatchObject({ status: 'frozen', consumedFen: 0, unfrozenFen: 0 })
  })
})
