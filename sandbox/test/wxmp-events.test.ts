import { accountWithServer, parseXml, pushReceiver, useSandbox, wechatSignature, type WxmpTestClient } from './wxmp-helpers'

const { client } = useSandbox()

/** Something that pushes an event to the account: a template message to one of its users. */
async function triggerPush (c: WxmpTestClient, appid: string, token: string): Promise<{ openid: string, msgid: number }> {
  const openid = await c.openid('zhangsan', appid)
  const r = await c.call(token, '/cgi-bin/message/template/send', { touser: openid, template_id: 'T', data: { k: { value: 'v' } } })
  expect(r.errcode).toBe(0)
  return { openid, msgid: r.msgid as number }
}

describe('wxmp event pushes', () => {
  it('verifies a server URL with echostr before saving it, as the console does', async () => {
    const c = client()
    const app = await c.registerApp()
    const wrongToken = await pushReceiver('not-the-token', app.server.encodingAESKey, app.appid)
    const refused = await fetch(`${c.base}/__sim/wxmp/apps/${app.appid}/server`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: wrongToken.url }) })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { error: string }).error).toMatch(/echostr/)
    const right = await pushReceiver(app.server.token, app.server.encodingAESKey, app.appid)
    const saved = await c.control<{ server: { url: string } }>('POST', `/wxmp/apps/${app.appid}/server`, { url: right.url, mode: 'plain' })
    expect(saved.server.url).toBe(right.url)
    await wrongToken.close()
    await right.close()
  })

  it('pushes plain-mode XML signed with sha1(sort(token, timestamp, nonce))', async () => {
    const c = client()
    const { app, token, receiver } = await accountWithServer(c, 'plain')
    const { openid, msgid } = await triggerPush(c, app.appid, token)
    await c.idle()
    expect(receiver.problems).toEqual([])
    expect(receiver.pushes).toHaveLength(1)
    const [push] = receiver.pushes
    expect(push?.query.get('openid')).toBe(openid)
    expect(push?.query.get('encrypt_type')).toBeNull()
    expect(Math.abs(Number(push?.query.get('timestamp')) - Date.now() / 1000)).toBeLessThan(60)
    expect(push?.fields).toEqual({ ToUserName: app.originalId, FromUserName: openid, CreateTime: expect.stringMatching(/^\d{10}$/), MsgType: 'event', Event: 'TEMPLATESENDJOBFINISH', MsgID: String(msgid), Status: 'success' })
    expect(push?.body).toContain('<MsgType><![CDATA[event]]></MsgType>')
    await receiver.close()
  })

  it('pushes safe-mode messages that decrypt with the EncodingAESKey and carry a valid msg_signature', async () => {
    const c = client()
    const { app, token, receiver } = await accountWithServer(c, 'safe')
    const { openid } = await triggerPush(c, app.appid, token)
    await c.idle()
    expect(receiver.problems).toEqual([])
    const [push] = receiver.pushes
    if (push === undefined) throw new Error('no push')
    const outer = parseXml(push.body)
    expect(Object.keys(outer)).toEqual(['ToUserName', 'Encrypt'])
    expect(push.query.get('encrypt_type')).toBe('aes')
    const q = (k: string): string => push.query.get(k) ?? ''
    expect(q('msg_signature')).toBe(wechatSignature(app.server.token, q('timestamp'), q('nonce'), outer.Encrypt ?? ''))
    expect(push.fields).toMatchObject({ ToUserName: app.originalId, FromUserName: openid, Event: 'TEMPLATESENDJOBFINISH' })
    await receiver.close()
  })

  it('pushes compatible-mode messages with both the plain fields and Encrypt', async () => {
    const c = client()
    const { app, token, receiver } = await accountWithServer(c, 'compatible')
    await triggerPush(c, app.appid, token)
    await c.idle()
    expect(receiver.problems).toEqual([])
    const [push] = receiver.pushes
    const outer = parseXml(push?.body ?? '')
    expect(outer).toMatchObject({ Event: 'TEMPLATESENDJOBFINISH', Encrypt: expect.any(String) })
    expect(push?.fields.Event).toBe('TEMPLATESENDJOBFINISH')
    await receiver.close()
  })

  it('tries three times, 5 s apart on the simulated clock, until the server answers success', async () => {
    const c = client()
    const { app, token, receiver } = await accountWithServer(c, 'plain', {}, (n) => (n < 3 ? { status: 500, body: '' } : { status: 200, body: 'success' }))
    await triggerPush(c, app.appid, token)
    await c.idle()
    expect(receiver.hits()).toBe(1)
    await c.advance(5); await c.idle()
    expect(receiver.hits()).toBe(2)
    await c.advance(5); await c.idle()
    expect(receiver.hits()).toBe(3)
    await c.advance(60); await c.idle()
    expect(receiver.hits()).toBe(3)
    const log = await c.control<Array<{ attempt: number, acknowledged: boolean }>>('GET', '/notifications?channel=wxmp')
    expect(log.map((a) => [a.attempt, a.acknowledged])).toEqual([[1, false], [2, false], [3, true]])
    await receiver.close()
  })

  it('gives up after the third try', async () => {
    const c = client()
    const { app, token, receiver } = await accountWithServer(c, 'plain', {}, () => ({ status: 200, body: 'not understood' }))
    await triggerPush(c, app.appid, token)
    for (let i = 0; i < 5; i++) { await c.advance(5); await c.idle() }
    expect(receiver.hits()).toBe(3)
    await receiver.close()
  })
})
