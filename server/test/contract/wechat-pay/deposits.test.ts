import { fen } from '@yima/shared'
import type { ConsumeInput, DepositAdapter, FreezeOutcome, MicroFreezeInput, UnfreezeInput } from '../../../src/channels/deposits'
import { createWechatDepositAdapter } from '../../../src/channels/wechat-pay/deposit'
import { AUTH_CODE, tradeNo, useContract, type WechatCredentials } from './helpers'

const ctx = useContract()
let deposits: DepositAdapter
/** 250 ms deadline, for the TIMEOUT fault. */
let impatient: DepositAdapter

beforeAll(() => {
  deposits = createWechatDepositAdapter({ baseUrl: ctx.cfg.baseUrl, timeoutMs: 2000 })
  impatient = createWechatDepositAdapter({ baseUrl: ctx.cfg.baseUrl, timeoutMs: 250 })
})

/** Sandbox fault keys (sandbox/src/wxpay/README.md, 押金). */
const ROUTE = {
  micropay: 'wxpay:POST /deposit/micropay',
  consume: 'wxpay:POST /deposit/consume',
  reverse: 'wxpay:POST /deposit/reverse',
} as const

interface SimDeposit { out_trade_no: string, transaction_id: string, trade_state: string, total_fee: number, consume_fee: number, returned_fee: number, refunded_fee: number, refunds: Array<{ out_refund_no: string, refund_status: string }> }

const creds = (o: { apiV2Key?: string | null, subMchId?: string, certificate?: null } = {}): WechatCredentials => {
  const base = { ...ctx.creds(o.subMchId === undefined ? {} : { subMchId: o.subMchId }), merchantCertificate: o.certificate === null ? null : ctx.cfg.merchantCertificatePem }
  return o.apiV2Key === null ? base : { ...base, apiV2Key: o.apiV2Key ?? ctx.cfg.apiV2Key }
}
const freezeInput = (o: Partial<MicroFreezeInput> = {}): MicroFreezeInput => ({ outFreezeNo: tradeNo('D'), amountFen: fen(50_000), description: '酒店-深圳店-房费押金', authCode: AUTH_CODE, clientIp: '10.0.0.8', ...o })
const next = async (result: string, o: Record<string, unknown> = {}): Promise<void> => {
  expect((await ctx.sim('POST', '/__sim/wxpay/deposit/next', { result, ...o })).status).toBe(200)
}
const simDeposit = async (outTradeNo: string): Promise<SimDeposit | undefined> =>
  (await ctx.sim<SimDeposit[]>('GET', '/__sim/wxpay/deposits')).body.find((d) => d.out_trade_no === outTradeNo)

/** A deposit held at WeChat, and what consume / unfreeze need to name it. */
async function frozenDeposit (amount = 50_000): Promise<{ input: MicroFreezeInput, id: string }> {
  const input = freezeInput({ amountFen: fen(amount) })
  const out = await deposits.microFreeze(input, creds())
  if (out.kind !== 'frozen') throw new Error(`expected frozen, got ${JSON.stringify(out)}`)
  return { input, id: out.channelFreezeId }
}
const consumeInput = (f: { input: MicroFreezeInput, id: string }, amount: number): ConsumeInput => ({
  outFreezeNo: f.input.outFreezeNo, channelFreezeId: f.id, freezeFen: f.input.amountFen, outTradeNo: tradeNo('C'), amountFen: fen(amount), description: '房费', complete: true,
})
const unfreezeInput = (f: { input: MicroFreezeInput, id: string }, amount = f.input.amountFen as number): UnfreezeInput => ({
  outFreezeNo: f.input.outFreezeNo, channelFreezeId: f.id, outUnfreezeNo: tradeNo('U'), amountFen: fen(amount), freezeFen: f.input.amountFen,
})

describe('wechat-pay deposit adapter (押金 v2) against the sandbox', () => {
  it('freeze: SUCCESS → frozen with the transaction id, amount, payer and time', async () => {
    const input = freezeInput()
    const out = await deposits.microFreeze(input, creds())
    expect(out).toMatchObject({ kind: 'frozen', channelFreezeId: expect.stringMatching(/^4200\d{24}$/), amountFen: 50_000, payerId: expect.stringMatching(/^o/), frozenAt: expect.any(Date) })
    expect(await simDeposit(input.outFreezeNo)).toMatchObject({ trade_state: 'SUCCESS', total_fee: 50_000, consume_fee: 0 })
    expect(await deposits.queryFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'frozen', channelFreezeId: (out as Extract<FreezeOutcome, { kind: 'frozen' }>).channelFreezeId })
  })

  it('USERPAYING → pending; once the customer confirms, queryFreeze → frozen', async () => {
    await next('USERPAYING_THEN_SUCCESS', { finish_after_seconds: 10 })
    const input = freezeInput()
    expect(await deposits.microFreeze(input, creds())).toMatchObject({ kind: 'pending', raw: { err_code: 'USERPAYING' } })
    expect(await deposits.queryFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'pending', raw: { trade_state: 'USERPAYING' } })
    await ctx.advance(11)
    expect(await deposits.queryFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'frozen', amountFen: 50_000 })
  })

  it('USERPAYING that never completes: cancelFreeze → failed CANCELLED, and the deposit reads REVOKED', async () => {
    await next('USERPAYING_TIMEOUT')
    const input = freezeInput()
    expect((await deposits.microFreeze(input, creds())).kind).toBe('pending')
    expect(await deposits.cancelFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'failed', code: 'CANCELLED' })
    expect(await deposits.queryFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'failed', code: 'REVOKED' })
    expect(await deposits.cancelFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'failed', code: 'CANCELLED' })
  })

  it('a refused payment (NOTENOUGH) → failed; SYSTEMERROR → unknown, and the query finds the money taken', async () => {
    await next('PAYERROR', { err_code: 'NOTENOUGH' })
    expect(await deposits.microFreeze(freezeInput(), creds())).toMatchObject({ kind: 'failed', code: 'NOTENOUGH' })
    await next('SYSTEMERROR')
    const input = freezeInput()
    expect(await deposits.microFreeze(input, creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('SYSTEMERROR') })
    expect(await deposits.queryFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'frozen', amountFen: 50_000 })
    // Retrying the identical call (WeChat's advice) answers the deposit as it is.
    expect((await deposits.microFreeze(input, creds())).kind).toBe('frozen')
  })

  it('consume part → succeeded with the transaction id; WeChat hands the rest back', async () => {
    const f = await frozenDeposit(50_000)
    const out = await deposits.consume(consumeInput(f, 32_000), creds())
    expect(out).toMatchObject({ kind: 'succeeded', channelTxnId: f.id, amountFen: 32_000, paidAt: expect.any(Date) })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ trade_state: 'CONSUMED', consume_fee: 32_000, returned_fee: 18_000 })
    expect(await deposits.queryConsume(consumeInput(f, 32_000), creds())).toMatchObject({ kind: 'succeeded', amountFen: 32_000 })
    // The freeze itself did happen; raw says it has been consumed.
    expect(await deposits.queryFreeze(f.input.outFreezeNo, creds())).toMatchObject({ kind: 'frozen', raw: { trade_state: 'CONSUMED', consume_fee: '32000' } })
  })

  it('a second consumption is refused; repeating the same one (a lost answer) is recognised as done', async () => {
    const f = await frozenDeposit()
    expect((await deposits.consume(consumeInput(f, 10_000), creds())).kind).toBe('succeeded')
    expect(await deposits.consume(consumeInput(f, 5_000), creds())).toMatchObject({ kind: 'failed', code: 'ORDERCONSUMED' })
    expect(await deposits.consume(consumeInput(f, 10_000), creds())).toMatchObject({ kind: 'succeeded', amountFen: 10_000 })
    expect(await deposits.queryConsume(consumeInput(f, 5_000), creds())).toMatchObject({ kind: 'failed', code: 'ORDERCONSUMED' })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ consume_fee: 10_000 })
  })

  it('queryConsume before any consumption → pending; consume over the deposit → failed PARAM_ERROR', async () => {
    const f = await frozenDeposit(1_000)
    expect(await deposits.queryConsume(consumeInput(f, 500), creds())).toMatchObject({ kind: 'pending', raw: { trade_state: 'SUCCESS' } })
    expect(await deposits.consume(consumeInput(f, 1_001), creds())).toMatchObject({ kind: 'failed', code: 'PARAM_ERROR' })
  })

  it('unfreeze the whole deposit → succeeded, and queryUnfreeze agrees', async () => {
    const f = await frozenDeposit()
    expect(await deposits.unfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'succeeded', amountFen: 50_000 })
    expect(await deposits.queryUnfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'succeeded', amountFen: 50_000, raw: { trade_state: 'REVOKED' } })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ trade_state: 'REVOKED', returned_fee: 50_000 })
    // Consuming a returned deposit cannot happen any more.
    expect(await deposits.consume(consumeInput(f, 100), creds())).toMatchObject({ kind: 'failed', code: 'ORDERREVERSED' })
  })

  it('a partial unfreeze is refused before any call; queryUnfreeze of a held deposit says it was not unfrozen', async () => {
    const f = await frozenDeposit()
    expect(await deposits.unfreeze(unfreezeInput(f, 20_000), creds())).toMatchObject({ kind: 'failed', code: 'PARTIAL_UNFREEZE_UNSUPPORTED' })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ trade_state: 'SUCCESS' })
    expect(await deposits.queryUnfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'failed', code: 'NOT_UNFROZEN' })
  })

  it('reverse after a consumption is refused: unfreeze → failed ORDERCONSUMED, cancelFreeze reports the deposit as it is', async () => {
    const f = await frozenDeposit()
    expect((await deposits.consume(consumeInput(f, 20_000), creds())).kind).toBe('succeeded')
    expect(await deposits.unfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'failed', code: 'ORDERCONSUMED' })
    expect(await deposits.queryUnfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'failed', code: 'ORDERCONSUMED' })
    expect(await deposits.cancelFreeze(f.input.outFreezeNo, creds())).toMatchObject({ kind: 'frozen', raw: { trade_state: 'CONSUMED' } })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ trade_state: 'CONSUMED', consume_fee: 20_000 })
  })

  it('refund of the consumption: accepted (pending), then succeeded; same out_refund_no is the same refund; never more than consumed', async () => {
    const f = await frozenDeposit(50_000)
    await deposits.consume(consumeInput(f, 30_000), creds())
    const refund = { outTradeNo: tradeNo('C'), outRefundNo: tradeNo('R'), refundFen: fen(12_000), totalFen: fen(30_000), freezeFen: fen(50_000), reason: '房间未使用迷你吧', channelFreezeId: f.id }
    const accepted = await deposits.refund(refund, creds())
    expect(accepted).toMatchObject({ kind: 'pending', channelRefundId: expect.stringMatching(/^50\d{27}$/) })
    expect(await deposits.queryRefund(refund, creds())).toMatchObject({ kind: 'pending' })
    await ctx.advance(6)
    expect(await deposits.queryRefund(refund, creds())).toMatchObject({ kind: 'succeeded', amountFen: 12_000, refundedAt: expect.any(Date), channelRefundId: (accepted as { channelRefundId: string }).channelRefundId })
    expect(await deposits.refund(refund, creds())).toMatchObject({ kind: 'pending', channelRefundId: (accepted as { channelRefundId: string }).channelRefundId })
    expect(await deposits.refund({ ...refund, outRefundNo: tradeNo('R'), refundFen: fen(18_001) }, creds())).toMatchObject({ kind: 'failed', code: 'INVALID_REQUEST' })
    expect(await deposits.queryRefund({ ...refund, outRefundNo: tradeNo('R') }, creds())).toMatchObject({ kind: 'failed', code: 'REFUNDNOTEXIST' })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ refunded_fee: 12_000, refunds: [{ out_refund_no: refund.outRefundNo, refund_status: 'SUCCESS' }] })
  })

  it('refund before any consumption → failed TRADE_STATE_ERROR', async () => {
    const f = await frozenDeposit()
    expect(await deposits.refund({ outTradeNo: tradeNo('C'), outRefundNo: tradeNo('R'), refundFen: fen(100), totalFen: fen(100), freezeFen: fen(50_000), channelFreezeId: f.id }, creds())).toMatchObject({ kind: 'failed', code: 'TRADE_STATE_ERROR' })
  })

  it('without the merchant API certificate the certificate APIs are refused before anything is sent', async () => {
    const f = await frozenDeposit()
    expect(await deposits.consume(consumeInput(f, 100), creds({ certificate: null }))).toMatchObject({ kind: 'failed', code: 'MERCHANT_CERTIFICATE_MISSING' })
    expect(await simDeposit(f.input.outFreezeNo)).toMatchObject({ trade_state: 'SUCCESS', consume_fee: 0 })
  })

  it('a wrong API v2 key: WeChat refuses the request (failed, unsigned 签名错误) and nothing is frozen', async () => {
    const input = freezeInput()
    expect(await deposits.microFreeze(input, creds({ apiV2Key: 'x'.repeat(32) }))).toMatchObject({ kind: 'failed', code: 'RETURN_FAIL', message: '签名错误' })
    expect(await simDeposit(input.outFreezeNo)).toBeUndefined()
    // A query under the wrong key settles nothing.
    expect(await deposits.queryFreeze(input.outFreezeNo, creds({ apiV2Key: 'x'.repeat(32) }))).toMatchObject({ kind: 'unknown' })
  })

  it('no API v2 key configured → failed API_V2_KEY_MISSING, without a call', async () => {
    const input = freezeInput()
    expect(await deposits.microFreeze(input, creds({ apiV2Key: null }))).toMatchObject({ kind: 'failed', code: 'API_V2_KEY_MISSING' })
    expect(await deposits.queryFreeze(input.outFreezeNo, creds({ apiV2Key: 'short' }))).toMatchObject({ kind: 'failed', code: 'API_V2_KEY_MISSING' })
    expect(await simDeposit(input.outFreezeNo)).toBeUndefined()
  })

  it('an answer whose sign does not verify is not trusted: unknown, for SUCCESS and for FAIL answers', async () => {
    const input = freezeInput()
    await ctx.fault(ROUTE.micropay, 'SIGN_BAD')
    expect(await deposits.microFreeze(input, creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('EV2_RES_SIGNATURE_NOT_EQUAL') })
    const out = await deposits.queryFreeze(input.outFreezeNo, creds())
    expect(out.kind).toBe('frozen')
    const f = { input, id: (out as Extract<FreezeOutcome, { kind: 'frozen' }>).channelFreezeId }
    await ctx.fault(ROUTE.consume, 'SIGN_BAD')
    expect(await deposits.consume(consumeInput(f, 60_000), creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('signature') })
  })

  it('another service provider\'s sub-merchant → refused (failed), nothing frozen', async () => {
    const other = await ctx.sim<{ subMchIds: string[] }>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })
    expect(other.status).toBe(201)
    const input = freezeInput()
    expect(await deposits.microFreeze(input, creds({ subMchId: other.body.subMchIds[0] ?? '' }))).toMatchObject({ kind: 'failed', code: 'RETURN_FAIL', message: 'sub_mch_id与mch_id不匹配' })
    expect(await simDeposit(input.outFreezeNo)).toBeUndefined()
  })

  it('TIMEOUT → unknown (the request never got through: the query finds no order); 5xx → unknown', async () => {
    const input = freezeInput()
    await ctx.fault(ROUTE.micropay, 'TIMEOUT')
    expect(await impatient.microFreeze(input, creds())).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('no answer') })
    expect(await deposits.queryFreeze(input.outFreezeNo, creds())).toMatchObject({ kind: 'failed', code: 'ORDERNOTEXIST' })
    const f = await frozenDeposit()
    await ctx.fault(ROUTE.reverse, '5xx')
    // A 500 with a gateway's text page: the SDK's XML transform cannot read it, so nothing is known.
    expect(await deposits.unfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'unknown' })
    expect(await deposits.unfreeze(unfreezeInput(f), creds())).toMatchObject({ kind: 'succeeded' })
  })
})
