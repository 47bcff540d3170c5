import pino, { type Logger } from 'pino'

export type { Logger }

/**
 * Field names whose values never reach a log line, at any of the first four depths. Secrets and
 * tokens because they grant access; openids and phone numbers because they identify people.
 */
const SENSITIVE = [
  'authorization', 'cookie', 'set-cookie', 'password', 'passwordHash', 'secret', 'token', 'accessToken',
  'refreshToken', 'privateKey', 'apiV3Key', 'apiKey', 'authenKey', 'appPrivateKey', 'sessionKey', 'signature',
  'openid', 'openId', 'sub_openid', 'buyerId', 'buyer_id', 'phone', 'mobile', 'adminPhone', 'idCard',
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
