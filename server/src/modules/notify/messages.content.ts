import { fen, fenToYuanString } from '@yima/shared'
import type { TemplateMessage } from '../../channels/wechat-mp/template'

/** What a payment message says: facts of the order fixed when it was paid. */
export interface PaymentFacts {
  amountFen: number
  /** `商户简称 门店名`, as the clerk knows the place. */
  storeName: string
  payPlatform: 'wechat_pay' | 'alipay'
  paidAt: Date
  outTradeNo: string
}

const PLATFORM_NAMES: Record<PaymentFacts['payPlatform'], string> = { wechat_pay: '微信支付', alipay: '支付宝' }

/** The last digits a clerk reads out to match a customer's screen. */
export const ORDER_TAIL_LENGTH = 4

/** At most `max` characters (code points, as WeChat and the SMS gateway count them). */
const clip = (s: string, max: number): string => [...s].slice(0, max).join('')

/** `2026年1月5日 09:07`, in China time whatever the server's zone (China has no daylight saving). */
export function chinaTime (at: Date): string {
  const t = new Date(at.getTime() + 8 * 3_600_000)
  const hm = `${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hm}`
}

/**
 * The template message's data for 收款成功通知 (fields in README.md). Each value respects its
 * keyword type's limits (thing ≤ 20 characters, phrase ≤ 5, character_string ≤ 32), or WeChat
 * refuses the whole message with 47003.
 */
export function paymentTemplateData (f: PaymentFacts): TemplateMessage['data'] {
  return {
    amount1: { value: `${fenToYuanString(fen(f.amountFen))}元` },
    thing2: { value: clip(f.storeName, 20) },
    phrase3: { value: PLATFORM_NAMES[f.payPlatform] },
    time4: { value: chinaTime(f.paidAt) },
    character_string5: { value: f.outTradeNo.slice(-ORDER_TAIL_LENGTH) },
  }
}

/** `{1}收款{2}元，支付方式{3}，订单尾号{4}。`: the SMS template's parameters, in order. */
export function paymentSmsParams (f: PaymentFacts): string[] {
  // Tencent Cloud refuses variables longer than its limit for the template type; 12 keeps a store name readable.
  return [clip(f.storeName, 12), fenToYuanString(fen(f.amountFen)), PLATFORM_NAMES[f.payPlatform], f.outTradeNo.slice(-ORDER_TAIL_LENGTH)]
}

/** `oAbC****wXyZ`: enough to tell two people apart in the ledger, not enough to message them. */
export const maskOpenid = (openid: string): string => `${openid.slice(0, 4)}****${openid.slice(-4)}`

/** `138****0001`. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/^\+86/, '')
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****'
}

/** A mainland mobile number as SendSms takes it (`+86…`); undefined for landlines and anything else. */
export function mobileNumber (phone: string | null): string | undefined {
  const m = /^(?:\+86|0086|86)?(1\d{10})$/.exec((phone ?? '').replace(/[\s-]/g, ''))
  return m?.[1] === undefined ? undefined : `+86${m[1]}`
}
