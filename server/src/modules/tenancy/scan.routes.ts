import Router from '@koa/router'
import { XMLParser } from 'fast-xml-parser'
import { eq } from 'drizzle-orm'
import type { DefaultContext, Middleware } from 'koa'
import { z } from 'zod'
import { AppError, type ScanProblem } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { WechatComponent } from '../../channels/wechat-mp/component'
import type { WechatOAuth } from '../../channels/wechat-mp/client'
import type { AppContext, AppState } from '../../http/context'
import { rateLimit } from '../../http/rate-limit'
import type { SecretBox } from '../../secrets'
import type { WechatBindingService } from '../identity/wechat-binding.service'
import type { OAuthTarget } from './official-account.service'
import { entityOf, type TenancyServices } from './routes'
import type { ScanTokens } from './scan-tokens'
import { ALL_SCOPE, wechatScope } from './scope'
import { ScanProblemError, type EntityKind } from './staff.service'
import { wechatComponentTickets } from './tenancy.schema'

export const WX_SESSION_COOKIE = 'yima_wx'
const WX_SESSION_TTL_SEC = 2 * 3600
const STATE_TTL_SEC = 10 * 60
const EntityKindSchema = z.enum(['sp', 'ssp', 'merchant', 'store'])

export interface ScanDeps {
  db: Db
  clock: Clock
  box: SecretBox
  tokens: ScanTokens
  bindings: WechatBindingService
  platformOfficialAccount: { appId: string, secret: string } | null
  oauth: WechatOAuth
  component: WechatComponent | null
}

/** The H5 page that explains the outcome of a scan (h5/src/pages/scan/result). */
const resultPage = (q: Record<string, string>): string => `/#/pages/scan/result/index?${new URLSearchParams(q).toString()}`
const problemPage = (problem: ScanProblem): string => resultPage({ problem })

const str = (v: unknown): string | undefined => typeof v === 'string' && v.length > 0 && v.length <= 2000 ? v : undefined

/**
 * What a phone opens after scanning: activation (T4), console WeChat binding (T1), management
 * codes, and the return legs of the official-account (T3) and Alipay (T7) authorizations. Each
 * ends on an H5 page; every failure is a page that says what to do, never a bare error.
 */
export function scanRoutes (s: TenancyServices, d: ScanDeps): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const limiter = rateLimit(d, { name: 'scan:ip', limit: 60, windowMs: 60_000, key: (ctx) => ctx.ip })
  // A phone gets a page that says to wait, not a bare 429.
  const limited: Middleware<AppState> = async (ctx, next) => {
    try {
      await limiter(ctx, next)
    } catch (err) {
      if (err instanceof AppError && err.type === 'rate_limit') { ctx.redirect(problemPage('rate_limited')); return }
      throw err
    }
  }
  const origin = (ctx: AppContext) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent'), requestId: ctx.state.requestId })
  const redirectProblems = async (ctx: AppContext, run: () => Promise<void>): Promise<void> => {
    try {
      await run()
    } catch (err) {
      if (err instanceof ScanProblemError) { ctx.redirect(problemPage(err.problem)); return }
      throw err
    }
  }
  const startWxSession = (ctx: AppContext, appId: string, openid: string): void => {
    ctx.cookies.set(WX_SESSION_COOKIE, d.tokens.sign({ purpose: 'wx_session', appId, openid }, WX_SESSION_TTL_SEC), {
      httpOnly: true, sameSite: 'lax', maxAge: WX_SESSION_TTL_SEC * 1000, overwrite: true,
    })
  }
  const targetOfSp = async (spId: string): Promise<OAuthTarget> => s.officialAccounts.target(await s.sps.row(ALL_SCOPE, spId))

  // T1: console binding through the platform's own official account.
  router.get('/scan/bind', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const token = str(ctx.query.t)
      if (token === undefined) throw new ScanProblemError('code_unknown')
      const problem = await d.bindings.check(token)
      if (problem !== null) throw new ScanProblemError(problem)
      const oa = platformOa(d)
      const state = d.tokens.sign({ purpose: 'bind', t: token }, STATE_TTL_SEC)
      ctx.redirect(d.oauth.authorizeUrl({ appId: oa.appId, redirectUri: `${s.publicUrl}/scan/bind/callback`, state }))
    })
  })
  router.get('/scan/bind/callback', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const claims = d.tokens.verify<{ t: string }>(str(ctx.query.state) ?? '', 'bind')
      const code = str(ctx.query.code)
      if (claims === undefined || code === undefined) throw new ScanProblemError('code_expired')
      const oa = platformOa(d)
      const identity = await d.oauth.exchange({ appId: oa.appId, secret: oa.secret, code }).catch(() => { throw new ScanProblemError('openid_failed') })
      const problem = await d.bindings.complete(claims.t, { appId: oa.appId, openid: identity.openid, origin: origin(ctx) })
      ctx.redirect(problem === null ? resultPage({ ok: 'bound' }) : problemPage(problem))
    })
  })

  // T4: activation through the SP's official account.
  router.get('/scan/activate', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const token = str(ctx.query.t)
      if (token === undefined) throw new ScanProblemError('code_unknown')
      const { person } = await s.staff.peek(token)
      const target = await targetOfSp(person.spId)
      const state = d.tokens.sign({ purpose: 'activate', t: token, spId: person.spId }, STATE_TTL_SEC)
      ctx.redirect(s.officialAccounts.authorizeUrl(target, `${s.publicUrl}/scan/activate/callback`, state))
    })
  })
  router.get('/scan/activate/callback', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const claims = d.tokens.verify<{ t: string, spId: string }>(str(ctx.query.state) ?? '', 'activate')
      const code = str(ctx.query.code)
      if (claims === undefined || code === undefined) throw new ScanProblemError('code_expired')
      const target = await targetOfSp(claims.spId)
      let openid: string
      try {
        openid = (await s.officialAccounts.exchange(target, code)).openid
      } catch (err) {
        // WeChat's browser sometimes loads the callback twice; the second load's code is spent.
        if (err instanceof ScanProblemError && await s.staff.usedBy(claims.t)) throw new ScanProblemError('openid_failed')
        throw err
      }
      const person = await s.staff.activate(claims.t, { appId: target.appId, openid, spId: claims.spId, origin: origin(ctx) })
      // The phone that just activated is signed in to the staff pages, where the person works next.
      startWxSession(ctx, target.appId, openid)
      const entity = person.storeId !== null
        ? await entityOf(s, ALL_SCOPE, 'store', person.storeId)
        : person.merchantId !== null
          ? await entityOf(s, ALL_SCOPE, 'merchant', person.merchantId)
          : person.sspId !== null ? await entityOf(s, ALL_SCOPE, 'ssp', person.sspId) : await entityOf(s, ALL_SCOPE, 'sp', person.spId)
      ctx.redirect(resultPage({ ok: 'activated', role: person.role, name: entity.name, staff: '1' }))
    })
  })

  // Management codes: OAuth, then a short-lived WeChat session for the entity's admin pages.
  router.get('/scan/manage', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const kind = EntityKindSchema.safeParse(ctx.query.kind)
      const id = str(ctx.query.id)
      if (!kind.success || id === undefined) throw new ScanProblemError('code_unknown')
      const entity = await entityOf(s, ALL_SCOPE, kind.data, id).catch(() => { throw new ScanProblemError('code_unknown') })
      const target = await targetOfSp(entity.spId)
      const state = d.tokens.sign({ purpose: 'manage', kind: kind.data, id: entity.id, spId: entity.spId }, STATE_TTL_SEC)
      ctx.redirect(s.officialAccounts.authorizeUrl(target, `${s.publicUrl}/scan/manage/callback`, state))
    })
  })
  router.get('/scan/manage/callback', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const claims = d.tokens.verify<{ kind: EntityKind, id: string, spId: string }>(str(ctx.query.state) ?? '', 'manage')
      const code = str(ctx.query.code)
      if (claims === undefined || code === undefined) throw new ScanProblemError('code_expired')
      const target = await targetOfSp(claims.spId)
      const { openid } = await s.officialAccounts.exchange(target, code)
      const entity = await entityOf(s, ALL_SCOPE, claims.kind, claims.id)
      const roles = await s.staff.rolesFor(entity, target.appId, openid)
      if (roles.length === 0) throw new ScanProblemError('not_an_admin')
      startWxSession(ctx, target.appId, openid)
      ctx.redirect(`/#/pages/manage/index?kind=${claims.kind}&id=${encodeURIComponent(entity.id)}`)
    })
  })

  // The admin pages behind a management code, for the WeChat user of the session cookie.
  router.get('/v1/mobile/entities/:kind/:id', async (ctx) => {
    const session = d.tokens.verify<{ appId: string, openid: string }>(ctx.cookies.get(WX_SESSION_COOKIE) ?? '', 'wx_session')
    if (session === undefined) throw new AppError('authentication', 'unauthenticated', '请重新扫描管理二维码')
    const kind = EntityKindSchema.parse(ctx.params.kind)
    const scope = await wechatScope(d.db, session.appId, session.openid)
    const entity = await entityOf(s, scope, kind, ctx.params.id ?? '')
    const roles = await s.staff.rolesFor(entity, session.appId, session.openid)
    const caller = { actor: { id: roles[0]?.id ?? session.openid, kind: 'staff' as const }, scope }
    ctx.body = { kind, id: entity.id, name: entity.name, role: roles[0]?.role ?? null, admins: (await s.staff.list(caller, entity)).data }
  })

  // T3: the open platform's redirect after the SP's account admin authorized.
  router.get('/scan/oa/callback', limited, async (ctx) => {
    const state = str(ctx.query.state)
    const authCode = str(ctx.query.auth_code)
    if (state === undefined || authCode === undefined) { ctx.redirect('/#/pages/console/oa-result/index?status=failed'); return }
    const { spId, problem } = await s.officialAccounts.completeAuthorization(state, authCode, origin(ctx))
    ctx.redirect(`/#/pages/console/oa-result/index?${new URLSearchParams({ status: problem === null ? 'ok' : 'failed', sp: spId, ...(problem === null ? {} : { problem }) }).toString()}`)
  })

  // T7: Alipay's redirect after the merchant authorized the SP's app.
  router.get('/scan/alipay/callback', limited, async (ctx) => {
    await redirectProblems(ctx, async () => {
      const claims = d.tokens.verify<{ merchantId: string }>(str(ctx.query.state) ?? '', 'alipay_app_auth')
      const code = str(ctx.query.app_auth_code)
      if (claims === undefined || code === undefined) throw new ScanProblemError('code_expired')
      try {
        await s.merchants.completeAlipayAuthorization(claims.merchantId, code)
      } catch (err) {
        if (err instanceof AppError && err.code === 'alipay_already_authorized') { ctx.redirect(resultPage({ problem: 'alipay_other_account' })); return }
        // Alipay refused the code: spent by an earlier load of this page (phone browsers may load a
        // redirect twice) or too old. The earlier load's outcome stands; otherwise scan again.
        if (err instanceof AppError && err.code === 'alipay_token_invalid') {
          const m = await s.merchants.row(ALL_SCOPE, claims.merchantId)
          ctx.redirect(m.alipayUserId === null ? problemPage('code_expired') : resultPage({ ok: 'alipay_authorized' }))
          return
        }
        throw err
      }
      ctx.redirect(resultPage({ ok: 'alipay_authorized' }))
    })
  })

  // The open platform pushes component_verify_ticket every 10 minutes, and (de)authorization events.
  const xml = new XMLParser({ parseTagValue: false })
  router.post('/wx/component/events', async (ctx) => {
    const component = d.component
    if (component === null) throw new AppError('not_found', 'route_not_found')
    const q = { timestamp: str(ctx.query.timestamp) ?? '', nonce: str(ctx.query.nonce) ?? '', sig: str(ctx.query.msg_signature) ?? '' }
    const raw = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : ''
    // Anything that is not WeChat's signed XML (malformed, hostile) is refused, never a 500.
    const encrypted = (() => { try { return String((xml.parse(raw) as { xml?: { Encrypt?: unknown } }).xml?.Encrypt ?? '') } catch { return '' } })()
    const verified = (() => { try { return encrypted !== '' && component.crypt.verify(q.timestamp, q.nonce, encrypted, q.sig) } catch { return false } })()
    if (!verified) {
      throw new AppError('authentication', 'unauthenticated', 'msg_signature 校验失败')
    }
    const event = (xml.parse(component.crypt.decrypt(encrypted)) as { xml: Record<string, string> }).xml
    if (event.InfoType === 'component_verify_ticket' && event.ComponentVerifyTicket !== undefined) {
      const sealed = d.box.seal(event.ComponentVerifyTicket, `wechat_component_tickets.ticket:${component.appId}`)
      await d.db.insert(wechatComponentTickets).values({ componentAppId: component.appId, ticketSealed: sealed, receivedAt: d.clock.now() })
        .onConflictDoUpdate({ target: wechatComponentTickets.componentAppId, set: { ticketSealed: sealed, receivedAt: d.clock.now() } })
    } else if (event.InfoType === 'unauthorized' && event.AuthorizerAppid !== undefined) {
      await s.officialAccounts.revoked(event.AuthorizerAppid)
    }
    ctx.type = 'text/plain'
    ctx.body = 'success'
  })
  return router
}

function platformOa (d: ScanDeps): { appId: string, secret: string } {
  if (d.platformOfficialAccount === null) throw new AppError('unavailable', 'platform_not_configured', '平台尚未配置公众号（PLATFORM_OA_APPID / PLATFORM_OA_SECRET），无法绑定微信号')
  return d.platformOfficialAccount
}

/** Reads the latest pushed ticket for the component client. */
export function ticketStore (db: Db, box: SecretBox, componentAppId: string) {
  return {
    read: async (): Promise<string | undefined> => {
      const [row] = await db.select().from(wechatComponentTickets).where(eq(wechatComponentTickets.componentAppId, componentAppId))
      return row === undefined ? undefined : box.open(row.ticketSealed, `wechat_component_tickets.ticket:${componentAppId}`).reveal()
    },
  }
}
