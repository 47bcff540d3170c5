import { fen } from '@yima/shared'
import { createAlipayDepositAdapter } from '../../../src/channels/alipay/deposit'
import type { ConsumeInput, DepositAdapter, FreezeOutcome, MicroFreezeInput, UnfreezeInput } from '../../../src/channels/deposits'
import { barCode, no, useAlipayContract } from './harness'

// A short timeout keeps the TIMEOUT case fast; the sandbox answers everything else in milliseconds.
const ctx = useAlipayContract({ timeoutMs: 400 })
let deposits: DepositAdapter
beforeAll(() => { deposits = createAlipayDepositAdapter({ gateway: ctx.sandbox.clients.alipay.gateway, timeoutMs: 400 }) })

interface SimAuthOrder {
  auth_no: string
  order_status: string
  rest_amount: string
  total_unfreeze_amount: string
  total_pay_amount: string
  operations: Array<{ operation_type: string, status: string, amount: string, out_request_no: string }>
}

const freezeInput = (amountFen = 10_000): MicroFreezeInput => ({ outFreezeNo: no('frz_'), amountFen: fen(amountFen), description: '押金', authCode: barCode() })

async function frozen (amountFen = 10_000): Promise<{ i: MicroFreezeInput, authNo: string, payerId: string }> {
  const i = freezeInput(amountFen)
  const o = await deposits.microFreeze(i, ctx.creds)
  if (o.kind !== 'frozen') throw new Error(`not frozen: ${JSON.stringify(o)}`)
  return { i, authNo: o.channelFreezeId, payerId: o.payerId ?? '' }
}

const unfreezeOf = (f: { i: MicroFreezeInput, authNo: string }, amountFen: number): UnfreezeInput =>
  ({ outFreezeNo: f.i.outFreezeNo, channelFreezeId: f.authNo, outUnfreezeNo: no('ufz_'), amountFen: fen(amountFen), freezeFen: f.i.amountFen })

const consumeOf = (f: { i: MicroFreezeInput, authNo: string, payerId: string }, amountFen: number, complete: boolean): ConsumeInput => ({
  outFreezeNo: f.i.outFreezeNo,
  channelFreezeId: f.authNo,
  freezeFen: f.i.amountFen,
  outTradeNo: no('csm_'),
  amountFen: fen(amountFen),
  description: '押金消费',
  payerId: f.payerId,
  complete,
})

async function simOrder (outOrderNo: string): Promise<SimAuthOrder> {
  const [o] = (await ctx.sim<SimAuthOrder[]>('GET', `/__sim/alipay/fund-auth?out_order_no=${outOrderNo}`)).body
  if (o === undefined) throw new Error(`no auth order ${outOrderNo}`)
  return o
}

const kindOf = (o: FreezeOutcome): string => o.kind

describe('alipay deposit adapter: 资金授权 (real alipay-sdk against the sandbox)', () => {
  it('micro freeze: frozen at once with auth_no, amount and payer; the query says the same', async () => {
    const i = freezeInput(8800)
    const o = await deposits.microFreeze(i, ctx.creds)
    expect(o).toMatchObject({ kind: 'frozen', channelFreezeId: expect.stringMatching(/^\d{28}$/), amountFen: 8800, frozenAt: expect.any(Date), payerId: expect.stringMatching(/^2088\d{12}$/) })
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'frozen', channelFreezeId: (o as { channelFreezeId: string }).channelFreezeId, amountFen: 8800 })
    expect(await simOrder(i.outFreezeNo)).toMatchObject({ order_status: 'AUTHORIZED', rest_amount: '88.00' })
    // A repeated freeze (same out_order_no / out_request_no) answers the same operation, nothing new.
    expect(await deposits.microFreeze(i, ctx.creds)).toMatchObject({ kind: 'frozen', channelFreezeId: (o as { channelFreezeId: string }).channelFreezeId })
    expect((await simOrder(i.outFreezeNo)).operations).toHaveLength(1)
    // /__sim/reset before each test cleared every earlier test's orders.
    expect((await ctx.sim<SimAuthOrder[]>('GET', '/__sim/alipay/fund-auth')).body).toHaveLength(1)
  })

  it('micro freeze INIT: pending; the query says pending, then frozen once the customer confirms', async () => {
    await ctx.sim('POST', '/__sim/alipay/fund-auth/next', { result: 'INIT_THEN_SUCCESS' })
    const i = freezeInput()
    expect(await deposits.microFreeze(i, ctx.creds)).toMatchObject({ kind: 'pending', channelFreezeId: expect.stringMatching(/^\d{28}$/) })
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'pending' })
    await ctx.advance(10)
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'frozen', amountFen: 10_000 })
  })

  it('a refused freeze is failed with Alipay\'s sub code; a bad payment code too', async () => {
    await ctx.sim('POST', '/__sim/alipay/fund-auth/next', { result: 'FAIL' })
    expect(await deposits.microFreeze(freezeInput(), ctx.creds)).toMatchObject({ kind: 'failed', code: 'MONEY_NOT_ENOUGH' })
    expect(await deposits.microFreeze({ ...freezeInput(), authCode: '123' }, ctx.creds)).toMatchObject({ kind: 'failed', code: 'PAYMENT_AUTH_CODE_INVALID' })
  })

  it('scan freeze: a QR code; no order before the scan; frozen once the customer scans and confirms', async () => {
    const i = { outFreezeNo: no('frz_'), amountFen: fen(5000), description: '押金', expiresAt: new Date(Date.now() + 15 * 60_000) }
    if (deposits.scanFreeze === null) throw new Error('alipay has scan freeze')
    const { outcome, qrCode } = await deposits.scanFreeze(i, ctx.creds)
    expect(outcome).toMatchObject({ kind: 'pending' })
    expect(qrCode).toMatch(/^https:\/\/qr\.alipay\.com\//)
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST' })

    expect((await ctx.sim('POST', '/__sim/alipay/fund-auth/scan', { code_value: qrCode })).status).toBe(200)
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'frozen', amountFen: 5000, payerId: expect.stringMatching(/^2088/) })
  })

  it('partial unfreezes, twice, then the query; a repeated out_request_no moves nothing again', async () => {
    const f = await frozen(10_000)
    const first = unfreezeOf(f, 3000)
    expect(await deposits.unfreeze(first, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 3000, unfrozenAt: expect.any(Date), channelUnfreezeId: expect.any(String) })
    const second = unfreezeOf(f, 2000)
    expect(await deposits.unfreeze(second, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 2000 })
    expect(await deposits.queryUnfreeze(first, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 3000 })
    expect(await deposits.queryUnfreeze(second, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 2000 })
    expect(await deposits.unfreeze(first, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 3000 })
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ order_status: 'AUTHORIZED', rest_amount: '50.00', total_unfreeze_amount: '50.00' })
    // An unfreeze that was never sent: no such operation.
    expect(await deposits.queryUnfreeze(unfreezeOf(f, 100), ctx.creds)).toMatchObject({ kind: 'failed', code: 'AUTH_OPERATION_NOT_EXIST' })
  })

  it('unfreezing more than the rest is refused; unfreezing all of it closes the order', async () => {
    const f = await frozen(10_000)
    await deposits.unfreeze(unfreezeOf(f, 6000), ctx.creds)
    expect(await deposits.unfreeze(unfreezeOf(f, 4001), ctx.creds)).toMatchObject({ kind: 'failed', code: 'REQUEST_AMOUNT_EXCEED' })
    expect(await deposits.unfreeze(unfreezeOf(f, 4000), ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 4000 })
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ order_status: 'CLOSED', rest_amount: '0.00' })
    expect(await deposits.unfreeze(unfreezeOf(f, 1), ctx.creds)).toMatchObject({ kind: 'failed', code: 'ORDER_ALREADY_CLOSED' })
  })

  it('consume NOT_COMPLETE keeps the rest frozen; COMPLETE then releases it and finishes the order', async () => {
    const f = await frozen(10_000)
    const c1 = consumeOf(f, 2500, false)
    const paid = await deposits.consume(c1, ctx.creds)
    expect(paid).toMatchObject({ kind: 'succeeded', amountFen: 2500, channelTxnId: expect.stringMatching(/^\d{28}$/), paidAt: expect.any(Date) })
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ order_status: 'AUTHORIZED', rest_amount: '75.00', total_pay_amount: '25.00' })
    // Its answer lost: the query finds the trade. A consumption never sent is pending (safe to send).
    expect(await deposits.queryConsume(c1, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 2500 })
    const c2 = consumeOf(f, 1000, true)
    expect(await deposits.queryConsume(c2, ctx.creds)).toMatchObject({ kind: 'pending' })

    expect(await deposits.consume(c2, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1000 })
    const o = await simOrder(f.i.outFreezeNo)
    expect(o).toMatchObject({ order_status: 'FINISH', rest_amount: '0.00', total_pay_amount: '35.00', total_unfreeze_amount: '65.00' })
    expect(o.operations.map((op) => op.operation_type)).toEqual(['FREEZE', 'PAY', 'PAY', 'UNFREEZE'])
    // Repeating the same consumption pays nothing twice.
    expect(await deposits.consume(c2, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await deposits.queryConsume(c2, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1000 })
    // The order is finished: nothing more can be consumed or released.
    expect(await deposits.queryConsume(consumeOf(f, 1, false), ctx.creds)).toMatchObject({ kind: 'failed' })
    expect(await deposits.unfreeze(unfreezeOf(f, 1), ctx.creds)).toMatchObject({ kind: 'failed', code: 'ORDER_ALREADY_FINISH' })
  })

  it('consuming more than the rest is refused and pays nothing', async () => {
    const f = await frozen(5000)
    await deposits.unfreeze(unfreezeOf(f, 2000), ctx.creds)
    const c = consumeOf(f, 3001, true)
    expect(await deposits.consume(c, ctx.creds)).toMatchObject({ kind: 'failed', code: 'ACQ.REQUEST_AMOUNT_EXCEED' })
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ rest_amount: '30.00', total_pay_amount: '0.00' })
    const orders = (await ctx.sim<unknown[]>('GET', `/__sim/alipay/orders?out_trade_no=${c.outTradeNo}`)).body
    expect(orders).toEqual([])
  })

  it('a consumption is refunded as a normal trade; the refund query finds it', async () => {
    const f = await frozen(10_000)
    const c = consumeOf(f, 4000, true)
    expect((await deposits.consume(c, ctx.creds)).kind).toBe('succeeded')
    const refund = { outTradeNo: c.outTradeNo, outRefundNo: no('rfd_'), refundFen: fen(1500), totalFen: fen(4000), freezeFen: fen(10_000), channelFreezeId: f.authNo }
    expect(await deposits.refund(refund, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1500 })
    expect(await deposits.queryRefund(refund, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 1500 })
    // The refund goes back to the customer's balance; the freeze is not touched.
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ order_status: 'FINISH', total_pay_amount: '40.00' })
  })

  it('cancel: a pending freeze is closed and can no longer complete; a frozen one is released whole', async () => {
    await ctx.sim('POST', '/__sim/alipay/fund-auth/next', { result: 'INIT_THEN_SUCCESS' })
    const i = freezeInput()
    expect(await deposits.microFreeze(i, ctx.creds)).toMatchObject({ kind: 'pending' })
    expect(await deposits.cancelFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'CANCELLED' })
    await ctx.advance(10)
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'CLOSED' })
    // A repeated cancel answers the same.
    expect(await deposits.cancelFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'CANCELLED' })

    const f = await frozen(3000)
    expect(await deposits.cancelFreeze(f.i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'CANCELLED', message: expect.stringContaining('released') })
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ order_status: 'CLOSED', rest_amount: '0.00', total_unfreeze_amount: '30.00' })

    // A freeze already partly released cannot be cancelled: the answer is the freeze as it stands.
    const g = await frozen(3000)
    await deposits.unfreeze(unfreezeOf(g, 100), ctx.creds)
    expect(await deposits.cancelFreeze(g.i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'frozen', amountFen: 3000 })
    // Nothing by that number ever reached Alipay.
    expect(await deposits.cancelFreeze(no('frz_'), ctx.creds)).toMatchObject({ kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST' })
  })

  it('another merchant\'s app_auth_token sees no freeze and can neither release nor consume it', async () => {
    const f = await frozen(10_000)
    const other = await ctx.authorize()
    expect(await deposits.queryFreeze(f.i.outFreezeNo, other)).toMatchObject({ kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST' })
    expect(await deposits.unfreeze(unfreezeOf(f, 100), other)).toMatchObject({ kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST' })
    expect(await deposits.consume(consumeOf(f, 100, false), other)).toMatchObject({ kind: 'failed', code: 'ACQ.AUTH_ORDER_NOT_EXIST' })
    expect(await deposits.cancelFreeze(f.i.outFreezeNo, other)).toMatchObject({ kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST' })
    expect(await simOrder(f.i.outFreezeNo)).toMatchObject({ order_status: 'AUTHORIZED', rest_amount: '100.00' })
  })

  it('5xx and TIMEOUT are unknown; the query then tells what happened', async () => {
    const i = freezeInput()
    await ctx.fault('alipay.fund.auth.order.freeze', '5xx')
    expect(await deposits.microFreeze(i, ctx.creds)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('aop.unknow-error') })
    // The 5xx came before the method ran: nothing was frozen.
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST' })

    await ctx.fault('alipay.fund.auth.order.freeze', 'TIMEOUT')
    expect(await deposits.microFreeze(i, ctx.creds)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('timeout') })
    expect(await deposits.queryFreeze(i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'frozen', amountFen: 10_000 })

    const f = await frozen(10_000)
    const u = unfreezeOf(f, 500)
    await ctx.fault('alipay.fund.auth.order.unfreeze', 'TIMEOUT')
    expect(await deposits.unfreeze(u, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await deposits.queryUnfreeze(u, ctx.creds)).toMatchObject({ kind: 'succeeded', amountFen: 500 })
    for (const m of ['alipay.fund.auth.operation.detail.query', 'alipay.fund.auth.operation.cancel', 'alipay.trade.pay']) await ctx.fault(m, '5xx')
    expect(await deposits.queryFreeze(f.i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await deposits.cancelFreeze(f.i.outFreezeNo, ctx.creds)).toMatchObject({ kind: 'unknown' })
    expect(await deposits.consume(consumeOf(f, 100, false), ctx.creds)).toMatchObject({ kind: 'unknown' })
  })

  it('a wrong answer signature (SIGN_BAD) is unknown, never read', async () => {
    const i = freezeInput()
    await ctx.fault('alipay.fund.auth.order.freeze', 'SIGN_BAD')
    const o = await deposits.microFreeze(i, ctx.creds)
    expect(o).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/^alipay\.fund\.auth\.order\.freeze: answer signature does not verify/) })
    expect(o).not.toHaveProperty('raw')
    expect(kindOf(await deposits.queryFreeze(i.outFreezeNo, ctx.creds))).toBe('frozen')

    const f = await frozen()
    await ctx.fault('alipay.fund.auth.order.unfreeze', 'SIGN_BAD')
    expect(await deposits.unfreeze(unfreezeOf(f, 100), ctx.creds)).toMatchObject({ kind: 'unknown' })
    await ctx.fault('alipay.trade.pay', 'SIGN_BAD')
    expect(await deposits.consume(consumeOf(f, 100, false), ctx.creds)).toMatchObject({ kind: 'unknown' })
  })
})
