import type { PayBridgeParams } from '@yima/shared'

/*
 * Opening the app's cashier from the H5 pay page (frontend.md §7: WeixinJSBridge /
 * AlipayJSBridge, not Taro.requestPayment). The bridges are injected by the WeChat and Alipay
 * clients, sometimes only after the page has started: then they announce themselves with a
 * document event. Against the sandbox the page loads a shim script first (PayPageDto.bridgeScriptUrl).
 */

/**
 * - ok: the app says paid (or still processing): the result page polls the order, which decides
 * - cancel: the customer closed the cashier; the page stays and may pay again
 * - fail: the app refused or the bridge never came; `message` is for the customer
 */
export type CashierOutcome = { outcome: 'ok' } | { outcome: 'cancel' } | { outcome: 'fail', message: string }

export interface WeixinBridgeResult { err_msg?: string, errMsg?: string, err_desc?: string }
export interface WeixinJSBridge { invoke: (api: string, params: object, cb: (res: WeixinBridgeResult) => void) => void }
export interface AlipayBridgeResult { resultCode?: string | number, memo?: string }
export interface AlipayJSBridge { call: (api: string, params: object, cb: (res: AlipayBridgeResult) => void) => void }

export type BridgeWindow = Window & { WeixinJSBridge?: WeixinJSBridge, AlipayJSBridge?: AlipayJSBridge }

export const BRIDGE_TIMEOUT_MS = 10_000

/** WeChat's `get_brand_wcpay_request:ok|cancel|fail` (https://pay.weixin.qq.com/doc/v3/partner/4012085810). */
export function wechatOutcome (res: WeixinBridgeResult | undefined): CashierOutcome {
  const msg = res?.err_msg ?? res?.errMsg ?? ''
  const status = msg.slice(msg.lastIndexOf(':') + 1)
  if (status === 'ok') return { outcome: 'ok' }
  if (status === 'cancel') return { outcome: 'cancel' }
  return { outcome: 'fail', message: '微信支付未完成，请稍后重试' }
}

/**
 * Alipay's tradePay result codes (https://opendocs.alipay.com/open/204/105695): 9000 paid;
 * 8000 and 6004 mean "processing / result unknown", so the result page asks the server; 6001 the
 * customer left; 4000 and 6002 failed.
 */
export function alipayOutcome (res: AlipayBridgeResult | undefined): CashierOutcome {
  const code = String(res?.resultCode ?? '')
  if (code === '9000' || code === '8000' || code === '6004') return { outcome: 'ok' }
  if (code === '6001') return { outcome: 'cancel' }
  if (code === '6002') return { outcome: 'fail', message: '网络连接出错，请检查网络后重试' }
  return { outcome: 'fail', message: '支付宝支付未完成，请稍后重试' }
}

const loaded = new Map<string, Promise<void>>()

/** Adds `<script src=url>` once per URL; resolves when it has run. */
export function loadScript (url: string, doc: Document = document): Promise<void> {
  const known = loaded.get(url)
  if (known !== undefined) return known
  const p = new Promise<void>((resolve, reject) => {
    const script = doc.createElement('script')
    script.src = url
    script.async = true
    script.onload = () => { resolve() }
    script.onerror = () => {
      loaded.delete(url)
      reject(new Error(`script failed to load: ${url}`))
    }
    doc.head.appendChild(script)
  })
  loaded.set(url, p)
  return p
}

/**
 * The bridge object once it exists: at once if injected already, else on its ready event
 * (WeixinJSBridgeReady, AlipayJSBridgeReady), else undefined after `timeoutMs`.
 */
export function waitForBridge<K extends 'WeixinJSBridge' | 'AlipayJSBridge'> (w: Window, name: K, timeoutMs: number): Promise<BridgeWindow[K] | undefined> {
  const win = w as BridgeWindow
  const present = win[name]
  if (present !== undefined) return Promise.resolve(present)
  return new Promise((resolve) => {
    const doc = win.document
    const event = `${name}Ready`
    const done = (): void => {
      doc.removeEventListener(event, done)
      clearTimeout(timer)
      resolve(win[name])
    }
    const timer = setTimeout(done, timeoutMs)
    doc.addEventListener(event, done)
  })
}

export interface CashierOptions {
  /** The sandbox's shim (PayPageDto.bridgeScriptUrl), loaded before waiting for the bridge. */
  scriptUrl?: string
  win?: Window
  timeoutMs?: number
  load?: (url: string) => Promise<void>
}

const NO_BRIDGE: Record<PayBridgeParams['type'], string> = {
  wechat_jsapi: '无法调起微信支付，请在微信中打开本页面',
  alipay_jsapi: '无法调起支付宝，请在支付宝中打开本页面',
}

/** WeChat JSAPI parameters as a card recharge carries them (RechargeDto.bridge: `signType` a plain string). */
export type WechatJsapiParams = Omit<Extract<PayBridgeParams, { type: 'wechat_jsapi' }>, 'signType'> & { signType: string }

/** Opens the WeChat or Alipay cashier for an order the server created, and maps the answer. */
export async function openCashier (bridge: PayBridgeParams | WechatJsapiParams, o: CashierOptions = {}): Promise<CashierOutcome> {
  const win = o.win ?? window
  const timeoutMs = o.timeoutMs ?? BRIDGE_TIMEOUT_MS
  if (o.scriptUrl !== undefined && o.scriptUrl !== '') {
    try {
      await (o.load ?? loadScript)(o.scriptUrl)
    } catch {
      return { outcome: 'fail', message: NO_BRIDGE[bridge.type] }
    }
  }
  if (bridge.type === 'wechat_jsapi') {
    const wx = await waitForBridge(win, 'WeixinJSBridge', timeoutMs)
    if (wx === undefined) return { outcome: 'fail', message: NO_BRIDGE.wechat_jsapi }
    const params = { appId: bridge.appId, timeStamp: bridge.timeStamp, nonceStr: bridge.nonceStr, package: bridge.package, signType: bridge.signType, paySign: bridge.paySign }
    return await new Promise((resolve) => { wx.invoke('getBrandWCPayRequest', params, (res) => { resolve(wechatOutcome(res)) }) })
  }
  const ali = await waitForBridge(win, 'AlipayJSBridge', timeoutMs)
  if (ali === undefined) return { outcome: 'fail', message: NO_BRIDGE.alipay_jsapi }
  return await new Promise((resolve) => { ali.call('tradePay', { tradeNO: bridge.tradeNo }, (res) => { resolve(alipayOutcome(res)) }) })
}
