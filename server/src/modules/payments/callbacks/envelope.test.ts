import { fen, type Fen } from '@yima/shared'
import { verifyAuthenCode } from '../../../cloudpay/authen'
import type { OrderContentRows } from '../../../cloudpay/order-content'
import { buildEnvelope, newNonce, paidContent, parseReply, refundedContent } from './envelope'

const KEY = '0123456789ABCDEF0123456789ABCDEF'
const t = (s: string): Date => new Date(s)

const rows = (o: Partial<OrderContentRows['order']> = {}): OrderContentRows => ({
  order: {
    id: 'ord_01JTEST',
    payPlatform: 'wechat_pay',
    outTradeNo: 'sz0100ord01JTEST0000000000001',
    channelTxnId: '4200000001202611220000000001',
    tradeType: 'one_code',
    sourceType: 'one_code',
    status: 'succeeded',
    amountFen: fen(1234),
    discountFen: fen(0),
    refundedFen: fen(0),
    description: '好味餐饮',
    remark: null,
    goodsTag: null,
    payerId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    callbackUrl: null,
    channelRaw: { bank_type: 'CMC' },
    deviceId: null,
    staffId: 'stf_01JTEST',
    expiresAt: t('2026-11-22T10:15:00Z'),
    paidAt: t('2026-11-22T10:01:05Z'),
    createdAt: t('2026-11-22T10:00:00Z'),
    updatedAt: t('2026-11-22T10:01:06Z'),
    ...o,
  },
  sp: { outMchId: 'sz01OUTMCHID00000001', oaAuthorizerAppId: null, wxOaAppId: 'wx1234567890abcdef' },
  merchant: { outSubMchId: 'sz01OUTSUBMCH0000001' },
  store: { outShopId: 'sz01OUTSHOP000000001' },
})

describe('callback envelope', () => {
  it('carries request_content as a string, HMAC\'d with the sub-merchant key', () => {
    const env = buildEnvelope(paidContent(rows()), KEY, 'n'.repeat(32))
    const outer = JSON.parse(env.body)
    expect(typeof outer.request_content).toBe('string')
    expect(outer.request_content).toBe(env.requestContent)
    expect(outer.authen_info.a.authen_type).toBe(1)
    expect(outer.authen_info.a.authen_code).toMatch(/^[0-9A-F]{64}$/)
    expect(verifyAuthenCode(KEY, outer.request_content, outer.authen_info.a.authen_code)).toBe(true)
    expect(verifyAuthenCode('another key'.padEnd(32, 'x'), outer.request_content, outer.authen_info.a.authen_code)).toBe(false)
    // nonce_str first, as every Cloud Pay request has it at the top.
    expect(Object.keys(JSON.parse(outer.request_content))).toEqual(['nonce_str', 'pay_mch_key', 'order_content', 'order_client'])
  })

  it('describes a paid order with Cloud Pay\'s names, enums and integer fen', () => {
    const content = JSON.parse(buildEnvelope(paidContent(rows()), KEY, 'abc').requestContent)
    expect(content).toEqual({
      nonce_str: 'abc',
      pay_mch_key: {
        pay_platform: 1,
        sub_pay_platform: 100,
        out_mch_id: 'sz01OUTMCHID00000001',
        out_sub_mch_id: 'sz01OUTSUBMCH0000001',
        out_shop_id: 'sz01OUTSHOP000000001',
        wxpay_pay_mch_key_ext: { app_id: 'wx1234567890abcdef', open_id: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      },
      order_content: {
        out_trade_no: 'sz0100ord01JTEST0000000000001',
        transaction_id: '4200000001202611220000000001',
        trade_type: 8,
        source_type: 1,
        time_expire: 1795342500,
        time_end: 1795341665,
        create_time: 1795341600,
        last_update_time: 1795341666,
        is_transforming: false,
        total_fee: 1234,
        fee_type: 'CNY',
        cash_fee: 1234,
        cash_fee_type: 'CNY',
        body: '好味餐饮',
        wxpay_order_content_ext: { current_trade_state: 3, bank_type: 'CMC' },
      },
      order_client: { staff_id: 'stf_01JTEST' },
    })
  })

  it('uses the micropay and Alipay states, the voucher discount and the per-order URL', () => {
    const micropay = JSON.parse(buildEnvelope(paidContent(rows({ tradeType: 'micropay', discountFen: fen(200), callbackUrl: 'https://pos.example.com/n' })), KEY).requestContent)
    expect(micropay.order_content).toMatchObject({ trade_type: 1, cash_fee: 1034, caller_notify_url: 'https://pos.example.com/n', wxpay_order_content_ext: { current_trade_state: 2, coupon_fee: 200 } })
    const alipay = JSON.parse(buildEnvelope(paidContent(rows({ payPlatform: 'alipay', payerId: '2088102177846880', channelRaw: null })), KEY).requestContent)
    expect(alipay.pay_mch_key).toMatchObject({ pay_platform: 2, sub_pay_platform: 200, alipay_pay_mch_key_ext: { user_id: '2088102177846880' } })
    expect(alipay.order_content.alipay_order_content_ext).toEqual({ current_trade_state: 2 })
    expect(alipay.order_content.wxpay_order_content_ext).toBeUndefined()
  })

  it('describes a refund as refund_order_content[] with the refund state', () => {
    const base = rows({ refundedFen: fen(234) })
    const refund = { outRefundNo: 'sz0100rfd01', channelRefundId: '50300000012026112200000001', amountFen: 234 as Fen, status: 'succeeded' as const, reason: '退菜', refundedAt: t('2026-11-22T11:00:00Z'), createdAt: t('2026-11-22T10:59:00Z'), updatedAt: t('2026-11-22T11:00:00Z') }
    const content = JSON.parse(buildEnvelope(refundedContent({ ...base, refund }), KEY, 'n').requestContent)
    expect(Object.keys(content)).toEqual(['nonce_str', 'pay_mch_key', 'refund_order_content'])
    expect(content.refund_order_content).toEqual([{
      out_refund_no: 'sz0100rfd01',
      refund_id: '50300000012026112200000001',
      out_trade_no: 'sz0100ord01JTEST0000000000001',
      trade_type: 8,
      create_time: 1795345140,
      last_update_time: 1795345200,
      is_transforming: false,
      total_fee: 1234,
      refund_fee: 234,
      refund_fee_type: 'CNY',
      refund_reason: '退菜',
      refund_success_time: 1795345200,
      wxpay_refund_order_content_ext: { state: 2 },
    }])
  })

  it('signs the exact string sent, including characters JSON escapes', () => {
    const env = buildEnvelope(paidContent(rows({ description: '<a & b> "引号" \\ 斜杠/' })), KEY)
    const outer = JSON.parse(env.body)
    expect(verifyAuthenCode(KEY, outer.request_content, outer.authen_info.a.authen_code)).toBe(true)
    expect(JSON.parse(outer.request_content).order_content.body).toBe('<a & b> "引号" \\ 斜杠/')
  })

  it('makes a fresh 32-character nonce each time', () => {
    const a = newNonce()
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(newNonce()).not.toBe(a)
  })
})

describe('callback reply', () => {
  it('acknowledges status 0, as a JSON string (official) or an object (common), authen_info optional', () => {
    expect(parseReply(200, JSON.stringify({ response_content: JSON.stringify({ status: 0, description: '操作成功。' }), authen_info: { a: { authen_type: 1, authen_code: 'X' } } })))
      .toEqual({ acknowledged: true, description: '操作成功。' })
    expect(parseReply(200, JSON.stringify({ response_content: { status: 0 } }))).toEqual({ acknowledged: true })
    expect(parseReply(204, JSON.stringify({ response_content: '{"status":"0"}' }))).toEqual({ acknowledged: true })
  })

  it('asks for a retry on anything else', () => {
    const no = (status: number, text: string): string => {
      const r = parseReply(status, text)
      if (r.acknowledged) throw new Error('acknowledged')
      return r.reason
    }
    expect(no(500, JSON.stringify({ response_content: { status: 0 } }))).toBe('HTTP 500')
    expect(no(302, '')).toBe('HTTP 302')
    expect(no(200, 'success')).toBe('回复不是 JSON 对象')
    expect(no(200, '[]')).toBe('回复不是 JSON 对象')
    expect(no(200, JSON.stringify({ status: 0 }))).toBe('回复缺少 response_content')
    expect(no(200, JSON.stringify({ response_content: 'not json' }))).toBe('response_content 不是 JSON 对象')
    expect(no(200, JSON.stringify({ response_content: { description: 'ok' } }))).toBe('回复缺少 status：ok')
    expect(no(200, JSON.stringify({ response_content: JSON.stringify({ status: 1, description: '系统繁忙' }) }))).toBe('回复 status=1：系统繁忙')
    expect(no(200, JSON.stringify({ response_content: { status: false } }))).toBe('回复 status=false')
  })
})
