import { fen } from '@yima/shared'
import { createMetrics, type Metrics } from '../metrics'
import type { DepositAdapter, FreezeOutcome } from './deposits'
import { instrumentAdapter } from './instrumented'
import { ChannelSignatureError, type ChannelAdapter, type ChannelCredentials, type ChannelOutcome } from './types'

const creds: ChannelCredentials = { channel: 'alipay', appId: '2021000000000001', privateKey: 'k', alipayPublicKey: 'p' }
const paid: ChannelOutcome = { kind: 'succeeded', channelTxnId: '4200000001', amountFen: fen(100), paidAt: new Date(0), raw: {} }

const unexpected = async (): Promise<never> => { throw new Error('not called in this test') }

function paymentAdapter (over: Partial<ChannelAdapter> = {}): ChannelAdapter {
  return {
    channel: 'wechat_pay',
    supports: () => true,
    createPayment: unexpected,
    queryPayment: unexpected,
    closePayment: unexpected,
    reversePayment: unexpected,
    refund: unexpected,
    queryRefund: unexpected,
    parseNotification: unexpected,
    ack: (ok) => ({ status: ok ? 204 : 500 }),
    ...over,
  }
}

function depositAdapter (over: Partial<DepositAdapter> = {}): DepositAdapter {
  return {
    channel: 'alipay',
    microFreeze: unexpected,
    scanFreeze: null,
    queryFreeze: unexpected,
    cancelFreeze: unexpected,
    consume: unexpected,
    queryConsume: unexpected,
    unfreeze: unexpected,
    queryUnfreeze: unexpected,
    refund: unexpected,
    queryRefund: unexpected,
    ...over,
  }
}

/** `{ "<channel> <operation> <outcome>": count }` of yima_channel_calls_total. */
async function calls (m: Metrics): Promise<Record<string, number>> {
  const { values } = await m.channelCalls.get()
  return Object.fromEntries(values.map((v) => [`${String(v.labels.channel)} ${String(v.labels.operation)} ${String(v.labels.outcome)}`, v.value]))
}

async function timed (m: Metrics, operation: string): Promise<number | undefined> {
  const { values } = await m.channelCallDuration.get()
  return values.find((v) => v.metricName === 'yima_channel_call_duration_seconds_count' && v.labels.operation === operation)?.value
}

describe('instrumentAdapter', () => {
  it('counts payment calls by the kind of outcome and times them', async () => {
    const m = createMetrics()
    const a = instrumentAdapter(paymentAdapter({
      createPayment: async () => ({ outcome: { kind: 'pending', raw: {} }, clientParams: { type: 'wechat_native', codeUrl: 'weixin://x' } }),
      queryPayment: async () => paid,
      closePayment: async () => ({ kind: 'failed', code: 'ORDERPAID', message: '已支付', raw: {} }),
      refund: async () => ({ kind: 'unknown', reason: 'timeout' }),
    }), m)
    const created = await a.createPayment({ method: 'wechat_native', outTradeNo: 'T1', amountFen: fen(100), description: 'x', notifyUrl: 'https://y/n', expiresAt: new Date(0) }, creds)
    expect(created.clientParams).toEqual({ type: 'wechat_native', codeUrl: 'weixin://x' })
    expect(await a.queryPayment('T1', creds)).toBe(paid)
    await a.queryPayment('T1', creds)
    await a.closePayment('T1', creds)
    await a.refund({ outTradeNo: 'T1', outRefundNo: 'R1', refundFen: fen(1), totalFen: fen(100) }, creds)
    expect(await calls(m)).toEqual({
      'wechat_pay createPayment pending': 1,
      'wechat_pay queryPayment succeeded': 2,
      'wechat_pay closePayment failed': 1,
      'wechat_pay refund unknown': 1,
    })
    expect(await timed(m, 'queryPayment')).toBe(2)
    // Pure functions pass through, uncounted.
    expect(a.channel).toBe('wechat_pay')
    expect(a.supports('wechat_jsapi')).toBe(true)
    expect(a.ack(true)).toEqual({ status: 204 })
  })

  it('counts a throw as error and rethrows the same error', async () => {
    const m = createMetrics()
    const boom = new TypeError('socket hang up')
    const a = instrumentAdapter(paymentAdapter({ reversePayment: async () => { throw boom } }), m)
    await expect(a.reversePayment('T1', creds)).rejects.toBe(boom)
    expect(await calls(m)).toEqual({ 'wechat_pay reversePayment error': 1 })
    expect(await timed(m, 'reversePayment')).toBe(1)
  })

  it('counts notifications as ok or unverified', async () => {
    const m = createMetrics()
    const note = { type: 'payment' as const, outTradeNo: 'T1', outcome: paid }
    const forged = new ChannelSignatureError('bad signature')
    const parse = jest.fn().mockResolvedValueOnce(note).mockRejectedValueOnce(forged).mockRejectedValueOnce(new Error('bug'))
    const a = instrumentAdapter(paymentAdapter({ parseNotification: parse }), m)
    const req = { headers: {}, rawBody: '{}' }
    expect(await a.parseNotification(req, creds)).toBe(note)
    await expect(a.parseNotification(req, creds)).rejects.toBe(forged)
    await expect(a.parseNotification(req, creds)).rejects.toThrow('bug')
    expect(parse).toHaveBeenCalledWith(req, creds)
    expect(await calls(m)).toEqual({
      'wechat_pay parseNotification ok': 1,
      'wechat_pay parseNotification unverified': 1,
      'wechat_pay parseNotification error': 1,
    })
  })

  it('labels deposit calls apart from payment calls, and keeps a missing scanFreeze missing', async () => {
    const m = createMetrics()
    const frozen: FreezeOutcome = { kind: 'frozen', channelFreezeId: 'A1', amountFen: fen(5000), frozenAt: new Date(0), raw: {} }
    const d = instrumentAdapter(depositAdapter({
      microFreeze: async () => frozen,
      refund: async () => ({ kind: 'pending', raw: {} }),
    }), m)
    expect(d.scanFreeze).toBeNull()
    expect(await d.microFreeze({ outFreezeNo: 'F1', amountFen: fen(5000), description: '押金', authCode: '287654321098765432' }, creds)).toBe(frozen)
    await d.refund({ outTradeNo: 'T1', outRefundNo: 'R1', refundFen: fen(1), totalFen: fen(100), channelFreezeId: 'A1', freezeFen: fen(5000) }, creds)
    expect(await calls(m)).toEqual({ 'alipay deposit.microFreeze frozen': 1, 'alipay deposit.refund pending': 1 })

    const scanning = instrumentAdapter(depositAdapter({ scanFreeze: async () => ({ outcome: { kind: 'pending', raw: {} }, qrCode: 'https://qr.alipay.com/x' }) }), m)
    expect(await scanning.scanFreeze?.({ outFreezeNo: 'F2', amountFen: fen(1), description: 'x', expiresAt: new Date(0) }, creds)).toMatchObject({ qrCode: 'https://qr.alipay.com/x' })
    expect((await calls(m))['alipay deposit.scanFreeze pending']).toBe(1)
  })

  it('shows up in the registry\'s text exposition', async () => {
    const m = createMetrics()
    await instrumentAdapter(paymentAdapter({ queryPayment: async () => paid }), m).queryPayment('T1', creds)
    const text = await m.registry.metrics()
    expect(text).toContain('yima_channel_calls_total{channel="wechat_pay",operation="queryPayment",outcome="succeeded"} 1')
    expect(text).toContain('yima_channel_call_duration_seconds_count{channel="wechat_pay",operation="queryPayment"} 1')
    expect(text).toContain('yima_process_cpu_seconds_total')
  })
})
