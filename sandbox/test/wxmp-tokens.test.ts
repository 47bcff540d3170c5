import { RID, useSandbox } from './wxmp-helpers'

const { client } = useSandbox()

describe('wxmp access tokens', () => {
  it('issues a token that works until it expires on the simulated clock (42001)', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const res = await fetch(`${c.base}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${appSecret}`)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await res.json() as { access_token: string, expires_in: number }
    expect(body).toEqual({ access_token: expect.stringMatching(/^\d+_[\w-]{100,}$/), expires_in: 7200 })

    expect((await c.call(body.access_token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).errcode).toBe(0)
    await c.advance(7100)
    expect((await c.call(body.access_token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).errcode).toBe(0)
    await c.advance(200)
    const expired = await c.call(body.access_token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })
    expect(expired).toEqual({ errcode: 42001, errmsg: expect.stringMatching(RID) })
    expect(expired.errmsg).toMatch(/^access_token expired/)
  })

  it('keeps the previous token for 5 minutes after a refresh, then answers 40001', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const first = await c.token(appId, appSecret)
    const second = await c.token(appId, appSecret)
    expect(second).not.toBe(first)
    expect((await c.call(first, '/cgi-bin/ticket/getticket')).errcode).toBe(0)
    await c.advance(301)
    expect((await c.call(first, '/cgi-bin/ticket/getticket')).errcode).toBe(40001)
    expect((await c.call(second, '/cgi-bin/ticket/getticket')).errcode).toBe(0)
  })

  it('answers the same stable_token until forced, which revokes the old one', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const body = { grant_type: 'client_credential', appid: appId, secret: appSecret }
    const a = await c.post('/cgi-bin/stable_token', body)
    expect(a.expires_in).toBe(7200)
    await c.advance(100)
    const b = await c.post('/cgi-bin/stable_token', body)
    expect(b.access_token).toBe(a.access_token)
    expect(b.expires_in).toBeLessThanOrEqual(7100)
    const forced = await c.post('/cgi-bin/stable_token', { ...body, force_refresh: true })
    expect(forced.access_token).not.toBe(a.access_token)
    expect((await c.call(a.access_token as string, '/cgi-bin/ticket/getticket')).errcode).toBe(40001)
    expect((await c.call(forced.access_token as string, '/cgi-bin/ticket/getticket')).errcode).toBe(0)
    expect((await c.post('/cgi-bin/stable_token', { ...body, secret: 'nope' })).errcode).toBe(40125)
  })

  it('refuses bad credentials with WeChat\'s codes, as HTTP 200', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const token = async (q: Record<string, string>): Promise<number | undefined> => (await c.get('/cgi-bin/token', q)).errcode
    expect(await token({ grant_type: 'client_credential', secret: appSecret })).toBe(41002)
    expect(await token({ grant_type: 'client_credential', appid: 'wx0000000000000000', secret: appSecret })).toBe(40013)
    expect(await token({ grant_type: 'client_credential', appid: appId })).toBe(41004)
    expect(await token({ grant_type: 'client_credential', appid: appId, secret: 'wrong' })).toBe(40125)
    expect(await token({ grant_type: 'password', appid: appId, secret: appSecret })).toBe(40002)
    const wrong = await c.get('/cgi-bin/token', { grant_type: 'client_credential', appid: appId, secret: 'wrong' })
    expect(wrong.errmsg).toMatch(/^invalid appsecret rid: /)
  })

  it('tells missing (41001), malformed (40014) and unknown (40001) tokens apart', async () => {
    const c = client()
    expect((await c.get('/cgi-bin/ticket/getticket', { type: 'jsapi' })).errcode).toBe(41001)
    expect((await c.call('not-a-token', '/cgi-bin/ticket/getticket')).errcode).toBe(40014)
    expect((await c.call(`85_${'A'.repeat(120)}`, '/card/get', { card_id: 'x' })).errcode).toBe(40001)
  })

  it('forgets tokens on reset', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const token = await c.token(appId, appSecret)
    await c.control('POST', '/reset', undefined, 204)
    expect((await c.call(token, '/cgi-bin/ticket/getticket')).errcode).toBe(40001)
  })

  it('answers -1 system error for an injected 5xx fault, once', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    await c.control('POST', '/faults', { route: 'wxmp:GET /cgi-bin/token', mode: '5xx' }, 204)
    const failed = await c.get('/cgi-bin/token', { grant_type: 'client_credential', appid: appId, secret: appSecret })
    expect(failed).toEqual({ errcode: -1, errmsg: expect.stringMatching(/^system error rid: /) })
    expect(typeof (await c.token(appId, appSecret))).toBe('string')
  })
})

describe('wxmp JS-SDK and card tickets', () => {
  it('gives the same jsapi ticket until it expires, and a separate wx_card ticket', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
    const token = await c.token(appId, appSecret)
    const jsapi = await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })
    expect(jsapi).toEqual({ errcode: 0, errmsg: 'ok', ticket: expect.stringMatching(/^[\w-]{80,}$/), expires_in: 7200 })
    expect((await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).ticket).toBe(jsapi.ticket)
    const card = await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'wx_card' })
    expect(card.ticket).not.toBe(jsapi.ticket)
    expect(await c.control('GET', `/wxmp/tickets?appid=${appId}`)).toEqual({ jsapi: jsapi.ticket, wx_card: card.ticket })

    await c.advance(7201)
    const fresh = await c.token(appId, appSecret)
    expect((await c.call(fresh, '/cgi-bin/ticket/getticket', undefined, { type: 'jsapi' })).ticket).not.toBe(jsapi.ticket)
    expect((await c.call(fresh, '/cgi-bin/ticket/getticket', undefined, { type: 'other' })).errcode).toBe(40097)
  })

  it('refuses the wx_card ticket to a mini program (48001)', async () => {
    const c = client()
    const { appId, appSecret } = c.sandbox.clients.wxmp.miniProgram
    const token = await c.token(appId, appSecret)
    expect((await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'wx_card' })).errcode).toBe(48001)
  })
})
