import { parseV2Xml, toV2Xml, v2Sign } from '../src/wxpay/deposits'
import { startHarness, tradeNo, type Harness } from './helpers/wxpay'

let h: Harness
beforeAll(async () => { h = await startHarness() })
afterAll(async () => { await h.stop() })
beforeEach(async () => { await h.sim('POST', '/__sim/reset') })

/** One raw v2 call: fields signed (unless `sign` is given) under `key`, the XML answer parsed. */
async function post (name: string, fields: Record<string, string | number>, key = h.cfg.apiV2Key): Promise<{ status: number, text: string, answer: Record<string, string> }> {
  const body = { nonce_str: 'n0nce', sign_type: 'HMAC-SHA256', ...fields }
  const signed = { ...body, sign: 'sign' in fields ? String(fields.sign) : v2Sign(body, key) }
  const res = await fetch(`${h.sandbox.urls.wxpay}/deposit/${name}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: toV2Xml(signed) })
  const text = await res.text()
  return { status: res.status, text, answer: parseV2Xml(text) ?? {} }
}

const head = (): Record<string, string> => ({ appid: h.cfg.spAppId, mch_id: h.cfg.spMchId, sub_mch_id: h.cfg.subMchIds[0] ?? '' })
const micropay = (o: Record<string, string | number> = {}): Record<string, string | number> => ({
  ...head(), deposit: 'Y', body: '酒店-前台-押金', out_trade_no: tradeNo('D'), total_fee: 20_000, fee_type: 'CNY', spbill_create_ip: '10.0.0.8', auth_code: '134567890123456789', ...o,
})

describe('wxpay 押金 (v2 /deposit/*)', () => {
  it('answers signed XML: HMAC-SHA256 under the SP key, upper-case hex, over every field but sign', async () => {
    const { status, text, answer } = await post('micropay', micropay())
    expect(status).toBe(200)
    expect(text).toMatch(/^<xml><return_code><!\[CDATA\[SUCCESS\]\]><\/return_code>/)
    expect(answer).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'MICROPAY', total_fee: '20000', time_end: expect.stringMatching(/^\d{14}$/) })
    expect(answer.sign).toMatch(/^[0-9A-F]{64}$/)
    expect(answer.sign).toBe(v2Sign(answer, h.cfg.apiV2Key))
  })

  it('a bad sign, an MD5 sign_type or an unknown mch_id → return_code FAIL, unsigned; nothing is created', async () => {
    const order = micropay()
    expect((await post('micropay', order, 'y'.repeat(32))).answer).toEqual({ return_code: 'FAIL', return_msg: '签名错误' })
    expect((await post('micropay', { ...order, sign_type: 'MD5' })).answer).toMatchObject({ return_code: 'FAIL' })
    expect((await post('micropay', { ...order, mch_id: '1999999999' })).answer).toEqual({ return_code: 'FAIL', return_msg: 'mch_id参数错误' })
    expect((await h.sim<unknown[]>('GET', '/__sim/wxpay/deposits')).body).toEqual([])
  })

  it('business refusals are signed result_code FAIL with err_code: deposit≠Y, bad auth_code, wrong appid', async () => {
    const a = (await post('micropay', micropay({ deposit: 'N' }))).answer
    expect(a).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'PARAM_ERROR' })
    expect(a.sign).toBe(v2Sign(a, h.cfg.apiV2Key))
    expect((await post('micropay', micropay({ auth_code: '284567890123456789' }))).answer).toMatchObject({ err_code: 'AUTH_CODE_INVALID' })
    expect((await post('micropay', micropay({ appid: 'wx0000000000000000' }))).answer).toMatchObject({ err_code: 'APPID_MCHID_NOT_MATCH' })
  })

  it('the same out_trade_no with other parameters → OUT_TRADE_NO_USED / ORDERPAID; identical → the same answer', async () => {
    await h.sim('POST', '/__sim/wxpay/deposit/next', { result: 'USERPAYING_TIMEOUT' })
    const pending = micropay()
    expect((await post('micropay', pending)).answer).toMatchObject({ err_code: 'USERPAYING' })
    expect((await post('micropay', { ...pending, total_fee: 1 })).answer).toMatchObject({ err_code: 'OUT_TRADE_NO_USED' })
    const paid = micropay()
    const first = (await post('micropay', paid)).answer
    expect((await post('micropay', paid)).answer).toMatchObject({ result_code: 'SUCCESS', transaction_id: first.transaction_id })
    expect((await post('micropay', { ...paid, total_fee: 1 })).answer).toMatchObject({ err_code: 'ORDERPAID' })
  })

  it('consume once, ≤ total; the rest is returned; reverse afterwards → ORDERCONSUMED; refunds ≤ consumed', async () => {
    const order = micropay()
    const { transaction_id: txn } = (await post('micropay', order)).answer
    expect((await post('consume', { ...head(), transaction_id: txn ?? '', total_fee: 20_000, consume_fee: 20_001, fee_type: 'CNY' })).answer).toMatchObject({ err_code: 'PARAM_ERROR' })
    expect((await post('consume', { ...head(), transaction_id: txn ?? '', total_fee: 20_000, consume_fee: 7_000, fee_type: 'CNY' })).answer).toMatchObject({ result_code: 'SUCCESS', consume_fee: '7000' })
    expect((await post('consume', { ...head(), transaction_id: txn ?? '', total_fee: 20_000, consume_fee: 7_000, fee_type: 'CNY' })).answer).toMatchObject({ err_code: 'ORDERCONSUMED' })
    expect((await post('reverse', { ...head(), out_trade_no: String(order.out_trade_no) })).answer).toMatchObject({ err_code: 'ORDERCONSUMED' })
    expect((await post('orderquery', { ...head(), out_trade_no: String(order.out_trade_no) })).answer).toMatchObject({ trade_state: 'CONSUMED', consume_fee: '7000' })
    const refund = (o: Record<string, string | number>): Record<string, string | number> => ({ ...head(), transaction_id: txn ?? '', total_fee: 20_000, out_refund_no: 'R1', refund_fee: 5_000, ...o })
    expect((await post('refund', refund({}))).answer).toMatchObject({ result_code: 'SUCCESS', refund_fee: '5000' })
    expect((await post('refund', refund({ out_refund_no: 'R2', refund_fee: 2_001 }))).answer).toMatchObject({ err_code: 'INVALID_REQUEST' })
    expect((await post('refund', refund({ refund_fee: 4_000 }))).answer).toMatchObject({ err_code: 'INVALID_REQUEST' })
    h.sandbox.world.clock.advance(6_000)
    await h.idle()
    expect((await post('refundquery', { ...head(), out_refund_no: 'R1' })).answer).toMatchObject({ refund_count: '1', refund_status_0: 'SUCCESS', refund_success_time_0: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/) })
    const [d] = (await h.sim<Array<Record<string, unknown>>>('GET', '/__sim/wxpay/deposits')).body
    expect(d).toMatchObject({ trade_state: 'CONSUMED', total_fee: 20_000, consume_fee: 7_000, returned_fee: 13_000, refunded_fee: 5_000 })
  })

  it('another SP\'s deposit is invisible: its sub_mch_id under this mch_id → return_code FAIL', async () => {
    const other = await h.sim<{ subMchIds: string[] }>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })
    expect((await post('orderquery', { ...head(), sub_mch_id: other.body.subMchIds[0] ?? '', out_trade_no: 'X1' })).answer).toEqual({ return_code: 'FAIL', return_msg: 'sub_mch_id与mch_id不匹配' })
  })

  it('control: deposit/next validates its input; reset forgets deposits and the script', async () => {
    expect((await h.sim('POST', '/__sim/wxpay/deposit/next', { result: 'MAYBE' })).status).toBe(400)
    expect((await h.sim('POST', '/__sim/wxpay/deposit/next', { result: 'PAYERROR', err_code: 'AUTHCODEEXPIRE' })).body).toEqual({ queued: ['PAYERROR'] })
    await post('micropay', micropay({ out_trade_no: 'KEEP1' }))
    expect((await h.sim<unknown[]>('GET', '/__sim/wxpay/deposits')).body).toHaveLength(1)
    await h.sim('POST', '/__sim/reset')
    expect((await h.sim<unknown[]>('GET', '/__sim/wxpay/deposits')).body).toEqual([])
    expect((await post('micropay', micropay())).answer).toMatchObject({ result_code: 'SUCCESS' })
  })

  it('faults: TIMEOUT never answers, 5xx is a bare 500, SIGN_BAD breaks the answer\'s sign', async () => {
    await h.sim('POST', '/__sim/faults', { route: 'wxpay:POST /deposit/micropay', mode: '5xx' })
    expect((await post('micropay', micropay())).status).toBe(500)
    await h.sim('POST', '/__sim/faults', { route: 'wxpay:POST /deposit/micropay', mode: 'SIGN_BAD' })
    const bad = (await post('micropay', micropay())).answer
    expect(bad.result_code).toBe('SUCCESS')
    expect(bad.sign).not.toBe(v2Sign(bad, h.cfg.apiV2Key))
    await h.sim('POST', '/__sim/faults', { route: 'wxpay:POST /deposit/orderquery', mode: 'TIMEOUT' })
    await expect(fetch(`${h.sandbox.urls.wxpay}/deposit/orderquery`, { method: 'POST', body: '<xml></xml>', headers: { 'content-type': 'text/xml' }, signal: AbortSignal.timeout(200) })).rejects.toThrow()
  })
})
