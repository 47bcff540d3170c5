import { cancelEffect, gatewayVerdict, refundStateOf, tradeStateOf } from './status-map'
import { fromChinaTime, toChinaTime } from './wire'

describe('alipay status map', () => {
  it('maps every documented trade_status and nothing else', () => {
    expect(['WAIT_BUYER_PAY', 'TRADE_SUCCESS', 'TRADE_FINISHED', 'TRADE_CLOSED'].map(tradeStateOf)).toEqual(['pending', 'succeeded', 'succeeded', 'failed'])
    for (const s of ['TRADE_PENDING', 'trade_success', '', undefined, 'toString', '__proto__']) expect(tradeStateOf(s)).toBeUndefined()
  })

  it('reads gateway codes: 10000 ok, 10003 waiting, 20000 and ACQ.SYSTEM_ERROR unavailable, 20001/4000x refused', () => {
    expect(gatewayVerdict({ code: '10000', msg: 'Success' })).toEqual({ kind: 'ok' })
    expect(gatewayVerdict({ code: '10003', msg: ' order success pay inprocess' })).toEqual({ kind: 'waiting' })
    expect(gatewayVerdict({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: '系统繁忙' }))
      .toEqual({ kind: 'unavailable', code: 'isp.unknow-error', message: '系统繁忙' })
    expect(gatewayVerdict({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.SYSTEM_ERROR', sub_msg: '系统错误' })).toMatchObject({ kind: 'unavailable' })
    expect(gatewayVerdict({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' }))
      .toEqual({ kind: 'refused', code: 'ACQ.TRADE_NOT_EXIST', message: '交易不存在' })
    expect(gatewayVerdict({ code: '20001', msg: 'Insufficient Token Permissions', sub_code: 'aop.invalid-app-auth-token', sub_msg: '无效的应用授权令牌' })).toMatchObject({ kind: 'refused' })
    expect(gatewayVerdict({ code: '40002', msg: 'Invalid Arguments' })).toEqual({ kind: 'refused', code: '40002', message: 'Invalid Arguments' })
    expect(gatewayVerdict({ code: '50000', msg: '?' })).toEqual({ kind: 'unrecognised', code: '50000' })
  })

  it('cancel actions and refund statuses: unrecognised values are undefined (→ unknown), never a default', () => {
    expect(cancelEffect('close')?.code).toBe('TRADE_CLOSED')
    expect(cancelEffect('refund')?.code).toBe('TRADE_REFUNDED')
    expect(cancelEffect(undefined)?.code).toBe('TRADE_CLOSED')
    expect(cancelEffect('freeze')).toBeUndefined()
    expect(refundStateOf('REFUND_SUCCESS')).toBe('succeeded')
    expect(refundStateOf(undefined)).toBe('not_succeeded')
    expect(refundStateOf('REFUND_FAIL')).toBeUndefined()
  })

  it('China time both ways, with and without milliseconds', () => {
    expect(toChinaTime(new Date('2026-11-22T02:00:35Z'))).toBe('2026-11-22 10:00:35')
    expect(fromChinaTime('2026-11-22 10:00:35')?.toISOString()).toBe('2026-11-22T02:00:35.000Z')
    expect(fromChinaTime('2026-11-22 10:00:35.123')?.toISOString()).toBe('2026-11-22T02:00:35.123Z')
    expect(fromChinaTime('2026-11-22T10:00:35')).toBeUndefined()
    expect(fromChinaTime(undefined)).toBeUndefined()
  })
})
