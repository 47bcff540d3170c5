import { fen } from '@yima/shared'
import { ChannelSignatureError } from '../../../src/channels/types'
import { asRequest, BUYER_ID, order, useAlipayContract, type Delivery } from './harness'

const ctx = useAlipayContract()

/** A JSAPI order the customer pays; resolves with the notification the sandbox posted. */
async function paidNotification (description = '测试商品'): Promise<Delivery> {
  const i = order(ctx, { method: 'alipay_jsapi', payerId: BUYER_ID, description, amountFen: fen(990) })
  await ctx.adapter.createPayment(i, ctx.creds)
  await ctx.sim('POST', '/__sim/alipay/pay', { out_trade_no: i.outTradeNo })
  const [d] = await ctx.deliveries()
  if (d === undefined) throw new Error('no notification')
  return d
}

/** The form with one field changed (or removed), re-encoded as Alipay would post it. */
function edited (d: Delivery, edit: (p: URLSearchParams) => void): Delivery {
  const p = new URLSearchParams(d.raw)
  edit(p)
  return { ...d, raw: p.toString() }
}

describe('alipay adapter: trade_status_sync notifications (channels.md §6)', () => {
  it('a % in subject passes (checkNotifySignV2, no second decoding)', async () => {
    const d = await paidNotification('100% 纯棉 T恤')
    expect(new URLSearchParams(d.raw).get('subject')).toBe('100% 纯棉 T恤')
    expect(await ctx.adapter.parseNotification(asRequest(d), ctx.creds)).toMatchObject({ type: 'payment', outcome: { kind: 'succeeded', amountFen: 990 } })
  })

  it('an empty-valued field (EMPTY_FIELD) passes: it is stripped before verification', async () => {
    await ctx.fault('notify', 'EMPTY_FIELD')
    const d = await paidNotification()
    expect(d.raw).toMatch(/(^|&)voucher_detail_list=(&|$)/)
    expect(await ctx.adapter.parseNotification(asRequest(d), ctx.creds)).toMatchObject({ outcome: { kind: 'succeeded' } })
  })

  it('a bad signature (SIGN_BAD) throws ChannelSignatureError and is answered `fail`; Alipay\'s retry passes', async () => {
    // The endpoint does what the notify route does: parse, then answer with the adapter's ack.
    const outcomes: string[] = []
    ctx.reply = async (d) => {
      try {
        const n = await ctx.adapter.parseNotification(asRequest(d), ctx.creds)
        outcomes.push(n.type === 'payment' ? n.outcome.kind : n.type)
        return ctx.adapter.ack(true).body ?? ''
      } catch (err) {
        outcomes.push(err instanceof ChannelSignatureError ? 'ChannelSignatureError' : String(err))
        return ctx.adapter.ack(false).body ?? ''
      }
    }
    await ctx.fault('notify', 'SIGN_BAD')
    const bad = await paidNotification()
    expect(ctx.adapter.ack(false)).toEqual({ status: 200, body: 'fail', contentType: 'text/plain' })
    expect(outcomes).toEqual(['ChannelSignatureError'])
    await ctx.advance(240) // Alipay's first retry interval
    const deliveries = await ctx.deliveries()
    expect(deliveries).toHaveLength(2)
    expect(new URLSearchParams(deliveries[1]?.raw).get('notify_id')).toBe(new URLSearchParams(bad.raw).get('notify_id'))
    expect(outcomes).toEqual(['ChannelSignatureError', 'succeeded'])
  })

  it('missing sign, a changed amount, a repeated field or sign_type RSA: ChannelSignatureError', async () => {
    const d = await paidNotification()
    const cases = [
      edited(d, (p) => { p.delete('sign') }),
      edited(d, (p) => { p.set('total_amount', '0.01') }),
      { ...d, raw: `${d.raw}&total_amount=0.01` },
      edited(d, (p) => { p.set('sign_type', 'RSA') }),
      { ...d, raw: '' },
    ]
    for (const c of cases) await expect(ctx.adapter.parseNotification(asRequest(c), ctx.creds)).rejects.toThrow(ChannelSignatureError)
  })

  it('a genuine notification for another app, or checked with another Alipay key, is refused', async () => {
    const d = await paidNotification()
    await expect(ctx.adapter.parseNotification(asRequest(d), { ...ctx.creds, appId: '2021000000000001' })).rejects.toThrow(/not 2021000000000001/)
    await expect(ctx.adapter.parseNotification(asRequest(d), { ...ctx.creds, alipayPublicKey: ctx.sandbox.clients.alipay.appPublicKeyPem }))
      .rejects.toThrow(ChannelSignatureError)
  })

  it('uses the parsed form when the raw body is not available', async () => {
    const d = await paidNotification()
    const form = Object.fromEntries(new URLSearchParams(d.raw))
    expect(await ctx.adapter.parseNotification({ headers: d.headers, rawBody: '', form }, ctx.creds)).toMatchObject({ outcome: { kind: 'succeeded' } })
  })
})
