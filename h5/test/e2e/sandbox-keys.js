// The sandbox's WeChat Pay service-provider keys as the console form takes them (an SP's
// `wechatPay` settings), for the scenarios that set up their own SP through the API.

/** @param {{ clients: any }} sandbox what test/e2e/sandbox.ts printed */
function wechatPaySettings (sandbox) {
  const wx = sandbox.clients.wxpay
  const oa = sandbox.clients.wxmp.officialAccount
  return {
    mchId: wx.spMchId,
    apiV3Key: wx.apiV3Key,
    apiV2Key: wx.apiV2Key,
    privateKey: wx.merchantPrivateKeyPem,
    certificateSerial: wx.merchantSerial,
    platformCertificate: wx.platformCertificatePem,
    publicKey: wx.platformPublicKeyPem,
    publicKeyId: wx.platformPublicKeyId,
    officialAccountAppId: oa.appId,
    officialAccountSecret: oa.appSecret,
  }
}

module.exports = { wechatPaySettings }
