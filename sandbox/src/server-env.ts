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
  const template = await paymentTemplate(sandbox)
  const sms = clients.sms
  return {
    WXMP_API_BASE_URL: clients.wxmp.apiBaseUrl,
    WX_OPEN_BASE_URL: clients.wxmp.openBaseUrl,
    WX_MP_BASE_URL: urls.wxmp,
    WXPAY_BASE_URL: clients.wxpay.baseUrl,
    ALIPAY_GATEWAY: clients.alipay.gateway,
    ALIPAY_OPENAUTH_URL: `${urls.alipay}/`,
    PLATFORM_OA_APPID: platform.appid,
    PLATFORM_OA_SECRET: platform.secret,
    WX_MINIPROGRAM_APPID: clients.wxmp.miniProgram.appId,
    WX_MINIPROGRAM_SECRET: clients.wxmp.miniProgram.appSecret,
    WX_COMPONENT_APPID: component.appid,
    WX_COMPONENT_SECRET: component.secret,
    WX_COMPONENT_TOKEN: component.token,
    WX_COMPONENT_AES_KEY: component.encodingAESKey,
    // The pay page's WeixinJSBridge / AlipayJSBridge shims, one per vendor port.
    PAY_BRIDGE_BASE_URL: `wechat=${urls.wxpay},alipay=${urls.alipay}`,
    // Payment messages (N1): the template the SP's account added, and Tencent Cloud SMS as fallback.
    WX_PAY_TEMPLATE_ID: template.template_id,
    SMS_ENDPOINT: sms.endpoint,
    SMS_PROTOCOL: sms.protocol.replace('://', ''),
    SMS_REGION: sms.region,
    SMS_SECRET_ID: sms.secretId,
    SMS_SECRET_KEY: sms.secretKey,
    SMS_SDK_APP_ID: sms.sdkAppId,
    SMS_SIGN_NAME: sms.signName,
    SMS_TEMPLATE_ID: sms.templates.payment.id,
    // Cloud printers and speakers: the platform's accounts at Feie, Yilianyun and BRHK.
    FEIE_BASE_URL: clients.devices.feie.url,
    FEIE_USER: clients.devices.feie.user,
    FEIE_UKEY: clients.devices.feie.ukey,
    YLY_BASE_URL: clients.devices.yly.baseUrl,
    YLY_CLIENT_ID: clients.devices.yly.clientId,
    YLY_CLIENT_SECRET: clients.devices.yly.clientSecret,
    BRHK_BASE_URL: clients.devices.brhk.baseUrl,
    BRHK_AGENCY_TOKEN: clients.devices.brhk.token,
  }
}

/**
 * The payment-message template (收款成功通知) as the SP's admin adds it to their official account;
 * from then on the sandbox accepts only registered templates for that account, as WeChat does.
 * Its fields are the ones modules/notify/README.md lists.
 */
export async function paymentTemplate (sandbox: Sandbox, appid?: string): Promise<{ template_id: string }> {
  const res = await fetch(`${sandbox.urls.wxmp}/__sim/wxmp/templates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(appid === undefined ? {} : { appid }),
      title: '收款成功通知',
      content: '收款金额：{{amount1.DATA}}\n收款门店：{{thing2.DATA}}\n支付方式：{{phrase3.DATA}}\n收款时间：{{time4.DATA}}\n订单尾号：{{character_string5.DATA}}',
    }),
  })
  if (res.status !== 201) throw new Error(`POST /__sim/wxmp/templates answered ${res.status}: ${await res.text()}`)
  return await res.json() as { template_id: string }
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
