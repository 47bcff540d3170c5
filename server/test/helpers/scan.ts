import type { Channels } from './channels'

export interface ScanOutcome {
  /** The H5 route the phone ends on (`/#/pages/...`), if it got that far. */
  page?: string
  query: Record<string, string>
  /** When WeChat itself refused (its own error page), that page's HTML. */
  wechatPage?: string
  cookies: string[]
}

/**
 * Follows what a phone does after scanning `url` in WeChat: yima's redirect to OAuth, WeChat's
 * redirect back with a code (as the sandbox user `simUser`), yima's callback, until an H5 page.
 */
export async function scan (c: Channels, url: string, simUser?: string): Promise<ScanOutcome> {
  let next = url
  const cookies: string[] = []
  for (let hop = 0; hop < 8; hop++) {
    const target = new URL(next)
    if (simUser !== undefined && next.startsWith(c.sandbox.urls.wxmp)) target.searchParams.set('sim_user', simUser)
    const res = await fetch(target, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 MicroMessenger/8.0.47', accept: 'application/json' } })
    cookies.push(...res.headers.getSetCookie())
    const location = res.headers.get('location')
    if (location === null) {
      const html = await res.text()
      return { ...(next.startsWith(c.sandbox.urls.wxmp) ? { wechatPage: html } : {}), query: {}, cookies }
    }
    if (location.startsWith('/#/')) {
      const [page, qs] = location.slice(3).split('?') as [string, string | undefined]
      return { page, query: Object.fromEntries(new URLSearchParams(qs ?? '')), cookies }
    }
    next = new URL(location, target).toString()
  }
  throw new Error(`too many redirects from ${url}`)
}

/** A sandbox WeChat user (the first by default), with their openid under `appid`. */
export async function simUser (c: Channels, index = 0): Promise<{ id: string, openid: (appid: string) => string }> {
  const r = await c.sim<Array<{ id: string, openids: Record<string, { openid: string }> }>>('wxmp', 'GET', '/__sim/wxmp/users')
  let user = r.body[index]
  if (user === undefined) {
    await c.sim('wxmp', 'POST', '/__sim/wxmp/users', { nickname: `测试用户${index}`, phone: `1390000${String(1000 + index)}` })
    user = (await c.sim<typeof r.body>('wxmp', 'GET', '/__sim/wxmp/users')).body[index]
  }
  if (user === undefined) throw new Error('no sandbox user')
  const u = user
  return { id: u.id, openid: (appid) => u.openids[appid]?.openid ?? '' }
}
