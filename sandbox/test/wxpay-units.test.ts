import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import { Ledger, ORDER_TRANSITIONS, REFUND_TRANSITIONS, type Order, type OrderState, type Refund } from '../src/wxpay/ledger'
import { MerchantRegistry } from '../src/wxpay/merchants'
import { canonical } from '../src/wxpay/schemas'
import { parseAuthorization, requestMessage, rsaSign, verifyRequest } from '../src/wxpay/sign'
import type { RefundStatus } from '../src/wxpay/wire'
import { WxError } from '../src/wxpay/errors'
import { selfSignedCertificate } from '../src/wxpay/x509'

const order = (state: OrderState): Order => ({
  spMchId: '1900000100',
  spAppId: 'wx0000000000000000',
  subMchId: '1900000101',
  outTradeNo: `O-${state}`,
  tradeType: 'MICROPAY',
  state,
  description: 'x',
  total: 100,
  payer: {},
  fingerprint: '',
  createdAt: new Date(),
  expiresAt: new Date(),
  promotions: [],
})

describe('wxpay state tables', () => {
  const orderStates = Object.keys(ORDER_TRANSITIONS) as OrderState[]
  it.each(orderStates.flatMap((from) => orderStates.map((to) => [from, to] as const)))('order %s → %s follows ORDER_TRANSITIONS', (from, to) => {
    const ledger = new Ledger()
    const o = order(from)
    ledger.addOrder(o)
    const allowed = (ORDER_TRANSITIONS[from] as readonly OrderState[]).includes(to)
    if (allowed) {
      ledger.transition(o, to)
      expect(o.state).toBe(to)
    } else {
      expect(() => { ledger.transition(o, to) }).toThrow(/not a WeChat transition/)
      expect(o.state).toBe(from)
    }
  })

  const refundStates = Object.keys(REFUND_TRANSITIONS) as RefundStatus[]
  it.each(refundStates.flatMap((from) => refundStates.map((to) => [from, to] as const)))('refund %s → %s follows REFUND_TRANSITIONS', (from, to) => {
    const ledger = new Ledger()
    const r: Refund = { refundId: 'r', outRefundNo: 'R', order: order('SUCCESS'), amount: 10, discountRefund: 0, status: from, fingerprint: '', createdAt: new Date() }
    const allowed = (REFUND_TRANSITIONS[from] as readonly RefundStatus[]).includes(to)
    if (allowed) ledger.transitionRefund(r, to)
    else expect(() => { ledger.transitionRefund(r, to) }).toThrow()
    expect(r.status).toBe(allowed ? to : from)
  })

  it('derives REFUND from live refunds, and not from closed ones', () => {
    const ledger = new Ledger()
    const o = order('SUCCESS')
    ledger.addOrder(o)
    const r: Refund = { refundId: 'r', outRefundNo: 'R', order: o, amount: 10, discountRefund: 0, status: 'PROCESSING', fingerprint: '', createdAt: new Date() }
    ledger.addRefund(r)
    expect(ledger.tradeState(o)).toBe('REFUND')
    expect(ledger.refundedTotal(o)).toBe(10)
    ledger.transitionRefund(r, 'CLOSED')
    expect(ledger.tradeState(o)).toBe('SUCCESS')
    expect(ledger.refundedTotal(o)).toBe(0)
  })
})

describe('wxpay Authorization parsing and request verification', () => {
  const header = 'WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="ab12",mchid="1900000100",timestamp="1700000000",nonce_str="n0nce"'

  it('reads the pairs in any order', () => {
    expect(parseAuthorization(header)).toEqual({ mchid: '1900000100', nonce_str: 'n0nce', timestamp: '1700000000', serial_no: 'ab12', signature: 'c2ln' })
  })

  it.each([
    ['another scheme', header.replace('WECHATPAY2-SHA256-RSA2048', 'Bearer')],
    ['a missing pair', header.replace(',nonce_str="n0nce"', '')],
    ['an empty value', header.replace('"1900000100"', '""')],
    ['nothing', undefined],
  ])('rejects %s', (_what, value) => {
    expect(parseAuthorization(value)).toBeUndefined()
  })

  it('verifies against the registered certificate, case-insensitively on the serial, within ±300 s', () => {
    const merchants = new MerchantRegistry()
    const sp = merchants.addServiceProvider('unit', '1900000100')
    const now = 1_700_000_000
    const sign = (o: { ts?: number, serial?: string, body?: string } = {}): string => {
      const ts = String(o.ts ?? now)
      const sig = rsaSign(requestMessage('POST', '/v3/x?a=1', ts, 'nn', o.body ?? '{}'), sp.merchant.privateKey)
      return `WECHATPAY2-SHA256-RSA2048 mchid="${sp.spMchId}",nonce_str="nn",signature="${sig}",timestamp="${ts}",serial_no="${o.serial ?? sp.merchant.serial}"`
    }
    const req = (authorization: string, body = '{}'): Parameters<typeof verifyRequest>[0] => ({ method: 'POST', url: '/v3/x?a=1', body, authorization })
    expect(verifyRequest(req(sign()), merchants, now)).toMatchObject({ kind: 'service_provider', mchId: sp.spMchId, sp })
    expect(verifyRequest(req(sign({ serial: sp.merchant.serial.toLowerCase() })), merchants, now).sp).toBe(sp)
    expect(verifyRequest(req(sign({ ts: now - 300 })), merchants, now).sp).toBe(sp)
    for (const bad of [req(sign({ ts: now - 301 })), req(sign({ serial: 'FFFF' })), req(sign(), '{"x":1}'), req('WECHATPAY2-SHA256-RSA2048 mchid="1"')]) {
      expect(() => verifyRequest(bad, merchants, now)).toThrow(WxError)
    }
  })
})

describe('wxpay helpers', () => {
  it('builds certificates Node can parse and verify', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const c = selfSignedCertificate({ subject: { C: 'CN', O: '测试', CN: 'unit' }, publicKey, privateKey, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2056-01-01T00:00:00Z') })
    const x = new X509Certificate(c.pem)
    expect(x.serialNumber.toUpperCase()).toBe(c.serial)
    expect(x.subject).toContain('CN=unit')
    expect(x.verify(publicKey)).toBe(true)
    expect(new Date(x.validTo).getUTCFullYear()).toBe(2056) // GeneralizedTime past 2049
  })

  it('compares request bodies by content, not key order', () => {
    expect(canonical({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonical({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }))
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: '1' }))
  })
})
