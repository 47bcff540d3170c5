import { randomInt } from 'node:crypto'
import { digits } from '../core/ids'
import { PHONE_FAILURES, type TcErrorCode } from './errors'
import { feeOf, normalizePhone, placeholderCount, renderTemplate, type SmsState } from './store'

/** The sandbox's SMS application: what the console shows after adding an app, a signature and templates. */
export interface SmsAccount {
  secretId: string
  secretKey: string
  sdkAppId: string
  signName: string
}

/** One entry of `SendStatusSet` (field names verbatim from the 2021-01-11 API). */
export interface SendStatus {
  SerialNo: string
  PhoneNumber: string
  Fee: number
  SessionContext: string
  Code: string
  Message: string
  IsoCode: string
}

export type SendSmsOutcome =
  | { ok: true, sendStatusSet: SendStatus[] }
  | { ok: false, code: TcErrorCode, detail?: string }

const MAX_PHONES = 200

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

/**
 * SendSms after authentication: request-level problems fail the whole call; number-level ones
 * (format, scripted limits) are reported per number and the other numbers still get their SMS.
 */
export function sendSms (body: unknown, state: SmsState, account: SmsAccount, now: Date): SendSmsOutcome {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, code: 'InvalidParameter', detail: 'body' }
  const req = body as Record<string, unknown>
  for (const name of ['PhoneNumberSet', 'SmsSdkAppId', 'TemplateId']) {
    if (req[name] === undefined) return { ok: false, code: 'MissingParameter', detail: name }
  }
  const { PhoneNumberSet: phones, SmsSdkAppId: sdkAppId, TemplateId: templateId, SignName: signName } = req
  const params = req.TemplateParamSet ?? []
  const sessionContext = typeof req.SessionContext === 'string' ? req.SessionContext : ''
  if (!isStringArray(phones)) return { ok: false, code: 'InvalidParameter', detail: 'PhoneNumberSet' }
  if (!isStringArray(params)) return { ok: false, code: 'InvalidParameter', detail: 'TemplateParamSet' }
  if (typeof sdkAppId !== 'string' || typeof templateId !== 'string') return { ok: false, code: 'InvalidParameter', detail: typeof sdkAppId !== 'string' ? 'SmsSdkAppId' : 'TemplateId' }
  if (phones.length === 0) return { ok: false, code: 'MissingParameter.EmptyPhoneNumberSet' }
  if (phones.length > MAX_PHONES) return { ok: false, code: 'LimitExceeded.PhoneNumberCountLimit' }
  if (sdkAppId !== account.sdkAppId) return { ok: false, code: 'InvalidParameterValue.SdkAppIdNotExist' }
  // Domestic SMS needs the approved signature; the sandbox app has exactly one.
  if (signName !== account.signName) return { ok: false, code: 'FailedOperation.SignatureIncorrectOrUnapproved' }
  const template = state.templates.get(templateId)
  if (template === undefined) return { ok: false, code: 'FailedOperation.TemplateIncorrectOrUnapproved' }
  if (params.length !== placeholderCount(template.content)) return { ok: false, code: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate' }

  const text = `【${account.signName}】${renderTemplate(template.content, params)}`
  const sendStatusSet = phones.map((raw): SendStatus => {
    const phone = normalizePhone(raw)
    const failure = phone === undefined ? 'InvalidParameterValue.IncorrectPhoneNumber' : state.takeFailure(phone)
    if (phone === undefined || failure !== undefined) {
      const code = failure ?? 'InvalidParameterValue.IncorrectPhoneNumber'
      return { SerialNo: '', PhoneNumber: phone ?? raw, Fee: 0, SessionContext: sessionContext, Code: code, Message: PHONE_FAILURES[code], IsoCode: phone === undefined ? 'DEF' : 'CN' }
    }
    // Real serial numbers look like 2433:403950213916815040229421.
    const serialNo = `${randomInt(1000, 9999)}:${digits(24)}`
    const fee = feeOf(text)
    state.messages.push({ serialNo, phone, sdkAppId, signName: account.signName, templateId, params, text, fee, sessionContext, at: now.toISOString() })
    return { SerialNo: serialNo, PhoneNumber: phone, Fee: fee, SessionContext: sessionContext, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }
  })
  return { ok: true, sendStatusSet }
}
