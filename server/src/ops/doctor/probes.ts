import { X509Certificate } from 'node:crypto'
import { Aes } from 'wechatpay-axios-plugin'
import { alipaySdk, type AlipayApp } from '../../channels/alipay/app-auth'
import type { AccessTokens, TokenSource } from '../../channels/wechat-mp/access-token'
import { WechatApiError } from '../../channels/wechat-mp/client'
import type { WechatPayCredentials } from '../../channels/wechat-pay/partner'
import { isRecord, type V3Answer, type V3Transport } from '../../channels/wechat-pay/transport'
import { fail, pass, scrub, type Check } from './check'

/** The order number the probes ask about: it cannot exist (the tenancy probes use the same one). */
const PROBE_ORDER = 'YIMA_PROBE_0'

/** What GET /v3/certificates answers in `data[]`. */
interface CertificateEntry { serial_no: string, expire_time: string, encrypt_certificate: { nonce: string, associated_data?: string, ciphertext: string } }

function refusalHint (code: string): string {
  if (code === 'SIGN_ERROR' || code === 'INVALID_REQUEST') return 'check the mchid, the merchant private key and its certificate serial'
  if (code === 'NO_AUTH') return 'the merchant has no permission for this API'
  return 'see the code in the WeChat Pay documentation'
}

function answerFailure (name: string, path: string, a: Exclude<V3Answer, { kind: 'ok' }>): Check {
  if (a.kind === 'refused') return fail(name, `WeChat Pay refused ${path}: ${a.error.code} ${a.error.message} (HTTP ${a.status}): ${refusalHint(a.error.code)}`)
  const hint = /signature|verif|Wechatpay-Serial/i.test(a.reason)
    ? 'the answer could not be verified: check the platform certificate / WeChat Pay public key and its id'
    : 'check WXPAY_BASE_URL and that this machine reaches it'
  return fail(name, `no usable answer to ${path}: ${a.reason}: ${hint}`)
}

/**
 * Signs a real call with the SP's merchant key and verifies the answer with its platform
 * certificate or public key: GET /v3/certificates, whose certificates are encrypted under the
 * APIv3 key, so decrypting them proves that key as well. A public-key-only SP that WeChat Pay
 * gives no certificates to is probed with an order query for an order that cannot exist
 * (ORDER_NOT_EXIST means signing and verifying work), which needs one of its sub-merchants.
 */
export async function probeWechatPay (o: { transport: V3Transport, signer: WechatPayCredentials, apiV3Key: string | null, subMchId: string | null }): Promise<Check[]> {
  const { transport, signer } = o
  const api = 'WeChat Pay API'
  const certs = await transport.send(signer, (wx) => wx.chain('v3/certificates').get(transport.options()))
  if (certs.kind !== 'ok') {
    if (signer.platformCertificate != null || certs.kind !== 'refused') return [answerFailure(api, 'GET /v3/certificates', certs)]
    if (o.subMchId === null) return [pass(api, 'not probed: public-key mode and no sub-merchant yet to query an order for')]
    const path = 'v3/pay/partner/transactions/out-trade-no/{out_trade_no}'
    const query = await transport.send(signer, (wx) => wx.chain(path).get(transport.options({ params: { sp_mchid: signer.mchId, sub_mchid: o.subMchId }, out_trade_no: PROBE_ORDER })))
    if (query.kind === 'ok' || (query.kind === 'refused' && query.error.code === 'ORDER_NOT_EXIST')) {
      return [pass(api, `order query signed and its answer verified (sub-merchant ${o.subMchId}); the APIv3 key is proved by the first notification only`)]
    }
    return [answerFailure(api, 'the order query', query)]
  }

  const data = isRecord(certs.body) && Array.isArray(certs.body.data) ? certs.body.data as CertificateEntry[] : []
  const checks: Check[] = [pass(api, `GET /v3/certificates signed with serial ${signer.certificateSerial} and its answer verified; ${data.length} platform certificate(s)`)]
  if (o.apiV3Key !== null && data.length > 0) {
    const decrypts = data.every((c) => {
      try {
        return Aes.AesGcm.decrypt(c.encrypt_certificate.ciphertext, o.apiV3Key as string, c.encrypt_certificate.nonce, c.encrypt_certificate.associated_data ?? '').includes('BEGIN CERTIFICATE')
      } catch {
        return false
      }
    })
    checks.push(decrypts
      ? pass('WeChat Pay APIv3 key in use', 'decrypts the platform certificates WeChat Pay sent')
      : fail('WeChat Pay APIv3 key in use', 'does not decrypt the platform certificates WeChat Pay sent, so it would not decrypt notifications either: it differs from the APIv3 key set on the merchant platform; enter that one in the console'))
  }
  if (signer.platformCertificate != null && data.length > 0) {
    const stored = new X509Certificate(signer.platformCertificate).serialNumber.toUpperCase()
    const offered = data.map((c) => c.serial_no.toUpperCase())
    checks.push(offered.includes(stored)
      ? pass('WeChat Pay platform certificate in use', `${stored} is one WeChat Pay currently signs with`)
      : fail('WeChat Pay platform certificate in use', `${stored} is no longer offered (current: ${offered.join(', ')}): download the current one and upload it in the console`))
  }
  return checks
}

/** The access token of the SP's official account: through the open-platform authorization, or its AppSecret. */
export async function probeOfficialAccount (o: { tokens: AccessTokens, source: TokenSource, signal?: AbortSignal }): Promise<Check> {
  const name = 'official account'
  try {
    await o.tokens.token(o.source, o.signal)
  } catch (err) {
    const how = o.source.kind === 'authorizer'
      ? 'the authorization to the platform no longer works: have the account\'s admin authorize it again in the console (服务商 → 公众号授权)'
      : 'the AppID / AppSecret pair is refused: enter the current AppSecret (公众号后台 → 基本配置) and allow this server\'s IP there'
    const secrets = [o.source.kind === 'secret' ? o.source.secret.reveal() : o.source.refreshToken.reveal()]
    return fail(name, `${o.source.appId}: ${err instanceof WechatApiError ? `WeChat ${err.errcode} ${scrub(err.errmsg, secrets)}` : scrub(err, secrets)}: ${how}`)
  }
  return pass(name, o.source.kind === 'authorizer'
    ? `${o.source.appId} authorized to the platform; authorizer token issued`
    : `${o.source.appId} (AppSecret mode, not authorized to the platform); access token issued`)
}

/**
 * One Alipay call for a trade that cannot exist, as the SP's app (and, with `appAuthToken`, on a
 * merchant's behalf): ACQ.TRADE_NOT_EXIST means the app's keys and the token work. An expired or
 * withdrawn token is 无效应用授权令牌 (as the console's check says); anything else is reported
 * with its codes. alipay.open.auth.token.app.query would answer the same for the token, but the
 * trade query also proves the app's keys and is what the sandbox and the console use.
 */
export async function probeAlipay (o: { isv: AlipayApp, appAuthToken?: string, timeoutMs: number }): Promise<Check> {
  const name = o.appAuthToken === undefined ? 'Alipay API' : 'Alipay app authorization'
  const secrets = [o.appAuthToken, o.isv.privateKey]
  let r: Record<string, unknown>
  try {
    r = await alipaySdk(o.isv, { timeoutMs: o.timeoutMs }).exec('alipay.trade.query', {
      ...(o.appAuthToken === undefined ? {} : { appAuthToken: o.appAuthToken }),
      bizContent: { out_trade_no: PROBE_ORDER },
    }, { validateSign: true })
  } catch (err) {
    return fail(name, `no usable answer from ALIPAY_GATEWAY: ${scrub(err, secrets)}: check the gateway, and that the Alipay public key is Alipay's (it verifies the answers)`)
  }
  const code = String(r.code ?? '')
  const subCode = String(r.subCode ?? '')
  if (code === '10000' || subCode === 'ACQ.TRADE_NOT_EXIST') {
    return pass(name, o.appAuthToken === undefined ? `app ${o.isv.appId}: signed call accepted and its answer verified` : 'app_auth_token valid')
  }
  if (subCode.startsWith('aop.invalid-app-auth-token') || subCode === 'aop.app-auth-token-time-out') {
    return fail(name, `无效应用授权令牌 (${subCode}): the merchant's authorization expired or was withdrawn; delete its 支付宝用户 ID in the console and have it scan the authorization QR again`)
  }
  const hint = subCode.includes('signature') || subCode.includes('sign')
    ? 'Alipay refuses the signature: the app private key does not match the public key uploaded for this app on the Alipay open platform'
    : 'see the codes in the Alipay documentation'
  return fail(name, `${code} ${subCode} ${scrub(String(r.subMsg ?? r.msg ?? ''), secrets)}: ${hint}`.replace(/\s+/g, ' '))
}
