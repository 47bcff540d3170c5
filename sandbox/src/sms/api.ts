import { randomUUID } from 'node:crypto'
import type Router from '@koa/router'
import type { Context } from 'koa'
import type { SimWorld } from '../core/world'
import { tcError, type Lang, type TcErrorCode } from './errors'
import { sendSms, type SmsAccount } from './send-sms'
import type { SmsState } from './store'
import { parseTc3Authorization, sameSignature, tc3Date, tc3Signature } from './tc3'

const VERSION = '2021-01-11'
/** Regions of the domestic SMS service. */
const REGIONS = new Set(['ap-beijing', 'ap-guangzhou', 'ap-nanjing'])
const MAX_SKEW_SEC = 300

type AuthFailure = [TcErrorCode, string?]

/**
 * Tencent signs with the service named by the endpoint's first DNS label (`sms.tencentcloudapi.com`
 * → `sms`); the official SDKs derive it the same way, so an SDK pointed at `127.0.0.1:port` signs
 * with `127`. Both are accepted; any other service is a signature failure.
 */
function serviceMatches (service: string, host: string): boolean {
  return service === 'sms' || service === host.split(':')[0]?.split('.')[0]
}

/**
 * The canonical `host` header is the Host the client sent. The Node SDK signs `URL.hostname` but
 * sends `URL.host`; against the real (port-less) endpoint both are equal, so the port-less form is
 * accepted as well.
 */
function hostVariants (host: string): string[] {
  const hostname = host.replace(/:\d+$/, '')
  return hostname === host ? [host] : [host, hostname]
}

function authenticate (ctx: Context, account: SmsAccount): AuthFailure | undefined {
  const auth = parseTc3Authorization(ctx.get('authorization'))
  if (auth === undefined) return ['AuthFailure.InvalidAuthorization']
  if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
    return ['AuthFailure.InvalidAuthorization', 'SignedHeaders must include content-type and host.']
  }
  const timestamp = ctx.get('x-tc-timestamp')
  if (!/^\d{1,12}$/.test(timestamp)) return ['MissingParameter', 'X-TC-Timestamp']
  // The real clock, not the simulated one: the SDK stamps requests with its own real time.
  const now = Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_SEC) return ['AuthFailure.SignatureExpire', `Timestamp: ${timestamp}, server time: ${now}.`]
  if (auth.secretId !== account.secretId) return ['AuthFailure.SecretIdNotFound']
  const host = ctx.get('host')
  if (auth.date !== tc3Date(Number(timestamp)) || !serviceMatches(auth.service, host)) return ['AuthFailure.SignatureFailure']
  const ok = hostVariants(host).some((h) => sameSignature(auth.signature, tc3Signature({
    secretKey: account.secretKey,
    method: ctx.method,
    path: ctx.path,
    query: ctx.querystring,
    headers: auth.signedHeaders.map((name): [string, string] => [name, name === 'host' ? h : ctx.get(name)]),
    payload: ctx.request.rawBody ?? '',
    timestamp,
    date: auth.date,
    service: auth.service,
  })))
  return ok ? undefined : ['AuthFailure.SignatureFailure']
}

/** Like a peer that took the request and never answered: the client's own timeout decides. */
async function hangUp (ctx: Context): Promise<void> {
  await new Promise<void>((resolve) => { ctx.res.once('close', resolve) })
  ctx.respond = false
}

/** `POST /`: the API 3.0 gateway of sms.tencentcloudapi.com, dispatching on `X-TC-Action`. */
export function smsApiRoutes (router: Router, world: SimWorld, state: SmsState, account: SmsAccount): void {
  router.post('/', async (ctx) => {
    const requestId = randomUUID()
    const lang: Lang = ctx.get('x-tc-language') === 'zh-CN' ? 'zh-CN' : 'en-US'
    const fail = (code: TcErrorCode, detail?: string): void => { ctx.body = tcError(code, requestId, lang, detail) }
    const action = ctx.get('x-tc-action')
    if (action === '') return fail('MissingParameter', 'Action')

    const fault = world.faults.take(`sms:${action}`)
    if (fault === 'TIMEOUT') return await hangUp(ctx)
    if (fault === '5xx') {
      ctx.status = 500
      return fail('InternalError')
    }

    const authFailure = authenticate(ctx, account)
    if (authFailure !== undefined) return fail(...authFailure)
    if (action !== 'SendSms') return fail('InvalidAction', action)
    const version = ctx.get('x-tc-version')
    if (version === '') return fail('MissingParameter', 'Version')
    if (version !== VERSION) return fail('NoSuchVersion', version)
    const region = ctx.get('x-tc-region')
    if (region === '') return fail('MissingParameter', 'Region')
    if (!REGIONS.has(region)) return fail('UnsupportedRegion', region)

    const outcome = sendSms(ctx.request.body, state, account, world.clock.now())
    if (!outcome.ok) return fail(outcome.code, outcome.detail)
    ctx.body = { Response: { SendStatusSet: outcome.sendStatusSet, RequestId: requestId } }
  })
}
