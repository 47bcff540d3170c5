import { constants } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { staff } from '../../../src/modules/tenancy'
import { orders } from '../../../src/modules/payments/payment.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { WECHAT_CODE, advance, clockIn, sandboxIdle } from '../../helpers/payments'
import { cpayWorld, type CpayWorld } from '../../factories/cloudpay'

/*
 * The payment endpoints of /cpay (cloudpay-api.md §8, §11, §12) through the envelope, against
 * the sandbox: a facade over the payments module, so every order is the REST API's own.
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
const world = async (): Promise<CpayWorld> => await cpayWorld(live, db(), c())
const script = async (result: string, o: Record<string, unknown> = {}): Promise<void> => {
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/codepay/next', { result, ...o })).status).toBe(200)
}
const settle = async (o: { out_refund_no?: string, status?: string } = {}): Promise<void> => {
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', o)).status).toBe(200)
  await sandboxIdle(c())
}
const ORDER_CLIENT = { machine_no: '32-62-A8-14-B3-C0', terminal_type: 1, device_id: 'POS-01', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1', sub_terminal_type: 0 }
type Payload = Record<string, any>

const microPay = async (w: CpayWorld, outTradeNo: string, o: { fee?: number, body?: string, orderClient?: Record<string, unknown> } = {}) =>
  await w.client.call<Payload>('micro_pay', {
    pay_mch_key: w.mchKey(),
    pay_content: { out_trade_no: outTradeNo, total_fee: o.fee ?? 1250, author_code: WECHAT_CODE, fee_type: 'CNY', body: o.body ?? '午餐' },
    order_client: o.orderClient ?? ORDER_CLIENT,
  })
const queryOrder = async (w: CpayWorld, outTradeNo: string) =>
  // As the Java client sends it: no pay_platform, no trade_type.
  await w.client.call<Payload>('query_order', { out_trade_no: outTradeNo, pay_mch_key: w.client.mchKey({ out_shop_id: w.store.outShopId }), order_client: ORDER_CLIENT })
const refundContent = (outTradeNo: string, outRefundNo: string, refundFee: number, totalFee = 1250) =>
  ({ out_trade_no: outTradeNo, out_refund_no: outRefundNo, total_fee: totalFee, refund_fee: refundFee, refund_fee_type: 'CNY' })
const refund = async (w: CpayWorld, outTradeNo: string, outRefundNo: string, refundFee: number, extra: Record<string, unknown> = {}, rsa?: { saltLength?: number, field?: 'sign' | 'signature' }) =>
  await w.client.call<Payload>('refund', { pay_mch_key: w.mchKey(), refund_content: refundContent(outTradeNo, outRefundNo, refundFee), order_client: ORDER_CLIENT, ...extra }, rsa === undefined ? {} : { rsa })
const queryRefunds = async (w: CpayWorld, outTradeNo: string, outRefundNo?: string) =>
  await w.client.call<Payload>('query_refund_order', { out_trade_no: outTradeNo, ...(outRefundNo === undefined ? {} : { out_refund_no: outRefundNo }), pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT })
const state = (r: { payload: Payload }): number => r.payload.order_content.wxpay_order_content_ext.current_trade_state
const orderByNo = async (outTradeNo: string) => (await db().db.select().from(orders).where(eq(orders.outTradeNo, outTradeNo)))[0]

describe('micro_pay and query_order', () => {
  it('takes a payment under the client\'s number, visible to the REST API, and accepts a lowercase authen_code', async () => {
    const w = await world()
    const no = w.orderNo()
    const { requestContent, body } = w.client.envelope({
      pay_mch_key: w.mchKey(),
      pay_content: { out_trade_no: no, total_fee: 1250, author_code: WECHAT_CODE, fee_type: 'CNY', body: '午餐' },
      order_client: { ...ORDER_CLIENT, staff_id: w.adminId },
    })
    const lower = JSON.parse(body) as { authen_info: { a: { authen_code: string } } }
    lower.authen_info.a.authen_code = lower.authen_info.a.authen_code.toLowerCase()
    const r = await w.client.send<Payload>('micro_pay', JSON.stringify({ ...lower, request_content: requestContent }))
    expect(r).toMatchObject({ status: 0, internalStatus: 0, signed: true })
    expect(r.payload.order_content).toMatchObject({ out_trade_no: no, trade_type: 1, total_fee: 1250, body: '午餐', wxpay_order_content_ext: { current_trade_state: 2 } })
    expect(r.payload.order_content.transaction_id).toMatch(/^\d+$/)
    expect(r.payload.pay_mch_key).toMatchObject({ pay_platform: 1, out_sub_mch_id: w.merchant.outSubMchId, out_shop_id: w.store.outShopId })
    expect(r.payload.nonce_str).toHaveLength(32)

    const row = await orderByNo(no)
    expect(row).toMatchObject({ status: 'succeeded', storeId: w.store.id, deviceId: 'POS-01', staffId: w.adminId, tradeType: 'micropay', method: 'wechat_micropay' })
    expect(row?.contentHash).toMatch(/^[0-9a-f]{64}$/)
    const rest = await w.owner.get(`/v1/orders/${row?.id ?? ''}`).expect(200)
    expect(rest.body).toMatchObject({ outTradeNo: no, status: 'succeeded', amountFen: 1250 })

    const q = await queryOrder(w, no)
    expect(q).toMatchObject({ status: 0, signed: true })
    expect(q.payload.order_content).toMatchObject({ out_trade_no: no, trade_type: 1, wxpay_order_content_ext: { current_trade_state: 2 } })
  })

  it('refuses a number without the merchant prefix (102, signed), and a request without machine_no', async () => {
    const w = await world()
    const wrong = await microPay(w, `XX${w.orderNo()}`.slice(0, 32))
    expect(wrong).toMatchObject({ status: 102, signed: true })
    expect(wrong.description).toContain(w.merchant.orderPrefix)
    const noMachine = await microPay(w, w.orderNo(), { orderClient: { device_id: 'POS-01' } })
    expect(noMachine).toMatchObject({ status: 101 })
    expect(await db().db.select().from(orders)).toEqual([])
  })

  it('answers a repeated number with the same content with the same order, and other content with 104/407', async () => {
    const w = await world()
    const no = w.orderNo()
    const first = await microPay(w, no)
    expect(state(first)).toBe(2)
    // A retry: new nonce, another order_client, keys in another order.
    const again = await w.client.call<Payload>('micro_pay', {
      order_client: { ...ORDER_CLIENT, machine_no: 'other' },
      pay_content: { body: '午餐', fee_type: 'CNY', author_code: WECHAT_CODE, total_fee: 1250, out_trade_no: no },
      pay_mch_key: w.mchKey(),
    })
    expect(again).toMatchObject({ status: 0 })
    expect(again.payload.order_content).toMatchObject({ out_trade_no: no, transaction_id: first.payload.order_content.transaction_id, wxpay_order_content_ext: { current_trade_state: 2 } })
    const other = await microPay(w, no, { fee: 1 })
    expect(other).toMatchObject({ status: 104, internalStatus: 407, signed: true })
    expect(await db().db.select().from(orders)).toHaveLength(1)
  })

  it('answers an unknown order 104/400', async () => {
    const w = await world()
    expect(await queryOrder(w, w.orderNo())).toMatchObject({ status: 104, internalStatus: 400, signed: true })
  })

  it('answers a customer still paying with state 9 and asks the channel at most every 5 s', async () => {
    const w = await world()
    await script('USERPAYING_THEN_SUCCESS', { finish_after_seconds: 2 })
    const no = w.orderNo()
    expect(state(await microPay(w, no))).toBe(9)
    await advance(live, c(), 3)
    // Paid at the channel by now, but the last look is less than 5 s old: the stored state.
    expect(state(await queryOrder(w, no))).toBe(9)
    await advance(live, c(), 3)
    expect(state(await queryOrder(w, no))).toBe(2)
  })
})

describe('unified orders, reverse and close_order', () => {
  it('reverses a micropay (RSA-signed with `signature`), and only micropays', async () => {
    const w = await world()
    await script('USERPAYING_TIMEOUT')
    const no = w.orderNo()
    expect(state(await microPay(w, no))).toBe(9)
    const r = await w.client.call<Payload>('reverse', { out_trade_no: no, pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT }, { rsa: { field: 'signature', saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN } })
    expect(r).toMatchObject({ status: 0, signed: true })
    expect(state(await queryOrder(w, no))).toBe(8)
    expect(await orderByNo(no)).toMatchObject({ status: 'reversed', failureCode: 'REVOKED' })
    // Again: nothing left to do.
    expect(await w.client.call('reverse', { out_trade_no: no, pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT })).toMatchObject({ status: 0 })

    const qr = w.orderNo()
    expect(await w.client.call('scan_code_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: qr, total_fee: 100, fee_type: 'CNY', body: '扫码' }, order_client: ORDER_CLIENT })).toMatchObject({ status: 0 })
    expect(await w.client.call('reverse', { out_trade_no: qr, pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT })).toMatchObject({ status: 104 })
  })

  it('makes a native order (scan_code_pay) and closes it', async () => {
    const w = await world()
    const no = w.orderNo()
    const r = await w.client.call<Payload>('scan_code_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: no, total_fee: 300, fee_type: 'CNY', body: '扫码' }, order_client: ORDER_CLIENT })
    expect(r).toMatchObject({ status: 0, signed: true })
    expect(r.payload.code_url).toMatch(/^weixin:\/\//)
    expect(r.payload.order_content).toMatchObject({ out_trade_no: no, trade_type: 2, wxpay_order_content_ext: { current_trade_state: 6 } })
    const row = await orderByNo(no)
    await w.owner.get(`/v1/orders/${row?.id ?? ''}`).expect(200).expect((res) => { expect(res.body).toMatchObject({ method: 'wechat_native', tradeType: 'native', status: 'pending' }) })

    expect(await w.client.call('close_order', { out_trade_no: no, trade_type: 2, pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT })).toMatchObject({ status: 0, signed: true })
    expect(state(await queryOrder(w, no))).toBe(7)
    // A micropay is reversed, not closed.
    const paid = w.orderNo()
    await microPay(w, paid)
    expect(await w.client.call('close_order', { out_trade_no: paid, pay_mch_key: w.mchKey(), order_client: ORDER_CLIENT })).toMatchObject({ status: 104 })
  })

  it('makes an H5 order (mob_web_pay) and needs the payer\'s IP', async () => {
    const w = await world()
    const r = await w.client.call<Payload>('mob_web_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: w.orderNo(), total_fee: 300, fee_type: 'CNY', body: 'H5' }, order_client: ORDER_CLIENT })
    expect(r).toMatchObject({ status: 0 })
    expect(r.payload.mobile_web_pay.wxpay.mweb_url).toEqual(expect.any(String))
    expect(r.payload.mweb_args).toEqual(r.payload.mobile_web_pay)
    const { spbill_create_ip: _ip, ...noIp } = ORDER_CLIENT
    expect(await w.client.call('mob_web_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: w.orderNo(), total_fee: 300, body: 'H5' }, order_client: noIp })).toMatchObject({ status: 101 })
  })
  it('makes JSAPI, mini program and APP orders with the parameters the client starts the payment with', async () => {
    const w = await world()
    const payer = { wxpay_pay_mch_key_ext: { open_id: 'o_cpay_payer_0001' } }
    const oa = await w.client.call<Payload>('official_account_pay', { trade_type: 3, pay_mch_key: w.mchKey(payer), pay_content: { out_trade_no: w.orderNo(), total_fee: 300, body: 'JSAPI' }, order_client: ORDER_CLIENT })
    expect(oa).toMatchObject({ status: 0, payload: { order_content: { trade_type: 3, wxpay_order_content_ext: { current_trade_state: 6 } } } })
    expect(oa.payload.jsapi_args.wxpay.get_brand_wcpay).toMatchObject({ package: expect.stringMatching(/^prepay_id=/), sign_type: 'RSA', pay_sign: expect.any(String) })
    const mini = await w.client.call<Payload>('mini_program_pay', { pay_mch_key: w.mchKey({ wxpay_pay_mch_key_ext: { sub_open_id: 'o_cpay_payer_0002' } }), pay_content: { out_trade_no: w.orderNo(), total_fee: 300, body: '小程序' }, order_client: ORDER_CLIENT })
    expect(mini).toMatchObject({ status: 0, payload: { order_content: { trade_type: 9, wxpay_order_content_ext: { prepare_id: expect.any(String) } } } })
    expect(mini.payload.jsapi_args.wxpay.mini_program_pay.pay_sign).toEqual(expect.any(String))
    const app = await w.client.call<Payload>('app_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: w.orderNo(), total_fee: 300, body: 'APP' }, order_client: ORDER_CLIENT })
    expect(app).toMatchObject({ status: 0, payload: { order_content: { trade_type: 4 } } })
    expect(app.payload.jsapi_args.wxpay.app_pay).toMatchObject({ prepayid: expect.any(String), sign: expect.any(String) })
    // No payer, no JSAPI order; Alipay has no mini program here.
    expect(await w.client.call('official_account_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: w.orderNo(), total_fee: 300 }, order_client: ORDER_CLIENT })).toMatchObject({ status: 101 })
    expect(await w.client.call('mini_program_pay', { pay_mch_key: w.mchKey({ pay_platform: 2 }), pay_content: { out_trade_no: w.orderNo(), total_fee: 300 }, order_client: ORDER_CLIENT })).toMatchObject({ status: 101 })
  })
})

describe('refund and query_refund_order', () => {
  it('accepts a refund (HMAC, RSA with salt 32 and with the maximum salt), and follows it to success', async () => {
    const w = await world()
    const no = w.orderNo()
    expect(state(await microPay(w, no))).toBe(2)
    expect(await queryRefunds(w, no)).toMatchObject({ status: 104, internalStatus: 426, signed: true })

    const r1 = await refund(w, no, `${no}r1`.slice(0, 32), 100)
    expect(r1).toMatchObject({ status: 0, signed: true })
    expect(r1.payload.refund_order_content).toMatchObject({ out_refund_no: `${no}r1`.slice(0, 32), out_trade_no: no, refund_fee: 100, total_fee: 1250, wxpay_refund_order_content_ext: { state: 4 } })
    const r2 = await refund(w, no, `${no}r2`.slice(0, 32), 200, {}, { saltLength: 32, field: 'sign' })
    expect(r2).toMatchObject({ status: 0 })
    const r3 = await refund(w, no, `${no}r3`.slice(0, 32), 300, {}, { saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN, field: 'signature' })
    expect(r3).toMatchObject({ status: 0 })
    // A tampered RSA request is refused.
    const signed = w.client.envelope({ pay_mch_key: w.mchKey(), refund_content: refundContent(no, `${no}r4`.slice(0, 32), 1) }, { rsa: {} })
    expect(await w.client.send('refund', signed.body.replace('"refund_fee\\":1', '"refund_fee\\":2'))).toMatchObject({ status: 101, internalStatus: 7, signed: false })

    // The same refund number again is the same refund; with another amount, 104.
    expect((await refund(w, no, `${no}r1`.slice(0, 32), 100)).payload.refund_order_content.out_refund_no).toBe(`${no}r1`.slice(0, 32))
    expect(await refund(w, no, `${no}r1`.slice(0, 32), 101)).toMatchObject({ status: 104 })
    expect(await refund(w, no, `${no}r5`.slice(0, 32), 651)).toMatchObject({ status: 104 })
    expect(await refund(w, no, `XX${no}`.slice(0, 32), 1)).toMatchObject({ status: 102 })

    const all = await queryRefunds(w, no)
    expect(all).toMatchObject({ status: 0, signed: true })
    expect(all.payload.refund_order_content.map((x: Payload) => [x.refund_fee, x.wxpay_refund_order_content_ext.state])).toEqual([[100, 4], [200, 4], [300, 4]])
    await settle({ out_refund_no: `${no}r1`.slice(0, 32) })
    const one = await queryRefunds(w, no, `${no}r1`.slice(0, 32))
    expect(one.payload.refund_order_content).toHaveLength(1)
    expect(one.payload.refund_order_content[0]).toMatchObject({ refund_fee: 100, wxpay_refund_order_content_ext: { state: 2 } })
    expect(await queryRefunds(w, no, `${no}zz`.slice(0, 32))).toMatchObject({ status: 104, internalStatus: 426 })
    expect(state(await queryOrder(w, no))).toBe(4)
  })

  it('checks the operator on api_version 2: admins, managers and clerks with refund permission', async () => {
    const w = await world()
    const no = w.orderNo()
    await microPay(w, no)
    const clerk = (await w.owner.post(`/v1/stores/${w.store.id}/staff`, { name: '店员', role: 'clerk' }).expect(201)).body.id as string
    await clockIn(db(), clerk, w.store, w.merchant.id)
    const v2 = (key: Record<string, unknown>, n: string, fee = 10) => w.client.call<Payload>('refund', { api_version: 2, pay_mch_key: w.mchKey(key), refund_content: refundContent(no, `${no}${n}`.slice(0, 32), fee), order_client: ORDER_CLIENT })

    const refused = await v2({ authorization_staff_id: clerk }, 'a')
    expect(refused).toMatchObject({ status: 104, signed: true })
    expect(refused.description).toMatch(/没有退款权限/)
    expect(await v2({}, 'b')).toMatchObject({ status: 104 })
    expect(await v2({ authorization_staff_id: 'stf_nobody' }, 'c')).toMatchObject({ status: 104 })
    // api_version 1 checks nothing.
    expect(await w.client.call('refund', { api_version: 1, pay_mch_key: w.mchKey({ authorization_staff_id: clerk }), refund_content: refundContent(no, `${no}d`.slice(0, 32), 10) })).toMatchObject({ status: 0 })

    expect(await v2({ is_sub_mch_admin: true }, 'e')).toMatchObject({ status: 0 })
    expect(await v2({ is_sub_admin: true }, 'f')).toMatchObject({ status: 0 })
    expect(await v2({ authorization_staff_id: w.adminId }, 'g')).toMatchObject({ status: 0 })
    await db().db.update(staff).set({ refundPermission: true }).where(eq(staff.id, clerk))
    expect(await v2({ authorization_staff_id: clerk }, 'h')).toMatchObject({ status: 0 })
    const rest = await w.owner.get(`/v1/orders/${(await orderByNo(no))?.id ?? ''}/refunds`).expect(200)
    expect(rest.body.data.filter((r: Payload) => r.operator.kind === 'staff').map((r: Payload) => r.operator.id)).toEqual([w.adminId, clerk])
    expect((await orderByNo(no))?.refundedFen).toBe(50)
  })
})

describe('the facade and the REST API', () => {
  it('end a micropay → query → refund → query refunds sequence in the same state', async () => {
    const w = await world()
    // Through /cpay.
    const no = w.orderNo()
    expect(state(await microPay(w, no, { body: '午餐' }))).toBe(2)
    expect(state(await queryOrder(w, no))).toBe(2)
    expect(await refund(w, no, `${no}r`.slice(0, 32), 500)).toMatchObject({ status: 0 })
    expect(await queryRefunds(w, no)).toMatchObject({ status: 0 })
    const cpayOrder = await orderByNo(no)
    // Through the REST API, at the same store.
    const paid = await w.owner.post('/v1/micropay', { storeId: w.store.id, authCode: WECHAT_CODE, amountFen: 1250, description: '午餐', deviceId: 'POS-01' }).expect(200)
    await w.owner.get(`/v1/orders/${paid.body.id as string}`).expect(200)
    await w.owner.post(`/v1/orders/${paid.body.id as string}/refunds`, { amountFen: 500 }).expect(201)
    await w.owner.get(`/v1/orders/${paid.body.id as string}/refunds`).expect(200)

    const volatile = { id: expect.any(String), outTradeNo: expect.any(String), channelTxnId: expect.any(String), paidAt: expect.any(String), createdAt: expect.any(String) }
    const viaCpay = (await w.owner.get(`/v1/orders/${cpayOrder?.id ?? ''}`).expect(200)).body
    const viaRest = (await w.owner.get(`/v1/orders/${paid.body.id as string}`).expect(200)).body
    expect({ ...viaCpay, ...volatile }).toEqual({ ...viaRest, ...volatile })
    expect(viaCpay).toMatchObject({ status: 'succeeded', refundedFen: 500, deviceId: 'POS-01', storeId: w.store.id })
    const refundsOf = async (id: string) => (await w.owner.get(`/v1/orders/${id}/refunds`).expect(200)).body.data.map((r: Payload) => ({ amountFen: r.amountFen, status: r.status, reason: r.reason, refundedAt: r.refundedAt }))
    expect(await refundsOf(cpayOrder?.id ?? '')).toEqual(await refundsOf(paid.body.id))
    // Both settle alike.
    await settle()
    expect(await refundsOf(cpayOrder?.id ?? '')).toEqual([{ amountFen: 500, status: 'succeeded', reason: null, refundedAt: expect.any(String) }])
    expect(await refundsOf(paid.body.id)).toEqual([{ amountFen: 500, status: 'succeeded', reason: null, refundedAt: expect.any(String) }])
  })
})
