import type { Sandbox } from './index'

/**
 * The environment that points a yima server at this sandbox, as an operator's .env points it at
 * the real hosts. Adds the platform's own official account (console WeChat binding, T1), which is
 * not the service provider's.
 */
export async function serverEnv (sandbox: Sandbox): Promise<Record<string, string>> {
  const { urls, clients } = sandbox
  const res = await fetch(`${urls.wxmp}/__sim/wxmp/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'official_account', name: '易码云支付', principalName: '易码支付平台' }),
  })
  if (res.status !== 201) throw new Error(`POST /__sim/wxmp/apps answered ${res.status}: ${await res.text()}`)
  const platform = await res.json() as { appid: string, secret: string }
  const component = clients.wxmp.component
  return {
    WXMP_API_BASE_URL: clients.wxmp.apiBaseUrl,
    WX_OPEN_BASE_URL: clients.wxmp.openBaseUrl,
    WX_MP_BASE_URL: urls.wxmp,
    WXPAY_BASE_URL: clients.wxpay.baseUrl,
    ALIPAY_GATEWAY: clients.alipay.gateway,
    ALIPAY_OPENAUTH_URL: `${urls.alipay}/`,
    PLATFORM_OA_APPID: platform.appid,
    PLATFORM_OA_SECRET: platform.secret,
    WX_COMPONENT_APPID: component.appid,
    WX_COMPONENT_SECRET: component.secret,
    WX_COMPONENT_TOKEN: component.token,
    WX_COMPONENT_AES_KEY: component.encodingAESKey,
    // The pay page's WeixinJSBridge / AlipayJSBridge shims, one per vendor port.
    PAY_BRIDGE_BASE_URL: `wechat=${urls.wxpay},alipay=${urls.alipay}`,
  }
}

/** Tells the open platform where yima receives its pushes (component_verify_ticket first). */
export async function registerComponentUrl (sandbox: Sandbox, serverUrl: string): Promise<void> {
  const res = await fetch(`${sandbox.urls.wxmp}/__sim/wxmp/component/server`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `${serverUrl}/wx/component/events` }),
  })
  if (!res.ok) throw new Error(`component server URL: ${res.status}`)
}
