import { hex, nonce } from '../core/ids'
import { WxError } from './errors'

export type AppType = 'official_account' | 'mini_program'
/** 明文模式, 兼容模式, 安全模式: how pushes to the server URL are encoded. */
export type PushMode = 'plain' | 'compatible' | 'safe'

/** The developer settings of an official account's "服务器配置" (server configuration). */
export interface ServerConfig {
  /** Where WeChat POSTs event pushes; null until someone configures it. */
  url: string | null
  token: string
  /** 43 characters; the AES key is base64decode(EncodingAESKey + '='). */
  encodingAESKey: string
  mode: PushMode
}

/** One registered official account or mini program, with the switches the T3 error cases need. */
export interface WxApp {
  appid: string
  secret: string
  type: AppType
  name: string
  /** 主体名称: the company behind the account, as api_get_authorizer_info reports it. */
  principalName: string
  /** The account's original id (gh_…): ToUserName of every push. */
  originalId: string
  /** 认证: unverified accounts have no web authorization (OAuth 10005) and no template/card APIs (48001). */
  verified: boolean
  /** Whether the card (卡券) API permission is granted; without it card APIs answer 48001. */
  cardPermission: boolean
  /** 网页授权域名: hosts OAuth may redirect to; null accepts any (the sandbox default). */
  oauthDomains: string[] | null
  /** The account has authorized too many third-party platforms (seed 000, 服务商授权 step 3). */
  tooManyAuthorizations: boolean
  /** Bound to an open-platform account, so users also get a unionid. */
  unionid: boolean
  server: ServerConfig
}

export type AppInput = Partial<Omit<WxApp, 'server'>> & { type?: AppType, server?: Partial<ServerConfig> }

const newAppid = (): string => `wx${hex(8)}`

/** Every appid the simulator knows: the SP's official account and mini program, plus registered ones. */
export class AppRegistry {
  readonly #apps = new Map<string, WxApp>()
  readonly officialAccount: WxApp
  readonly miniProgram: WxApp

  constructor (officialAccountAppId?: string) {
    this.officialAccount = this.create({ type: 'official_account', name: '易码演示服务商', ...(officialAccountAppId === undefined ? {} : { appid: officialAccountAppId }) })
    this.miniProgram = this.create({ type: 'mini_program', name: '易码商户助手' })
  }

  create (input: AppInput): WxApp {
    const appid = input.appid ?? newAppid()
    if (this.#apps.has(appid)) throw new Error(`appid ${appid} is already registered`)
    const app: WxApp = {
      appid,
      secret: input.secret ?? hex(16),
      type: input.type ?? 'official_account',
      name: input.name ?? `测试公众号 ${appid.slice(-4)}`,
      principalName: input.principalName ?? '深圳市易码沙箱科技有限公司',
      originalId: input.originalId ?? `gh_${hex(6)}`,
      verified: input.verified ?? true,
      cardPermission: input.cardPermission ?? true,
      oauthDomains: input.oauthDomains ?? null,
      tooManyAuthorizations: input.tooManyAuthorizations ?? false,
      unionid: input.unionid ?? true,
      server: { url: null, token: nonce(32), encodingAESKey: nonce(43), mode: 'safe', ...input.server },
    }
    this.#apps.set(appid, app)
    return app
  }

  update (appid: string, patch: AppInput): WxApp | undefined {
    const app = this.#apps.get(appid)
    if (app === undefined) return undefined
    const { server, appid: _ignored, ...rest } = patch
    Object.assign(app, rest)
    if (server !== undefined) Object.assign(app.server, server)
    return app
  }

  get (appid: string): WxApp | undefined { return this.#apps.get(appid) }
  list (): WxApp[] { return [...this.#apps.values()] }

  /** appid + secret as `/cgi-bin/token` and `/sns/*` check them (41002, 40013, 41004, 40125). */
  authenticate (appid: string | undefined, secret: string | undefined): WxApp {
    if (appid === undefined) throw new WxError(41002)
    const app = this.#apps.get(appid)
    if (app === undefined) throw new WxError(40013)
    if (secret === undefined) throw new WxError(41004)
    if (secret !== app.secret) throw new WxError(40125)
    return app
  }
}

/** Template messages and card APIs need a verified official account (and, for cards, the card permission). */
export function requireOfficialAccount (app: WxApp, need: { card?: boolean } = {}): void {
  if (app.type !== 'official_account' || !app.verified) throw new WxError(48001)
  if (need.card === true && !app.cardPermission) throw new WxError(48001)
}
