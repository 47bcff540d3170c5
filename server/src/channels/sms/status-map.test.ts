import { smsOutcomeOf, smsRequestFailure } from './status-map'

describe('SendSms outcomes', () => {
  it('reads the number\'s SendStatusSet entry', () => {
    expect(smsOutcomeOf({ SerialNo: '2433:40395021391681504022942', Fee: 1, Code: 'Ok', Message: 'send success' })).toEqual({ kind: 'sent', serialNo: '2433:40395021391681504022942', fee: 1 })
    expect(smsOutcomeOf({ Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'daily limit' })).toEqual({ kind: 'failed', code: 'LimitExceeded.PhoneNumberDailyLimit', message: 'daily limit' })
    expect(smsOutcomeOf({ Code: 'FailedOperation.PhoneNumberInBlacklist' }).kind).toBe('failed')
    expect(smsOutcomeOf({ Code: 'InternalError.Timeout', Message: 'timeout' }).kind).toBe('retry')
    // No entry for the number: whether it went out is unknown.
    expect(smsOutcomeOf(undefined).kind).toBe('retry')
  })

  it('tells refused requests from unanswered ones', () => {
    const sdkError = (o: object): Error => Object.assign(new Error('x'), o)
    expect(smsRequestFailure(sdkError({ code: 'AuthFailure.SignatureFailure' })).kind).toBe('failed')
    expect(smsRequestFailure(sdkError({ code: 'FailedOperation.TemplateIncorrectOrUnapproved' })).kind).toBe('failed')
    expect(smsRequestFailure(sdkError({ code: 'InternalError' })).kind).toBe('retry')
    expect(smsRequestFailure(sdkError({ code: 'RequestLimitExceeded' })).kind).toBe('retry')
    expect(smsRequestFailure(sdkError({ httpCode: 500 }))).toMatchObject({ kind: 'retry', code: 'HTTP 500' })
    expect(smsRequestFailure(new Error('socket hang up'))).toMatchObject({ kind: 'retry', code: 'NetworkError' })
  })
})
