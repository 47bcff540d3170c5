import { createHash } from 'node:crypto'
import type { AppRegistry, WxApp } from './apps'

/** A fake WeChat user. Their openid differs per appid; the unionid is the same everywhere. */
export interface SimUser {
  id: string
  nickname: string
  phone: string
  /** 0 unknown, 1 male, 2 female, as /sns/userinfo reports it. */
  sex: 0 | 1 | 2
  province: string
  city: string
  country: string
  headimgurl: string
}

const DEFAULT_USERS: readonly SimUser[] = [
  { id: 'zhangsan', nickname: '张三', phone: '13800000001', sex: 1, province: '广东', city: '深圳', country: '中国', headimgurl: '' },
  { id: 'lisi', nickname: '李四', phone: '13800000002', sex: 2, province: '北京', city: '北京', country: '中国', headimgurl: '' },
  { id: 'wangwu', nickname: '王五', phone: '13800000003', sex: 1, province: '上海', city: '上海', country: '中国', headimgurl: '' },
]

/** 28 characters starting with `o`, drawn from the same alphabet as real openids. */
const derive = (seed: string): string => `o${createHash('sha256').update(seed).digest('base64url').slice(0, 27)}`

/**
 * A test user's openid under an appid: a pure function of both, so other simulated WeChat services
 * (the 买单 assistant on the wxpay port) recognise the same person without sharing state.
 */
export const openidFor = (appid: string, userId: string): string => derive(`openid|${appid}|${userId}`)

export class UserDirectory {
  readonly #users: SimUser[] = DEFAULT_USERS.map((u) => ({ ...u }))
  /** Openids (so per appid) that unfollowed the account or put it on their blacklist. */
  readonly #unsubscribed = new Set<string>()
  readonly #blacklisted = new Set<string>()

  constructor (private readonly apps: AppRegistry) {}

  list (): readonly SimUser[] { return this.#users }
  first (): SimUser { return this.#users[0] as SimUser }

  add (input: Omit<SimUser, 'id' | 'sex' | 'province' | 'city' | 'country' | 'headimgurl'> & Partial<SimUser>): SimUser {
    let n = this.#users.length + 1
    while (this.#users.some((u) => u.id === `user${n}`)) n++
    const id = input.id ?? `user${n}`
    if (this.#users.some((u) => u.id === id)) throw new Error(`user ${id} already exists`)
    const user: SimUser = { sex: 0, province: '', city: '', country: '中国', headimgurl: '', ...input, id }
    this.#users.push(user)
    return user
  }

  openid (app: WxApp, user: SimUser): string { return openidFor(app.appid, user.id) }
  unionid (user: SimUser): string { return derive(`unionid|${user.id}`) }

  /** A user by id, nickname, unionid or any of their openids (how tests and `sim_user` name people). */
  find (ref: string): SimUser | undefined {
    return this.#users.find((u) => u.id === ref || u.nickname === ref || this.unionid(u) === ref) ??
      this.byOpenid(ref)?.user
  }

  byOpenid (openid: string): { user: SimUser, app: WxApp } | undefined {
    for (const app of this.apps.list()) {
      const user = this.#users.find((u) => this.openid(app, u) === openid)
      if (user !== undefined) return { user, app }
    }
    return undefined
  }

  subscribed (openid: string): boolean { return !this.#unsubscribed.has(openid) }
  blacklisted (openid: string): boolean { return this.#blacklisted.has(openid) }

  setRelation (openid: string, r: { subscribed?: boolean, blacklisted?: boolean }): void {
    if (r.subscribed !== undefined) { if (r.subscribed) this.#unsubscribed.delete(openid); else this.#unsubscribed.add(openid) }
    if (r.blacklisted !== undefined) { if (r.blacklisted) this.#blacklisted.add(openid); else this.#blacklisted.delete(openid) }
  }

  /** Everyone follows every account again; users and their ids stay. */
  resetRelations (): void {
    this.#unsubscribed.clear()
    this.#blacklisted.clear()
  }

  /** What `GET /__sim/wxmp/users` shows: each user with their unionid and openid per appid. */
  view (): Array<SimUser & { unionid: string, openids: Record<string, { openid: string, subscribed: boolean, blacklisted: boolean }> }> {
    return this.#users.map((u) => ({
      ...u,
      unionid: this.unionid(u),
      openids: Object.fromEntries(this.apps.list().map((app) => {
        const openid = this.openid(app, u)
        return [app.appid, { openid, subscribed: this.subscribed(openid), blacklisted: this.blacklisted(openid) }]
      })),
    }))
  }
}
