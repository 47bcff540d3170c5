import { randomInt } from 'node:crypto'
import type { PhoneFailureCode } from './errors'

/** An approved body template; `{1}`, `{2}` … are filled from `TemplateParamSet` in order. */
export interface SmsTemplate {
  id: string
  name: string
  content: string
}

/** A delivered SMS, as the fake phone shows it (`GET /__sim/sms/messages`). */
export interface SmsMessage {
  serialNo: string
  /** E.164, e.g. +8613800138000. */
  phone: string
  sdkAppId: string
  signName: string
  templateId: string
  params: string[]
  /** What the phone displays: 【签名】 + the rendered template. */
  text: string
  fee: number
  sessionContext: string
  at: string
}

/** The templates every sandbox starts with; yima's configuration refers to them by name. */
export const DEFAULT_TEMPLATES = {
  payment: '{1}收款{2}元，支付方式{3}，订单尾号{4}。',
  refund: '{1}退款{2}元已受理，订单尾号{3}。',
  verifyCode: '您的验证码为{1}，{2}分钟内有效，请勿泄露给他人。',
} as const
export type DefaultTemplateName = keyof typeof DEFAULT_TEMPLATES

/**
 * Domestic numbers as SendSms accepts them: +86…, 0086…, 86… or a bare 11-digit mobile number, all
 * normalised to +86…; anything else is `InvalidParameterValue.IncorrectPhoneNumber`.
 */
export function normalizePhone (raw: string): string | undefined {
  const m = /^(?:\+86|0086|86)?(1\d{10})$/.exec(raw.trim())
  return m?.[1] === undefined ? undefined : `+86${m[1]}`
}

/** Highest `{n}` in a template: the number of parameters it needs. */
export function placeholderCount (content: string): number {
  return Math.max(0, ...[...content.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])))
}

export const renderTemplate = (content: string, params: readonly string[]): string =>
  content.replace(/\{(\d+)\}/g, (whole, n: string) => params[Number(n) - 1] ?? whole)

/** Billing units: 70 characters fit one SMS; longer texts are split into 67-character parts. */
export function feeOf (text: string): number {
  const length = [...text].length
  return length <= 70 ? 1 : Math.ceil(length / 67)
}

export class SmsState {
  readonly templates = new Map<string, SmsTemplate>()
  messages: SmsMessage[] = []
  /** Scripted per-number outcomes, consumed one per send to that number. */
  #failures = new Map<string, PhoneFailureCode[]>()

  constructor () {
    for (const [name, content] of Object.entries(DEFAULT_TEMPLATES)) this.addTemplate({ name, content })
  }

  addTemplate (t: { id?: string, name?: string, content: string }): SmsTemplate {
    let id = t.id
    while (id === undefined || (t.id === undefined && this.templates.has(id))) id = String(randomInt(1_000_000, 9_999_999))
    const template = { id, name: t.name ?? id, content: t.content }
    this.templates.set(id, template)
    return template
  }

  templateByName (name: string): SmsTemplate {
    const t = [...this.templates.values()].find((x) => x.name === name)
    if (t === undefined) throw new Error(`no SMS template named ${name}`)
    return t
  }

  failNext (phone: string, code: PhoneFailureCode, count: number): void {
    this.#failures.set(phone, [...(this.#failures.get(phone) ?? []), ...Array<PhoneFailureCode>(count).fill(code)])
  }

  takeFailure (phone: string): PhoneFailureCode | undefined {
    const queue = this.#failures.get(phone)
    const code = queue?.shift()
    if (queue?.length === 0) this.#failures.delete(phone)
    return code
  }

  /** Templates are configuration and stay; messages and scripted failures go. */
  reset (): void {
    this.messages = []
    this.#failures.clear()
  }
}
