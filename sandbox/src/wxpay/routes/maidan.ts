import type Router from '@koa/router'
import { resourceNotExists, WxError } from '../errors'
import { v3Route } from '../http'
import type { MaidanAssistant, MaidanMerchant } from '../maidan'
import type { ServiceProvider } from '../merchants'
import { MaidanBindBody, MaidanListQuery, MaidanMerchantQuery, parseWire } from '../schemas'
import type { WxpayState } from '../state'

const PREFIX = '/v3/maidan/partner'

const notOpened = (): WxError => new WxError(403, 'NOT_OPENED', '服务商未开通微信买单服务商助手')

const merchantWire = (m: MaidanMerchant): Record<string, unknown> => ({
  sub_mchid: m.subMchId,
  merchant_name: m.merchantName,
  merchant_shortname: m.merchantShortname,
  maidan_enabled: m.maidanEnabled,
})

/**
 * The sandbox's stand-in API for the 微信买单服务商助手 (WeChat Pay publishes none): signed and
 * answered like every partner route, errors `{code, message}`. An SP binds its assistant with an
 * administrator's openid, then lists its 买单 merchants or checks one.
 */
export function maidanRoutes (wx: WxpayState, router: Router): void {
  /** The caller's bound assistant: 403 NOT_OPENED, then 403 NOT_BOUND. */
  const bound = (sp: ServiceProvider): MaidanAssistant => {
    const assistant = wx.maidan.get(sp.spMchId)
    if (assistant === undefined || !assistant.opened) throw notOpened()
    if (!assistant.bound) throw new WxError(403, 'NOT_BOUND', '服务商未绑定微信买单服务商助手')
    return assistant
  }

  v3Route(wx, router, 'POST', `${PREFIX}/assistant/bind`, ({ sp, body }) => {
    const b = parseWire(MaidanBindBody, body)
    const assistant = wx.maidan.get(sp.spMchId)
    if (assistant === undefined || !assistant.opened) throw notOpened()
    if (!wx.maidan.isAdmin(assistant, b.appid, b.openid)) throw new WxError(403, 'NO_AUTH', '该微信号不是微信买单服务商助手的管理员')
    assistant.bound = true
    return { status: 200, body: { sp_mchid: sp.spMchId, bound: true } }
  })

  v3Route(wx, router, 'GET', `${PREFIX}/merchants`, ({ sp, query }) => {
    const q = parseWire(MaidanListQuery, query, 'query')
    const { merchants } = bound(sp)
    return { status: 200, body: { total_count: merchants.length, offset: q.offset, limit: q.limit, data: merchants.slice(q.offset, q.offset + q.limit).map(merchantWire) } }
  })

  v3Route(wx, router, 'GET', `${PREFIX}/merchants/:sub_mchid`, ({ sp, query, params }) => {
    parseWire(MaidanMerchantQuery, query, 'query')
    const { merchants } = bound(sp)
    const subMchId = params.sub_mchid ?? ''
    if (wx.merchants.subMerchant(subMchId)?.spMchId !== sp.spMchId) throw resourceNotExists('特约商户不存在或不属于该服务商')
    // A sub-merchant of this SP outside the 买单 list has simply not opened 买单.
    return { status: 200, body: { sub_mchid: subMchId, maidan_enabled: merchants.find((m) => m.subMchId === subMchId)?.maidanEnabled ?? false } }
  })
}
