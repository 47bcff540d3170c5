import { constants } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { orders, refunds } from '../../../src/modules/payments/payment.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { ALIPAY_CODE, advance } from '../../helpers/payments'
import { cpayWorld, type CpayWorld } from '../../factories/cloudpay'

/*
 * Alipay through /cpay (cloudpay-api.md §8, §11): pay_platform 2, the answers carry
 * alipay_order_content_ext.current_trade_state (AlipayOrderState: 1 init, 2 success, 4 waiting for
 * buyer, 5 closed or refunded) and alipay_refund_order_content_ext.refund_status (1 init, 2 success,
 * 3 failed, 4 refunding).
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => {
  await live.pushTicket()
  live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const world = async (alipay = true): Promise<CpayWorld> => await cpayWorld(live, db(), c(), { alipay })
const scriptAli = async (result: string): Promise<void> => {
  expect((await c().sim('alipay', 'POST', '/__sim/alipay/trade-pay/next', { result })).status).toBeLessThan(300)
}
const ORDER_CLIENT = { machine_no: '32-62-A8-14-B3-C0', terminal_type: 1, device_id: 'POS-01', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1', sub_terminal_type: 0 }
type Payload = Record<string, any>

const aliKey = (w: CpayWorld) => w.mchKey({ pay_platform: 2 })
const microPay = async (w: CpayWorld, outTradeNo: string, fee = 990) =>
  await w.client.call<Payload>('micro_pay', {
    pay_mch_key: aliKey(w),
    pay_content: { out_trade_no: outTradeNo, total_fee: fee, author_code: ALIPAY_CODE, fee_type: 'CNY', body: '午餐' },
    order_client: ORDER_CLIENT,
  })
const queryOrder = async (w: CpayWorld, outTradeNo: string) =>
  // As the Java client sends it: no pay_platform, no trade_type (they come from the stored order).
  await w.client.call<Payload>('query_order', { out_trade_no: outTradeNo, pay_mch_key: w.client.mchKey({ out_shop_id: w.store.outShopId }), order_client: ORDER_CLIENT })
const refund = async (w: CpayWorld, outTradeNo: string, outRefundNo: string, refundFee: number, totalFee = 990) =>
  await w.client.call<Payload>('refund', {
    pay_mch_key: aliKey(w),
    refund_content: { out_trade_no: outTradeNo, out_refund_no: outRefundNo, total_fee: totalFee, refund_fee: refundFee, refund_fee_type: 'CNY' },
    order_client: ORDER_CLIENT,
  }, { rsa: { saltLength: 32, field: 'sign' } })
const queryRefunds = async (w: CpayWorld, outTradeNo: string, outRefundNo?: string) =>
  await w.client.call<Payload>('query_refund_order', { out_trade_no: outTradeNo, ...(outRefundNo === undefined ? {} : { out_refund_no: outRefundNo }), pay_mch_key: aliKey(w), order_client: ORDER_CLIENT })
const reverse = async (w: CpayWorld, outTradeNo: string) =>
  await w.client.call<Payload>('reverse', { out_trade_no: outTradeNo, pay_mch_key: aliKey(w), order_client: ORDER_CLIENT }, { rsa: { field: 'signature', saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN } })
const aliState = (r: { payload: Payload }): number => r.payload.order_content.alipay_order_content_ext.current_trade_state
const orderByNo = async (outTradeNo: string) => (await db().db.select().from(orders).where(eq(orders.outTradeNo, outTradeNo)))[0]

describe('Alipay micro_pay through the facade', () => {
  it('takes an Alipay payment code: state 2, no WeChat extension, the REST API\'s own order', async () => {
    const w = await world()
    const no = w.orderNo()
    const r = await microPay(w, no)
    expect(r).toMatchObject({ status: 0, internalStatus: 0, signed: true })
    expect(r.payload.order_content).toMatchObject({ out_trade_no: no, trade_type: 1, total_fee: 990, alipay_order_content_ext: { current_trade_state: 2 } })
    expect(r.payload.order_content.wxpay_order_content_ext).toBeUndefined()
    expect(r.payload.order_content.transaction_id).toEqual(expect.any(String))
    expect(r.payload.pay_mch_key).toMatchObject({ pay_platform: 2, out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: w.store.outShopId })

    const row = await orderByNo(no)
    expect(row).toMatchObject({ status: 'succeeded', payPlatform: 'alipay', method: 'alipay_micropay', tradeType: 'micropay', storeId: w.store.id, amountFen: 990 })
    await w.owner.get(`/v1/orders/${row?.id ?? ''}`).expect(200).expect((res) => { expect(res.body).toMatchObject({ outTradeNo: no, payPlatform: 'alipay', status: 'succeeded' }) })

    // query_order without pay_platform: the stored order says Alipay.
    const q = await queryOrder(w, no)
    expect(q).toMatchObject({ status: 0, signed: true })
    expect(q.payload.order_content).toMatchObject({ out_trade_no: no, alipay_order_content_ext: { current_trade_state: 2 } })
    expect(q.payload.pay_mch_key).toMatchObject({ pay_platform: 2 })

    // The same number and content replays the order; other content is 104/407.
    expect(aliState(await microPay(w, no))).toBe(2)
    expect(await microPay(w, no, 991)).toMatchObject({ status: 104, internalStatus: 407 })
  })

  it('refuses Alipay for a merchant that has not authorized it, before any order exists', async () => {
    const w = await world(false)
    const no = w.orderNo()
    const r = await microPay(w, no)
    expect(r.status).not.toBe(0)
    expect(r.status).not.toBe(3)
    expect(await orderByNo(no)).toBeUndefined()
  })

  it('answers a refused payment code with a closed order (state 5)', async () => {
    const w = await world()
    await scriptAli('FAIL')
    const no = w.orderNo()
    const r = await microPay(w, no)
    // Either refused outright or answered with the closed order; never success, never an open order.
    if (r.status === 0) expect(aliState(r)).toBe(5)
    else expect(r.status).toBe(104)
    expect(aliState(await queryOrder(w, no))).toBe(5)
    expect((await orderByNo(no))?.status).toBe('failed')
    // Nothing to reverse: the client's reverse-on-failure is answered 0, the order stays failed.
    expect(await reverse(w, no)).toMatchObject({ status: 0 })
    expect((await orderByNo(no))?.status).toBe('failed')
  })

  it('follows a buyer confirming on the phone: 4, then 2', async () => {
    const w = await world()
    await scriptAli('WAIT_THEN_SUCCESS')
    const no = w.orderNo()
    expect(aliState(await microPay(w, no))).toBe(4)
    await advance(live, c(), 6)
    await c().sim('alipay', 'POST', '/__sim/clock/advance', { seconds: 6 })
    expect(aliState(await queryOrder(w, no))).toBe(2)
  })
})

describe('Alipay refund and query_refund_order', () => {
  it('refunds synchronously (refund_status 2), partial then full, and the order ends in state 5', async () => {
    const w = await world()
    const no = w.orderNo()
    expect(aliState(await microPay(w, no))).toBe(2)
    expect(await queryRefunds(w, no)).toMatchObject({ status: 104, internalStatus: 426, signed: true })

    const r1no = `${no}r1`.slice(0, 32)
    const r1 = await refund(w, no, r1no, 300)
    expect(r1).toMatchObject({ status: 0, signed: true })
    expect(r1.payload.refund_order_content).toMatchObject({ out_refund_no: r1no, out_trade_no: no, refund_fee: 300, total_fee: 990, alipay_refund_order_content_ext: { refund_status: 2 } })
    expect(r1.payload.refund_order_content.wxpay_refund_order_content_ext).toBeUndefined()
    // Partly refunded: still a success.
    expect(aliState(await queryOrder(w, no))).toBe(2)

    const r2no = `${no}r2`.slice(0, 32)
    expect(await refund(w, no, r2no, 691)).toMatchObject({ status: 104 })
    expect((await refund(w, no, r2no, 690)).payload.refund_order_content).toMatchObject({ refund_fee: 690, alipay_refund_order_content_ext: { refund_status: 2 } })

    const all = await queryRefunds(w, no)
    expect(all).toMatchObject({ status: 0, signed: true })
    expect(all.payload.refund_order_content.map((x: Payload) => [x.out_refund_no, x.refund_fee, x.alipay_refund_order_content_ext.refund_status])).toEqual([[r1no, 300, 2], [r2no, 690, 2]])
    const one = await queryRefunds(w, no, r2no)
    expect(one.payload.refund_order_content).toHaveLength(1)
    expect(await queryRefunds(w, no, `${no}zz`.slice(0, 32))).toMatchObject({ status: 104, internalStatus: 426 })

    // Fully refunded: AlipayOrderState 5 (closed or refunded); nothing more to refund.
    expect(aliState(await queryOrder(w, no))).toBe(5)
    expect(await refund(w, no, `${no}r3`.slice(0, 32), 1)).toMatchObject({ status: 104 })
    const row = await orderByNo(no)
    expect(row).toMatchObject({ refundedFen: 990 })
    expect((await db().db.select().from(refunds).where(eq(refunds.orderId, row?.id ?? ''))).map((x) => x.status)).toEqual(['succeeded', 'succeeded'])
  })
})

describe('Alipay reverse', () => {
  it('reverses a micropay whose result is unknown: state 4 → 5, and again is a no-op', async () => {
    const w = await world()
    await scriptAli('WAIT_TIMEOUT')
    const no = w.orderNo()
    expect(aliState(await microPay(w, no))).toBe(4)
    expect(await reverse(w, no)).toMatchObject({ status: 0, signed: true })
    expect(aliState(await queryOrder(w, no))).toBe(5)
    expect((await orderByNo(no))?.status).toBe('reversed')
    expect(await reverse(w, no)).toMatchObject({ status: 0 })
  })

  it('refuses to reverse a settled Alipay payment (refund it instead), and changes nothing', async () => {
    const w = await world()
    const no = w.orderNo()
    expect(aliState(await microPay(w, no))).toBe(2)
    expect(await reverse(w, no)).toMatchObject({ status: 104 })
    expect(aliState(await queryOrder(w, no))).toBe(2)
    expect(await orderByNo(no)).toMatchObject({ status: 'succeeded', refundedFen: 0 })
  })
})

describe('Alipay scan_code_pay', () => {
  it('makes a precreate order with an Alipay code_url (state 4), paid by the buyer (state 2)', async () => {
    const w = await world()
    const no = w.orderNo()
    const r = await w.client.call<Payload>('scan_code_pay', { pay_mch_key: aliKey(w), pay_content: { out_trade_no: no, total_fee: 300, fee_type: 'CNY', body: '扫码' }, order_client: ORDER_CLIENT })
    expect(r).toMatchObject({ status: 0, signed: true })
    expect(r.payload.code_url).toMatch(/^https:\/\/qr\.alipay\.com\//)
    expect(r.payload.order_content).toMatchObject({ out_trade_no: no, trade_type: 2, alipay_order_content_ext: { current_trade_state: 4 } })
    expect(await orderByNo(no)).toMatchObject({ method: 'alipay_qr', tradeType: 'native', status: 'pending' })

    expect((await c().sim('alipay', 'POST', '/__sim/alipay/pay', { out_trade_no: no })).status).toBe(200)
    await c().sim('alipay', 'POST', '/__sim/idle')
    await advance(live, c(), 6)
    expect(aliState(await queryOrder(w, no))).toBe(2)
    // Not a micropay: reverse refuses it.
    expect(await reverse(w, no)).toMatchObject({ status: 104 })
  })

  it('closes an unpaid Alipay precreate order (state 5)', async () => {
    const w = await world()
    const no = w.orderNo()
    expect(await w.client.call('scan_code_pay', { pay_mch_key: aliKey(w), pay_content: { out_trade_no: no, total_fee: 300, fee_type: 'CNY', body: '扫码' }, order_client: ORDER_CLIENT })).toMatchObject({ status: 0 })
    expect(await w.client.call('close_order', { out_trade_no: no, trade_type: 2, pay_mch_key: aliKey(w), order_client: ORDER_CLIENT })).toMatchObject({ status: 0, signed: true })
    expect(aliState(await queryOrder(w, no))).toBe(5)
    expect((await orderByNo(no))?.status).toBe('closed')
  })
})
