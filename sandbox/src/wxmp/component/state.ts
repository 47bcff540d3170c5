import { hex, nonce } from '../../core/ids'
import type { AppType, WxApp } from '../apps'

/** The third-party platform (第三方平台) yima acts as, generated at start like the sandbox's accounts. */
export interface ComponentApp {
  appid: string
  secret: string
  name: string
  /** 消息校验Token and 消息加解密Key: every push to the 授权事件接收URL is signed and encrypted with them. */
  token: string
  encodingAESKey: string
  /** 授权事件接收URL; null until `POST /__sim/wxmp/component/server`. */
  serverUrl: string | null
}

export function newComponentApp (): ComponentApp {
  return { appid: `wx${hex(8)}`, secret: hex(16), name: '易码支付', token: nonce(32), encodingAESKey: nonce(43), serverUrl: null }
}

/** What one account granted the platform; a re-authorization replaces it (and its refresh token). */
export interface Authorization {
  appid: string
  /** funcscope_category ids (权限集). */
  func: number[]
  refreshToken: string
  authorizedAt: number
}

/**
 * 权限集 ids (funcscope_category) as the open platform numbers them. 网页服务权限 (4) is what
 * 代公众号发起网页授权 needs; 微信卡券权限 (8) what the card APIs need.
 */
export const FUNCSCOPE_NAMES: Readonly<Record<number, string>> = {
  1: '消息管理权限',
  2: '用户管理权限',
  3: '帐号服务权限',
  4: '网页服务权限',
  7: '群发与通知权限',
  8: '微信卡券权限',
  11: '素材管理权限',
  15: '自定义菜单权限',
  17: '帐号管理权限（小程序）',
  18: '开发管理与数据分析权限（小程序）',
  19: '客服消息管理权限（小程序）',
}
export const FUNCSCOPE_WEB = 4
export const FUNCSCOPE_CARD = 8

/** What the confirmation page offers (all ticked): the platform's declared sets the account can grant. */
export function offeredFuncs (app: WxApp): number[] {
  if (app.type === 'mini_program') return [17, 18, 19]
  return [1, 2, 3, FUNCSCOPE_WEB, 7, 11, 15, ...(app.cardPermission ? [FUNCSCOPE_CARD] : [])].sort((a, b) => a - b)
}

/** `auth_type` of the authorization link: 1 official accounts only, 2 mini programs only, 3 both. */
export const AUTH_TYPES: Readonly<Record<string, readonly AppType[]>> = {
  1: ['official_account'],
  2: ['mini_program'],
  3: ['official_account', 'mini_program'],
}

/** Pre-authorization codes live 1800 s; authorization codes one hour; tickets 12 h, pushed every 10 min. */
export const PRE_AUTH_CODE_TTL_S = 1800
export const AUTH_CODE_TTL_S = 3600
export const TICKET_TTL_MS = 12 * 3600_000
export const TICKET_PUSH_MS = 10 * 60_000
