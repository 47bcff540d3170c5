import { createHash } from 'node:crypto'
import { runInNewContext } from 'node:vm'
import { useSandbox, type WxmpTestClient } from './wxmp-helpers'

const { client } = useSandbox()

const baseInfo = {
  logo_url: 'https://mmbiz.qpic.cn/logo.png',
  brand_name: '小王面馆',
  code_type: 'CODE_TYPE_QRCODE',
  title: '储值会员卡',
  color: 'Color010',
  notice: '出示会员码',
  description: '余额不可提现',
  sku: { quantity: 100 },
  date_info: { type: 'DATE_TYPE_PERMANENT' },
  get_limit: 1,
  custom_url_name: '使用会员卡',
  custom_url: 'https://yima.example/card',
}

async function spToken (c: WxmpTestClient): Promise<{ token: string, appid: string }> {
  const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
  return { token: await c.token(appId, appSecret), appid: appId }
}

async function card (c: WxmpTestClient, token: string, approve = true): Promise<string> {
  const created = await c.call(token, '/card/create', { card: { card_type: 'MEMBER_CARD', member_card: { base_info: baseInfo, prerogative: '储值消费', supply_bonus: false, supply_balance: true } } })
  const cardId = created.card_id as string
  if (approve) await c.control('POST', `/wxmp/cards/${cardId}/review`, { status: 'CARD_STATUS_VERIFY_OK' })
  return cardId
}

const status = async (c: WxmpTestClient, token: string, cardId: string): Promise<unknown> =>
  ((await c.call(token, '/card/get', { card_id: cardId })).card as { member_card: { base_info: { status: string } } }).member_card.base_info.status

describe('wxmp /card/update', () => {
  it('sends the card back to review only when what the customer sees changes', async () => {
    const c = client()
    const { token } = await spToken(c)
    const cardId = await card(c, token)
    const update = async (memberCard: Record<string, unknown>): Promise<Record<string, unknown>> => await c.call(token, '/card/update', { card_id: cardId, member_card: memberCard })

    expect(await update({ base_info: { custom_url_name: '我的会员卡', get_limit: 1 }, activate_url: 'https://yima.example/a' })).toEqual({ errcode: 0, errmsg: 'ok', send_check: false })
    expect(await status(c, token, cardId)).toBe('CARD_STATUS_VERIFY_OK')
    expect(await update({ base_info: { title: '储值会员卡' }, prerogative: '储值消费' })).toEqual({ errcode: 0, errmsg: 'ok', send_check: false })
    for (const change of [{ base_info: { logo_url: 'https://mmbiz.qpic.cn/new.png' } }, { base_info: { notice: '新提醒' } }, { prerogative: '新特权' }]) {
      await c.control('POST', `/wxmp/cards/${cardId}/review`, { status: 'CARD_STATUS_VERIFY_OK' })
      expect(await update(change)).toMatchObject({ errcode: 0, send_check: true })
      expect(await status(c, token, cardId)).toBe('CARD_STATUS_NOT_VERIFY')
    }
    const got = (await c.call(token, '/card/get', { card_id: cardId })).card as { member_card: Record<string, unknown> & { base_info: Record<string, unknown> } }
    expect(got.member_card).toMatchObject({ prerogative: '新特权', activate_url: 'https://yima.example/a', base_info: { logo_url: 'https://mmbiz.qpic.cn/new.png', notice: '新提醒', custom_url_name: '我的会员卡', title: '储值会员卡' } })
    // Under review again, nobody can claim it.
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 409)
  })

  it('resubmits a rejected card on any edit, and pushes nothing until the next review', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const cardId = await card(c, token, false)
    await c.control('POST', `/wxmp/cards/${cardId}/review`, { status: 'CARD_STATUS_VERIFY_FAIL', reason: 'logo 模糊' })
    expect(await c.call(token, '/card/update', { card_id: cardId, member_card: { base_info: { custom_url: 'https://yima.example/new' } } })).toMatchObject({ send_check: true })
    expect(await status(c, token, cardId)).toBe('CARD_STATUS_NOT_VERIFY')
    const events = await c.control<Array<{ event: string }>>('GET', `/wxmp/events?appid=${appid}`)
    expect(events.map((e) => e.event)).toEqual(['card_not_pass_check'])
  })

  it('refuses unknown (40073) and deleted (40078) cards, fixed fields (40097), a missing member_card (41011) and bad values (47001)', async () => {
    const c = client()
    const { token } = await spToken(c)
    const cardId = await card(c, token)
    const code = async (body: unknown): Promise<number | undefined> => (await c.call(token, '/card/update', body)).errcode
    expect(await code({ card_id: 'pNOPE000000000000000000000000', member_card: { base_info: {} } })).toBe(40073)
    expect(await code({ member_card: { base_info: {} } })).toBe(41012)
    expect(await code({ card_id: cardId })).toBe(41011)
    expect(await code({ card_id: cardId, groupon: { base_info: {} } })).toBe(41011)
    expect(await code({ card_id: cardId, member_card: { base_info: { brand_name: '别家' } } })).toBe(40097)
    expect(await code({ card_id: cardId, member_card: { base_info: { sku: { quantity: 5 } } } })).toBe(40097)
    expect(await code({ card_id: cardId, member_card: { base_info: { brand_name: '小王面馆', sku: { quantity: 100 } } } })).toBe(0)
    expect(await code({ card_id: cardId, member_card: { base_info: { title: 12 } } })).toBe(47001)
    expect(await code({ card_id: cardId, member_card: { base_info: { title: '' } } })).toBe(47001)
    expect(await c.call(token, '/card/delete', { card_id: cardId })).toMatchObject({ errcode: 0 })
    expect(await code({ card_id: cardId, member_card: { base_info: { title: '新' } } })).toBe(40078)
  })
})

// cardExt signing written from the JS-SDK appendix (卡券扩展字段), not from the simulator's code.
function signedExt (o: { ticket: string, cardId: string, openid?: string, timestamp?: number, nonce?: string }): string {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000))
  const nonce = o.nonce ?? Math.random().toString(36).slice(2)
  const values = [o.ticket, timestamp, nonce, o.cardId, ...(o.openid === undefined ? [] : [o.openid])].sort()
  const signature = createHash('sha1').update(values.join('')).digest('hex')
  return JSON.stringify({ ...(o.openid === undefined ? {} : { openid: o.openid }), timestamp, nonce_str: nonce, signature })
}

/** The bridge script run against just enough of a browser; every fetch it makes is recorded. */
async function loadBridge (c: WxmpTestClient): Promise<{ invoke: (api: string, params: unknown) => Promise<Record<string, unknown>>, fetched: string[] }> {
  const script = await (await fetch(`${c.sandbox.urls.wxpay}/__sim/bridge/weixin.js`)).text()
  const fetched: string[] = []
  const window: Record<string, unknown> = { addEventListener: () => {}, removeEventListener: () => {} }
  const context = {
    window,
    document: { dispatchEvent: () => {} },
    fetch: async (url: string, init: RequestInit) => { fetched.push(url); return await fetch(url, init) },
    setTimeout,
    Event: class { constructor (readonly type: string) {} },
    JSON,
    String,
  }
  runInNewContext(script, context)
  const bridge = window.WeixinJSBridge as { invoke: (api: string, params: unknown, cb: (res: Record<string, unknown>) => void) => void }
  return { invoke: async (api, params) => await new Promise((resolve) => { bridge.invoke(api, params, resolve) }), fetched }
}

describe('WeixinJSBridge batchAddCard (wx.addCard)', () => {
  it('adds the card to the wallet of the card_ext\'s openid and answers the encrypted code', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const cardId = await card(c, token)
    const ticket = (await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'wx_card' })).ticket as string
    const openid = await c.openid('wangwu', appid)
    const cardExt = signedExt({ ticket, cardId, openid })
    const bridge = await loadBridge(c)

    const res = await bridge.invoke('batchAddCard', { card_list: [{ card_id: cardId, card_ext: cardExt }] })
    expect(bridge.fetched).toEqual([`${c.sandbox.urls.wxmp}/__sim/wxmp/bridge/add-card`])
    // As the real client: card_list is a JSON string, which JS-SDK's addCard parses.
    expect(res).toEqual({ err_msg: 'batch_add_card:ok', card_list: expect.any(String) })
    const list = JSON.parse(res.card_list as string) as Array<{ card_id: string, card_ext: string, code: string, is_succ: boolean }>
    expect(list).toEqual([{ card_id: cardId, card_ext: cardExt, code: expect.any(String), is_succ: true }])
    const decrypted = await c.call(token, '/card/code/decrypt', { encrypt_code: list[0]?.code })
    expect(await c.call(token, '/card/code/get', { card_id: cardId, code: decrypted.code })).toMatchObject({ errcode: 0, openid })
    const events = await c.control<Array<{ event: string, openid: string }>>('GET', `/wxmp/events?appid=${appid}&event=user_get_card`)
    expect(events).toEqual([expect.objectContaining({ openid })])
  })

  it('answers batch_add_card:fail for a bad signature, a missing openid or a stale timestamp, and adds nothing', async () => {
    const c = client()
    const { token, appid } = await spToken(c)
    const cardId = await card(c, token)
    const bridge = await loadBridge(c)
    const add = async (cardExt: string): Promise<Record<string, unknown>> => await bridge.invoke('batchAddCard', { card_list: [{ card_id: cardId, card_ext: cardExt }] })
    const openid = await c.openid('zhangsan', appid)

    // No api_ticket fetched yet: nothing can be signed right.
    expect(await add(signedExt({ ticket: 'never-issued', cardId, openid }))).toEqual({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/api_ticket/) })
    const ticket = (await c.call(token, '/cgi-bin/ticket/getticket', undefined, { type: 'wx_card' })).ticket as string
    expect(await add(signedExt({ ticket: 'wrong', cardId, openid }))).toEqual({ err_msg: 'batch_add_card:fail', err_desc: 'card_ext signature mismatch' })
    expect(await add(signedExt({ ticket, cardId }))).toMatchObject({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/openid/) })
    expect(await add(signedExt({ ticket, cardId, openid, timestamp: Math.floor(Date.now() / 1000) - 7300 }))).toMatchObject({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/stale/) })
    expect(await add('not json')).toMatchObject({ err_msg: 'batch_add_card:fail' })
    expect(await bridge.invoke('batchAddCard', {})).toMatchObject({ err_msg: 'batch_add_card:fail' })
    expect((await c.control<{ codes: unknown[] }>('GET', `/wxmp/cards/${cardId}`)).codes).toEqual([])

    // The simulated clock moves past the ticket's 7200 s: a signature with the old ticket fails.
    await c.advance(7201)
    expect(await add(signedExt({ ticket, cardId, openid, timestamp: Math.floor(Date.now() / 1000) + 7201 }))).toMatchObject({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/api_ticket/) })
  })

  it('is reachable from another origin (CORS preflight)', async () => {
    const c = client()
    const res = await fetch(`${c.sandbox.urls.wxmp}/__sim/wxmp/bridge/add-card`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:10086', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type')
  })
})
