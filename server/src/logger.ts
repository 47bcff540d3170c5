import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * Field names whose values never reach a log line, at any of the first four depths. Secrets and
 * tokens because they grant access; openids and phone numbers because they identify people.
 */
const SENSITIVE = [
  // HTTP credentials
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key',
  // passwords and one-time codes: SMS verification codes, the customer's payment code (付款码), OAuth codes
  'password', 'passwordHash', 'smsCode', 'sms_code', 'verifyCode', 'verificationCode', 'verification_code', 'authCode', 'auth_code',
  // keys: channel API keys, private keys, Cloud Pay 认证密钥, our own secrets, device vendors'
  'secret', 'privateKey', 'private_key', 'appPrivateKey', 'apiV3Key', 'apiV2Key', 'apiKey', 'api_key', 'authenKey', 'authen_key',
  'sessionKey', 'session_key', 'sessionSecret', 'secretsKey', 'secretKey', 'clientSecret', 'client_secret', 'appSecret', 'app_secret',
  'appsecret', 'component_appsecret', 'aesKey', 'encodingAESKey', 'ukey', 'signature',
  // tokens and tickets: WeChat access tokens, Alipay app_auth_token, open-platform tickets
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'appAuthToken', 'app_auth_token', 'appRefreshToken',
  'app_refresh_token', 'componentAccessToken', 'component_access_token', 'authorizer_access_token', 'authorizer_refresh_token',
  'component_verify_ticket', 'apiTicket', 'jsapi_ticket', 'agencyToken', 'metricsToken',
  // people
  'openid', 'openId', 'sub_openid', 'buyerId', 'buyer_id', 'payerId', 'payer_id', 'phone', 'mobile', 'adminPhone', 'idCard',
]

export const REDACT_PATHS = SENSITIVE.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`
  const dot = k.startsWith('[') ? '' : '.'
  return [k, `*${dot}${k}`, `*.*${dot}${k}`, `*.*.*${dot}${k}`]
})

/**
 * JSON lines for machines; with `pretty` (development on a terminal) pino-pretty formats them for
 * a person. Redaction applies before either.
 */
export function createLogger (level: string, destination?: pino.DestinationStream, o: { pretty?: boolean } = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'yima' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  }
  if (o.pretty === true && destination === undefined) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } })
  }
  return pino(options, destination)
}
