// Tencent Cloud API 3.0 answers every error as HTTP 200 with `Response.Error`. Codes and texts from the
// common and SMS error lists (https://cloud.tencent.com/document/api/382/52075, /382/59177); the English
// texts of the AuthFailure codes are the ones the gateway really sends. `X-TC-Language: zh-CN` selects
// the Chinese text, as it does on the real gateway.

export type Lang = 'en-US' | 'zh-CN'

export type TcErrorCode =
  | 'AuthFailure.InvalidAuthorization'
  | 'AuthFailure.SecretIdNotFound'
  | 'AuthFailure.SignatureExpire'
  | 'AuthFailure.SignatureFailure'
  | 'MissingParameter'
  | 'MissingParameter.EmptyPhoneNumberSet'
  | 'InvalidParameter'
  | 'InvalidAction'
  | 'NoSuchVersion'
  | 'UnsupportedRegion'
  | 'InvalidParameterValue.SdkAppIdNotExist'
  | 'FailedOperation.SignatureIncorrectOrUnapproved'
  | 'FailedOperation.TemplateIncorrectOrUnapproved'
  | 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate'
  | 'LimitExceeded.PhoneNumberCountLimit'
  | 'InternalError'

const TEXTS: Record<TcErrorCode, (detail: string) => [en: string, zh: string]> = {
  'AuthFailure.InvalidAuthorization': (d) => [`Authorization in the request header is invalid. ${d}`.trim(), `请求头部的 Authorization 不符合腾讯云标准。${d}`.trim()],
  'AuthFailure.SecretIdNotFound': () => ['The SecretId is not found, please ensure that your SecretId is correct.', 'SecretId不存在，请输入正确的密钥。'],
  'AuthFailure.SignatureExpire': (d) => [`Signature expired. Timestamp and server time cannot differ by more than five minutes. ${d}`.trim(), `签名过期。Timestamp 和服务器时间相差不得超过五分钟，请检查本地时间是否和标准时间同步。${d}`.trim()],
  'AuthFailure.SignatureFailure': () => ['The provided credentials could not be validated. Please check your signature is correct.', '请求签名验证失败，请检查您的签名计算是否正确。'],
  MissingParameter: (d) => [`The request is missing a required parameter \`${d}\`.`, `缺少参数\`${d}\`。`],
  'MissingParameter.EmptyPhoneNumberSet': () => ['PhoneNumberSet is empty.', '传入的号码列表为空，请确认您的参数中是否传入号码。'],
  InvalidParameter: (d) => [`The parameter \`${d}\` is invalid.`, `参数\`${d}\`错误。`],
  InvalidAction: (d) => [`The requested action \`${d}\` does not exist.`, `接口\`${d}\`不存在。`],
  NoSuchVersion: (d) => [`The requested version \`${d}\` of action \`SendSms\` does not exist.`, `接口版本\`${d}\`不存在。`],
  UnsupportedRegion: (d) => [`The action does not support the region \`${d}\`.`, `接口不支持所传地域\`${d}\`。`],
  'InvalidParameterValue.SdkAppIdNotExist': () => ['SdkAppId not exist.', 'SdkAppId 不存在。'],
  'FailedOperation.SignatureIncorrectOrUnapproved': () => ['signature format is incorrect or signature is not approved', '签名未审批或格式错误。'],
  'FailedOperation.TemplateIncorrectOrUnapproved': () => ['template is not approved or request content does not match the approved template content', '模板未审批或内容不匹配。'],
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': () => ['the number of template parameters does not match the approved template', '请求内容与审核通过的模板内容不匹配。'],
  'LimitExceeded.PhoneNumberCountLimit': () => ['the number of phone numbers in a single request exceeds the upper limit of 200', '调用接口单次提交的手机号个数超过200个。'],
  InternalError: () => ['An internal error has occurred. Retry your request, but if the problem persists, contact us.', '内部错误。'],
}

export interface TcErrorBody { Response: { Error: { Code: string, Message: string }, RequestId: string } }

export function tcError (code: TcErrorCode, requestId: string, lang: Lang, detail = ''): TcErrorBody {
  const [en, zh] = TEXTS[code](detail)
  return { Response: { Error: { Code: code, Message: lang === 'zh-CN' ? zh : en }, RequestId: requestId } }
}

/**
 * Per-number outcomes that SendSms reports inside `SendStatusSet` (the request itself succeeds).
 * A test makes a phone fail with one of these through `POST /__sim/sms/failures`.
 */
export const PHONE_FAILURES = {
  'InvalidParameterValue.IncorrectPhoneNumber': 'incorrect number format',
  'LimitExceeded.PhoneNumberDailyLimit': 'the number of sms messages sent from a single mobile number every day exceeds the upper limit',
  'LimitExceeded.PhoneNumberOneHourLimit': 'the number of sms messages sent from a single mobile number within 1 hour exceeds the upper limit',
  'LimitExceeded.PhoneNumberThirtySecondLimit': 'the number of sms messages sent from a single mobile number within 30 seconds exceeds the upper limit',
  'LimitExceeded.PhoneNumberSameContentDailyLimit': 'the number of sms messages with the same content sent from a single mobile number every day exceeds the upper limit',
  'FailedOperation.PhoneNumberInBlacklist': 'the phone number is in the blocklist',
  'InternalError.Timeout': 'timeout',
} as const
export type PhoneFailureCode = keyof typeof PHONE_FAILURES
export const PHONE_FAILURE_CODES = Object.keys(PHONE_FAILURES) as [PhoneFailureCode, ...PhoneFailureCode[]]
