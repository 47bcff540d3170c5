import { useSandbox, type WxmpTestClient } from './wxmp-helpers'

const { client } = useSandbox()

interface Inbox { msgid: number, appid: string, openid: string, template_id: string, url?: string, miniprogram?: unknown, data: unknown, at: string }

async function spToken (c: WxmpTestClient): Promise<{ token: string, appid: string }> {
  const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
  return { token: await c.token(appId, appSecret), appid: appId }
}

const data = { first: { value: '收款成功' }, keyword1: { value: '12.50 元', color: '#173177' } }

describe('wxmp template messages', () => {
  it('delivers a template message into the openid\'s inbox and reports TEMPLATESENDJOBFINISH', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const openid = await c.openid('zhangsan', appid)
    const mp = c.sandbox.clients.wxmp.miniProgram.appId
    const sent = await c.call(token, '/cgi-bin/message/template/send', { touser: openid, template_id: 'TPL_PAID', url: 'https://yima.example/o/1', miniprogram: { appid: mp, pagepath: 'pages/order/index' }, data })
    expect(sent).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) })

    const inbox = await c.control<Inbox[]>('GET', `/wxmp/messages?openid=${openid}`)
    expect(inbox).toEqual([{ msgid: sent.msgid, appid, openid, template_id: 'TPL_PAID', url: 'https://yima.example/o/1', miniprogram: { appid: mp, pagepath: 'pages/order/index' }, data, at: expect.any(String) }])
    expect(await c.control<Inbox[]>('GET', `/wxmp/messages?openid=${await c.openid('lisi', appid)}`)).toEqual([])
    const events = await c.control<Array<{ event: string, fields: Record<string, unknown> }>>('GET', `/wxmp/events?appid=${appid}`)
    expect(events).toEqual([expect.objectContaining({ event: 'TEMPLATESENDJOBFINISH', openid, fields: { MsgID: sent.msgid, Status: 'success' }, delivery: 'no_server_url' })])
  })

  it('refuses an openid that is not a user of the calling account (40003)', async () => {
    const c = client()
    const { token } = await spToken(c)
    const other = await c.registerApp()
    const send = async (touser: string): Promise<number | undefined> => (await c.call(token, '/cgi-bin/message/template/send', { touser, template_id: 'T', data })).errcode
    expect(await send('o_nobody_000000000000000000')).toBe(40003)
    expect(await send(await c.openid('zhangsan', other.appid))).toBe(40003)
    expect(await send('')).toBe(40003)
  })

  it('refuses users who unfollowed (43004) or blacklisted the account (43019), until reset', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const openid = await c.openid('lisi', appid)
    await c.control('POST', '/wxmp/subscriptions', { openid, subscribed: false }, 204)
    const send = async (): Promise<number | undefined> => (await c.call(token, '/cgi-bin/message/template/send', { touser: openid, template_id: 'T', data })).errcode
    expect(await send()).toBe(43004)
    expect(await c.control<Inbox[]>('GET', `/wxmp/messages?openid=${openid}`)).toEqual([])
    await c.control('POST', '/wxmp/subscriptions', { openid, subscribed: true, blacklisted: true }, 204)
    expect(await send()).toBe(43019)
    await c.control('POST', '/reset', undefined, 204)
    const fresh = (await spToken(c)).token
    expect((await c.call(fresh, '/cgi-bin/message/template/send', { touser: openid, template_id: 'T', data })).errcode).toBe(0)
  })

  it('accepts only registered template ids once an account has any (40037)', async () => {
    const c = client()
    const app = await c.registerApp()
    const token = await c.token(app.appid, app.secret)
    const touser = await c.openid('zhangsan', app.appid)
    const send = async (templateId: string): Promise<number | undefined> => (await c.call(token, '/cgi-bin/message/template/send', { touser, template_id: templateId, data })).errcode
    expect(await send('')).toBe(40037)
    expect(await send('ANY_1')).toBe(0)
    expect(await send('ANY_2')).toBe(0)
    await c.control('POST', '/wxmp/templates', { appid: app.appid, template_id: 'REGISTERED', title: '收款通知' }, 201)
    expect(await send('ANY_1')).toBe(40037)
    expect(await send('REGISTERED')).toBe(0)
  })

  it('refuses malformed data (47001), unknown mini programs (40166) and bad JSON bodies', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const touser = await c.openid('zhangsan', appid)
    const send = async (body: unknown): Promise<number | undefined> => (await c.call(token, '/cgi-bin/message/template/send', body)).errcode
    expect(await send({ touser, template_id: 'T', data: { k: 'not an object' } })).toBe(47001)
    expect(await send({ touser, template_id: 'T', data: { k: { value: 12 } } })).toBe(47001)
    expect(await send({ touser, template_id: 'T', data, miniprogram: { appid: 'wx0000000000000000', pagepath: 'p' } })).toBe(40166)
    const raw = await fetch(`${c.base}/cgi-bin/message/template/send?access_token=${token}`, { method: 'POST', body: '{"touser":' })
    expect(((await raw.json()) as { errcode: number }).errcode).toBe(47001)
  })

  it('reads a body sent without a content type, as WeChat does', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const touser = await c.openid('wangwu', appid)
    const res = await fetch(`${c.base}/cgi-bin/message/template/send?access_token=${token}`, { method: 'POST', body: Buffer.from(JSON.stringify({ touser, template_id: 'T', data })) })
    expect(((await res.json()) as { errcode: number }).errcode).toBe(0)
  })

  it('refuses mini programs and unverified accounts (48001)', async () => {
    const c = client()
    const mp = c.sandbox.clients.wxmp.miniProgram
    const unverified = await c.registerApp({ verified: false })
    const body = { touser: await c.openid('zhangsan', mp.appId), template_id: 'T', data }
    expect((await c.call(await c.token(mp.appId, mp.appSecret), '/cgi-bin/message/template/send', body)).errcode).toBe(48001)
    expect((await c.call(await c.token(unverified.appid, unverified.secret), '/cgi-bin/message/template/send', body)).errcode).toBe(48001)
  })

  it('answers -1 system error under a wxmp:template 5xx fault and delivers nothing', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const touser = await c.openid('zhangsan', appid)
    await c.control('POST', '/faults', { route: 'wxmp:template', mode: '5xx' }, 204)
    const failed = await c.call(token, '/cgi-bin/message/template/send', { touser, template_id: 'T', data })
    expect(failed).toEqual({ errcode: -1, errmsg: expect.stringMatching(/^system error/) })
    expect(await c.control<Inbox[]>('GET', '/wxmp/messages')).toEqual([])
    expect((await c.call(token, '/cgi-bin/message/template/send', { touser, template_id: 'T', data })).errcode).toBe(0)
  })

  it('never answers under a wxmp:template TIMEOUT fault, so the client times out', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const touser = await c.openid('zhangsan', appid)
    await c.control('POST', '/faults', { route: 'wxmp:template', mode: 'TIMEOUT' }, 204)
    const hung = fetch(`${c.base}/cgi-bin/message/template/send?access_token=${token}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ touser, template_id: 'T', data }), signal: AbortSignal.timeout(300),
    })
    await expect(hung).rejects.toThrow()
    expect(await c.control<Inbox[]>('GET', '/wxmp/messages')).toEqual([])
  })
})
