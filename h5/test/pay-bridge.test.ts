import type { PayBridgeParams } from '@yima/shared'
import { alipayOutcome, openCashier, waitForBridge, wechatOutcome, type AlipayBridgeResult, type WeixinBridgeResult } from '../src/lib/pay-bridge'

const WECHAT: PayBridgeParams = { type: 'wechat_jsapi', appId: 'wx1234567890abcdef', timeStamp: '1700000000', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2lnbg==' }
const ALIPAY: PayBridgeParams = { type: 'alipay_jsapi', tradeNo: '2024050122001400000000000001' }

type FakeWindow = Window & { WeixinJSBridge?: unknown, AlipayJSBridge?: unknown }
/** A window of its own (the bridges are globals): a fresh document for its ready events. */
function fakeWindow (): FakeWindow {
  return { document: document.implementation.createHTMLDocument('pay') } as unknown as FakeWindow
}
const wechatBridge = (res: WeixinBridgeResult) => ({ invoke: jest.fn((_api: string, _params: object, cb: (r: WeixinBridgeResult) => void) => { setTimeout(() => { cb(res) }, 0) }) })
const alipayBridge = (res: AlipayBridgeResult) => ({ call: jest.fn((_api: string, _params: object, cb: (r: AlipayBridgeResult) => void) => { setTimeout(() => { cb(res) }, 0) }) })

test('WeChat answers: ok, cancel, fail (and errMsg spelt the other way)', () => {
  expect(wechatOutcome({ err_msg: 'get_brand_wcpay_request:ok' })).toEqual({ outcome: 'ok' })
  expect(wechatOutcome({ err_msg: 'get_brand_wcpay_request:cancel' })).toEqual({ outcome: 'cancel' })
  expect(wechatOutcome({ errMsg: 'getBrandWCPayRequest:cancel' })).toEqual({ outcome: 'cancel' })
  expect(wechatOutcome({ err_msg: 'get_brand_wcpay_request:fail', err_desc: 'paySign error' })).toEqual({ outcome: 'fail', message: '微信支付未完成，请稍后重试' })
  expect(wechatOutcome(undefined).outcome).toBe('fail')
  expect(wechatOutcome({ err_msg: 'system:access_denied' }).outcome).toBe('fail')
})

test('Alipay result codes: 9000 / 8000 / 6004 go to the result page, 6001 cancel, others fail', () => {
  expect(alipayOutcome({ resultCode: '9000' })).toEqual({ outcome: 'ok' })
  expect(alipayOutcome({ resultCode: 9000 })).toEqual({ outcome: 'ok' })
  expect(alipayOutcome({ resultCode: '8000' })).toEqual({ outcome: 'ok' })
  expect(alipayOutcome({ resultCode: '6004' })).toEqual({ outcome: 'ok' })
  expect(alipayOutcome({ resultCode: '6001' })).toEqual({ outcome: 'cancel' })
  expect(alipayOutcome({ resultCode: '6002' })).toEqual({ outcome: 'fail', message: '网络连接出错，请检查网络后重试' })
  expect(alipayOutcome({ resultCode: '4000' })).toEqual({ outcome: 'fail', message: '支付宝支付未完成，请稍后重试' })
  expect(alipayOutcome(undefined).outcome).toBe('fail')
})

test('WeChat: an injected bridge is invoked with the paySign parameters (without our type tag)', async () => {
  const win = fakeWindow()
  const bridge = wechatBridge({ err_msg: 'get_brand_wcpay_request:ok' })
  win.WeixinJSBridge = bridge
  await expect(openCashier(WECHAT, { win })).resolves.toEqual({ outcome: 'ok' })
  expect(bridge.invoke).toHaveBeenCalledWith('getBrandWCPayRequest', {
    appId: 'wx1234567890abcdef', timeStamp: '1700000000', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2lnbg==',
  }, expect.any(Function))
})

test('WeChat: waits for WeixinJSBridgeReady when the bridge comes late', async () => {
  const win = fakeWindow()
  const bridge = wechatBridge({ err_msg: 'get_brand_wcpay_request:cancel' })
  const result = openCashier(WECHAT, { win, timeoutMs: 5000 })
  await Promise.resolve()
  expect(bridge.invoke).not.toHaveBeenCalled()
  win.WeixinJSBridge = bridge
  win.document.dispatchEvent(new Event('WeixinJSBridgeReady'))
  await expect(result).resolves.toEqual({ outcome: 'cancel' })
})

test('Alipay: waits for AlipayJSBridgeReady, then tradePay with tradeNO', async () => {
  const win = fakeWindow()
  const bridge = alipayBridge({ resultCode: '9000' })
  const result = openCashier(ALIPAY, { win, timeoutMs: 5000 })
  win.AlipayJSBridge = bridge
  win.document.dispatchEvent(new Event('AlipayJSBridgeReady'))
  await expect(result).resolves.toEqual({ outcome: 'ok' })
  expect(bridge.call).toHaveBeenCalledWith('tradePay', { tradeNO: ALIPAY.type === 'alipay_jsapi' ? ALIPAY.tradeNo : '' }, expect.any(Function))
})

test('no bridge at all: a clear failure after the timeout, never a hang', async () => {
  jest.useFakeTimers()
  try {
    const result = openCashier(ALIPAY, { win: fakeWindow(), timeoutMs: 3000 })
    await jest.advanceTimersByTimeAsync(3000)
    await expect(result).resolves.toEqual({ outcome: 'fail', message: '无法调起支付宝，请在支付宝中打开本页面' })
  } finally {
    jest.useRealTimers()
  }
})

test('a bridge script (the sandbox shim) is loaded first; a script that fails to load fails the payment', async () => {
  const win = fakeWindow()
  const load = jest.fn(async (url: string) => {
    expect(url).toBe('http://sandbox.test/__sim/bridge/weixin.js')
    // The shim defines the bridge and announces it, as sandbox/src/wxpay/cashier.ts does.
    win.WeixinJSBridge = wechatBridge({ err_msg: 'get_brand_wcpay_request:ok' })
    setTimeout(() => { win.document.dispatchEvent(new Event('WeixinJSBridgeReady')) }, 0)
  })
  await expect(openCashier(WECHAT, { win, scriptUrl: 'http://sandbox.test/__sim/bridge/weixin.js', load })).resolves.toEqual({ outcome: 'ok' })
  expect(load).toHaveBeenCalledTimes(1)

  const failing = jest.fn(async () => { throw new Error('404') })
  await expect(openCashier(WECHAT, { win: fakeWindow(), scriptUrl: 'http://sandbox.test/x.js', load: failing }))
    .resolves.toEqual({ outcome: 'fail', message: '无法调起微信支付，请在微信中打开本页面' })
})

test('waitForBridge resolves at once for a present bridge and stops listening once ready', async () => {
  const win = fakeWindow()
  const present = { invoke: jest.fn() }
  win.WeixinJSBridge = present
  await expect(waitForBridge(win, 'WeixinJSBridge', 10)).resolves.toBe(present)
  const spy = jest.spyOn(win.document, 'removeEventListener')
  const later = waitForBridge(win, 'AlipayJSBridge', 5000)
  win.AlipayJSBridge = { call: jest.fn() }
  win.document.dispatchEvent(new Event('AlipayJSBridgeReady'))
  await expect(later).resolves.toBe(win.AlipayJSBridge)
  expect(spy).toHaveBeenCalledWith('AlipayJSBridgeReady', expect.any(Function))
})
