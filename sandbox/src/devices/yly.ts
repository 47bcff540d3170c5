import { createHash } from 'node:crypto'
import type Router from '@koa/router'
import { digits, hex } from '../core/ids'
import type { SimWorld } from '../core/world'
import { deviceFault, requestParams, transportFault, type DeviceFault } from './http'
import type { Device, DeviceRegistry, PrintJob } from './registry'

// 易联云 open API (https://open-api.10ss.net), "自有应用" (own-app) mode: form POSTs, each carrying
// client_id, timestamp, id (UUID4) and sign = md5(client_id + timestamp + client_secret), lower-case
// hex; after /oauth/oauth also access_token. Answers are HTTP 200 {error, error_description, body?}
// with `error` a string; the codes are those of the API documents (elind-dev/openapi).

export interface YlyAccount { clientId: string, clientSecret: string }

type Reply = { error: string, error_description: string, body?: unknown }
const ok = (body?: unknown): Reply => body === undefined ? { error: '0', error_description: 'success' } : { error: '0', error_description: 'success', body }
const fail = (error: number, description: string): Reply => ({ error: String(error), error_description: description })
const PRINTER_INFO = fail(8, '打印机信息错误,参数有误')
const NO_PERMISSION = fail(10, '权限不足')
const MISSING = fail(12, '缺少必要参数')
const TOKEN_EXPIRED = fail(18, 'access_token已过期,请刷新access_token或者重新授权')

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Own-app tokens do not expire; expires_in is informational (30 days). */
const EXPIRES_IN = 2_592_000

interface Call { p: Record<string, string>, clientId: string, fault: DeviceFault }
type Api = (call: Call) => Reply

/** `<MN>n</MN>` in the content is Yilianyun's 联数 (copies) instruction. */
const copiesOf = (content: string): number => Math.min(9, Math.max(1, Number(/<MN>(\d+)<\/MN>/i.exec(content)?.[1] ?? 1)))

const unix = (iso: string | undefined): string => iso === undefined ? '0' : String(Math.floor(Date.parse(iso) / 1000))

export function ylyRoutes (router: Router, world: SimWorld, registry: DeviceRegistry, account: YlyAccount): void {
  const tokens = new Set<string>()
  const refreshTokens = new Set<string>()
  const issue = (): Reply => {
    const accessToken = hex(16)
    const refreshToken = hex(16)
    tokens.add(accessToken)
    refreshTokens.add(refreshToken)
    return ok({ access_token: accessToken, refresh_token: refreshToken, machine_code: '', expires_in: EXPIRES_IN, scope: 'all' })
  }
  /** The printer behind machine_code, if this app is authorised for it. */
  const authorised = (p: Record<string, string>, clientId: string): Device | undefined => {
    const d = registry.get('yly', p.machine_code ?? '')
    return d?.boundTo === clientId ? d : undefined
  }
  const withPrinter = (fn: (d: Device, call: Call) => Reply): Api => (call) => {
    if (call.p.machine_code === undefined || call.p.machine_code === '') return MISSING
    const d = authorised(call.p, call.clientId)
    return d === undefined ? PRINTER_INFO : fn(d, call)
  }
  const jobOf = (d: Device, orderId: string | undefined): PrintJob | undefined => d.jobs.find((j) => j.orderId === orderId)

  const apis: Record<string, Api> = {
    'printer/addprinter': ({ p, clientId }) => {
      if (p.machine_code === undefined || p.msign === undefined) return MISSING
      const d = registry.get('yly', p.machine_code)
      if (d === undefined || d.key !== p.msign) return PRINTER_INFO
      if (d.boundTo !== undefined && d.boundTo !== clientId) return NO_PERMISSION
      d.boundTo = clientId
      if (p.print_name !== undefined && p.print_name !== '') d.name = p.print_name
      return ok()
    },
    'printer/deleteprinter': withPrinter((d) => {
      d.boundTo = undefined
      return ok()
    }),
    'print/index': withPrinter((d, { p, fault }) => {
      if (p.content === undefined || p.content === '' || p.origin_id === undefined) return MISSING
      if (!/^[0-9A-Za-z]{1,32}$/.test(p.origin_id)) return fail(13, '打印失败,参数有误')
      const orderId = digits(9)
      registry.submit(d, { orderId, originId: p.origin_id, content: p.content, copies: copiesOf(p.content), lost: fault !== undefined })
      return ok({ id: orderId, origin_id: p.origin_id })
    }),
    /** state: 0 离线, 1 在线, 2 缺纸. */
    'printer/getprintstatus': withPrinter((d, { fault }) => {
      const state = fault === 'OFFLINE' || !d.online ? '0' : fault === 'PAPER_OUT' || d.paper === 'out' ? '2' : '1'
      return ok({ state })
    }),
    /** status: 1 已打印, 0 未打印 (or cancelled). */
    'printer/getorderstatus': withPrinter((d, { p }) => {
      const job = jobOf(d, p.order_id)
      return job === undefined ? PRINTER_INFO : ok({ id: job.orderId, origin_id: job.originId ?? '', status: job.state === 'printed' ? 1 : 0 })
    }),
    /** Only the first 3 pages, at most 100 a page, newest first. */
    'printer/getorderpaginglist': withPrinter((d, { p }) => {
      const page = Number(p.page_index ?? 1)
      const size = Number(p.page_size ?? 10)
      if (!Number.isInteger(page) || page < 1 || page > 3 || !Number.isInteger(size) || size < 1 || size > 100) return MISSING
      const jobs = [...d.jobs].reverse().slice((page - 1) * size, page * size)
      return ok(jobs.map((j) => ({ id: j.orderId, receiving_time: unix(j.receivedAt), print_time: unix(j.printedAt), origin_id: j.originId ?? '', status: j.state === 'printed' ? 1 : 0, content: j.content })))
    }),
    'printer/cancelall': withPrinter((d) => {
      for (const j of d.jobs) if (j.state === 'waiting') j.state = 'cancelled'
      return ok()
    }),
    'printer/cancelone': withPrinter((d, { p }) => {
      const job = jobOf(d, p.order_id)
      if (job?.state !== 'waiting') return PRINTER_INFO
      job.state = 'cancelled'
      return ok()
    }),
  }

  /** Common checks of every call; undefined when the caller is this app, correctly signed. */
  const authenticate = (p: Record<string, string>): Reply | undefined => {
    const { client_id: clientId, sign, timestamp, id } = p
    if (clientId === undefined || sign === undefined || timestamp === undefined || id === undefined) return MISSING
    const expected = createHash('md5').update(clientId + timestamp + account.clientSecret).digest('hex')
    if (clientId !== account.clientId || sign !== expected) return fail(11, 'sign验证失败')
    if (!UUID4.test(id)) return fail(33, 'Uuid不合法')
    return undefined
  }

  router.post('/yly/oauth/oauth', async (ctx) => {
    const p = requestParams(ctx)
    if (await transportFault(ctx, world.faults.take('devices:yly:oauth/oauth'))) return
    const refused = authenticate(p)
    if (refused !== undefined) ctx.body = refused
    else if (p.grant_type === 'client_credentials') ctx.body = issue()
    else if (p.grant_type !== 'refresh_token') ctx.body = p.grant_type === undefined ? MISSING : NO_PERMISSION
    else if (p.refresh_token === undefined || !refreshTokens.delete(p.refresh_token)) ctx.body = TOKEN_EXPIRED
    else ctx.body = issue()
  })

  router.post('/yly/:group/:action', async (ctx) => {
    const api = `${ctx.params.group ?? ''}/${ctx.params.action ?? ''}`
    const handler = apis[api]
    if (handler === undefined) return
    const p = requestParams(ctx)
    const fault = world.faults.take(`devices:yly:${api}`)
    if (await transportFault(ctx, fault)) return
    const refused = authenticate(p)
    if (refused !== undefined) ctx.body = refused
    else if (p.access_token === undefined) ctx.body = MISSING
    else if (!tokens.has(p.access_token)) ctx.body = TOKEN_EXPIRED
    else ctx.body = handler({ p, clientId: account.clientId, fault: deviceFault(fault) })
  })
}
