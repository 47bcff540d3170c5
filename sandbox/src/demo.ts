import type { Sandbox } from './index'

/** The sub-merchant the demo store sells as: registered afresh in every sandbox start. */
export const DEMO_SUB_MCH_ID = '1900000109'

/**
 * What `npm start` needs to seed a demo service provider that pays through this sandbox: the SP
 * form's WeChat Pay and Alipay settings (this run's keys: the sandbox makes new ones at every
 * start, so the seed refreshes them each time) and a sub-merchant WeChat Pay knows.
 */
export async function demoSettings (sandbox: Sandbox): Promise<Record<string, unknown>> {
  const { wxpay, wxmp, alipay } = sandbox.clients
  const res = await fetch(`${sandbox.urls.wxpay}/__sim/wxpay/merchants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub_mchid: DEMO_SUB_MCH_ID, name: '易码演示餐厅' }),
  })
  if (res.status !== 201) throw new Error(`POST /__sim/wxpay/merchants answered ${res.status}: ${await res.text()}`)
  return {
    subMchId: DEMO_SUB_MCH_ID,
    wechatPay: {
      mchId: wxpay.spMchId,
      apiV3Key: wxpay.apiV3Key,
      apiV2Key: wxpay.apiV2Key,
      privateKey: wxpay.merchantPrivateKeyPem,
      certificateSerial: wxpay.merchantSerial,
      certificate: wxpay.merchantCertificatePem,
      platformCertificate: wxpay.platformCertificatePem,
      publicKey: wxpay.platformPublicKeyPem,
      publicKeyId: wxpay.platformPublicKeyId,
      officialAccountAppId: wxmp.officialAccount.appId,
      officialAccountSecret: wxmp.officialAccount.appSecret,
    },
    alipay: { appId: alipay.appId, privateKey: alipay.appPrivateKeyPem, alipayPublicKey: alipay.alipayPublicKeyPem, pid: alipay.pid },
  }
}
