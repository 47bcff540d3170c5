import type Router from '@koa/router'
import { z } from 'zod'
import type { WxApp } from '../apps'
import type { WxmpDeps } from '../deps'
import { WxError } from '../errors'
import { api, parseBody, readJson } from '../http'
import { TOKEN_TTL_S } from '../tokens'
import type { Component } from '.'
import { PRE_AUTH_CODE_TTL_S, type Authorization } from './state'

// Every field optional: a missing one gets the API's own code (41002, 41004, 61006, 61009) rather
// than the generic 41011.
const field = z.string().optional()
const TokenBody = z.object({ component_appid: field, component_appsecret: field, component_verify_ticket: field })
const SelfBody = z.object({ component_appid: field })
const QueryAuthBody = z.object({ component_appid: field, authorization_code: field })
const RefreshBody = z.object({ component_appid: field, authorizer_appid: field, authorizer_refresh_token: field })
const InfoBody = z.object({ component_appid: field, authorizer_appid: field })

const nonEmpty = (s: string | undefined): string | undefined => (s === '' ? undefined : s)

export const funcInfo = (a: Authorization): Array<{ funcscope_category: { id: number } }> =>
  a.func.map((id) => ({ funcscope_category: { id } }))

/**
 * authorizer_info as api_get_authorizer_info reports it: service_type_info 2 = 服务号 (mini programs 0),
 * verify_type_info -1 = 未认证, 0 = 微信认证; business_info flags are 0/1.
 */
function authorizerInfo (app: WxApp): Record<string, unknown> {
  const oa = app.type === 'official_account'
  return {
    nick_name: app.name,
    service_type_info: { id: oa ? 2 : 0 },
    verify_type_info: { id: app.verified ? 0 : -1 },
    user_name: app.originalId,
    principal_name: app.principalName,
    business_info: { open_store: 0, open_scan: 0, open_pay: oa && app.verified ? 1 : 0, open_card: app.cardPermission ? 1 : 0, open_shake: 0 },
    ...(oa ? {} : { MiniProgramInfo: { network: { RequestDomain: [], WsRequestDomain: [], UploadDomain: [], DownloadDomain: [] }, categories: [], visit_status: 0 } }),
  }
}

/**
 * The platform's own APIs (`/cgi-bin/component/*`): component_access_token from the pushed ticket,
 * pre-authorization codes, and the authorizer tokens and details of accounts that authorized it.
 */
export function componentApiRoutes (router: Router, deps: WxmpDeps, component: Component): void {
  const { world, apps, tokens } = deps
  /** An account that authorized the platform: 41002 missing, 40013 unknown, 61003 not (or no longer) authorized. */
  const authorized = (appid: string | undefined): { app: WxApp, authorization: Authorization } => {
    if (appid === undefined || appid === '') throw new WxError(41002)
    const app = apps.get(appid)
    if (app === undefined) throw new WxError(40013)
    const authorization = component.authorization(appid)
    if (authorization === undefined) throw new WxError(61003)
    return { app, authorization }
  }

  router.post('/cgi-bin/component/api_component_token', api(world, async (ctx) => {
    const b = parseBody(TokenBody, await readJson(ctx))
    component.authenticate(nonEmpty(b.component_appid), nonEmpty(b.component_appsecret), nonEmpty(b.component_verify_ticket))
    const issued = tokens.issue(component.app.appid, 'component')
    return { component_access_token: issued.token, expires_in: TOKEN_TTL_S }
  }))

  router.post('/cgi-bin/component/api_create_preauthcode', api(world, async (ctx) => {
    component.checkToken(ctx)
    component.requireSelf(parseBody(SelfBody, await readJson(ctx)).component_appid)
    return { pre_auth_code: component.issuePreAuthCode(), expires_in: PRE_AUTH_CODE_TTL_S }
  }))

  router.post('/cgi-bin/component/api_query_auth', api(world, async (ctx) => {
    component.checkToken(ctx)
    const b = parseBody(QueryAuthBody, await readJson(ctx))
    component.requireSelf(b.component_appid)
    const authorization = component.redeemAuthCode(nonEmpty(b.authorization_code))
    const issued = tokens.issue(authorization.appid, 'authorizer')
    return {
      authorization_info: {
        authorizer_appid: authorization.appid,
        authorizer_access_token: issued.token,
        expires_in: TOKEN_TTL_S,
        authorizer_refresh_token: authorization.refreshToken,
        func_info: funcInfo(authorization),
      },
    }
  }))

  router.post('/cgi-bin/component/api_authorizer_token', api(world, async (ctx) => {
    component.checkToken(ctx)
    const b = parseBody(RefreshBody, await readJson(ctx))
    component.requireSelf(b.component_appid)
    const { authorization } = authorized(b.authorizer_appid)
    // A re-authorization replaced the refresh token: the old one is refused.
    if (b.authorizer_refresh_token !== authorization.refreshToken) throw new WxError(61023)
    const issued = tokens.issue(authorization.appid, 'authorizer')
    return { authorizer_access_token: issued.token, expires_in: TOKEN_TTL_S, authorizer_refresh_token: authorization.refreshToken }
  }))

  router.post('/cgi-bin/component/api_get_authorizer_info', api(world, async (ctx) => {
    component.checkToken(ctx)
    const b = parseBody(InfoBody, await readJson(ctx))
    component.requireSelf(b.component_appid)
    const { app, authorization } = authorized(b.authorizer_appid)
    return { authorizer_info: authorizerInfo(app), authorization_info: { authorizer_appid: app.appid, func_info: funcInfo(authorization) } }
  }))
}
