import { fen } from '@yima/shared'
import { startSandbox, type Sandbox } from '../../../../sandbox/src'
import {
  activateMemberCard, buildCardExt, createMemberCard, decryptCode, deleteCard, getCard, getCardTicket, getCode,
  getSubMerchant, setMemberBalance, updateMemberCard, type MemberCardSpec,
} from '../../../src/channels/wechat-mp/cards'
import { WechatApiError, wechatCall } from '../../../src/channels/wechat-mp/client'

/*
 * yima's card-wallet client against the sandbox's WeChat platform: the member-card lifecycle from
 * the card sub-merchant to the balance the wallet shows, the customer's wx.addCard through the
 * bridge route, and WeChat's refusals as typed WechatApiErrors.
 */

let sandbox: Sandbox
let api: string
let token: string
let appid: string

beforeAll(async () => {
  sandbox = await startSandbox()
  api = sandbox.clients.wxmp.apiBaseUrl
})
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => {
  await sim('POST', '/__sim/reset')
  const oa = sandbox.clients.wxmp.officialAccount
  appid = oa.appId
  token = (await wechatCall<{ access_token: string }>(api, 'cgi-bin/token', { query: { grant_type: 'client_credential', appid, secret: oa.appSecret } })).access_token
})

async function sim<T = any> (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number, body: T }> {
  const res = await fetch(`${sandbox.urls.wxmp}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

/** The errcode a call was refused with. */
async function errcode (call: Promise<unknown>): Promise<number> {
  const err: unknown = await call.then(() => undefined, (e: unknown) => e)
  if (!(err instanceof WechatApiError)) throw new Error(`expected a WechatApiError, got ${String(err)}`)
  return err.errcode
}

const openidOf = async (user: string): Promise<string> => {
  const users = (await sim<Array<{ id: string, openids: Record<string, { openid: string }> }>>('GET', '/__sim/wxmp/users')).body
  const openid = users.find((u) => u.id === user)?.openids[appid]?.openid
  if (openid === undefined) throw new Error(`no openid for ${user}`)
  return openid
}

/** A card sub-merchant of the SP's account (submitted as the cards module does), reviewed by WeChat. */
async function subMerchant (approve = true): Promise<number> {
  const r = await wechatCall<{ info: { merchant_id: number } }>(api, 'card/submerchant/submit', {
    query: { access_token: token },
    body: { info: { brand_name: '小王面馆', logo_url: 'https://mmbiz.qpic.cn/logo.png', protocol: 'media', end_time: 1_900_000_000, primary_category_id: 1, secondary_category_id: 101 } },
  })
  if (approve) expect((await sim('POST', `/__sim/wxmp/submerchants/${r.info.merchant_id}/review`, { status: 'APPROVED' })).status).toBe(200)
  return r.info.merchant_id
}

const spec = (subMerchantId: number): MemberCardSpec => ({
  subMerchantId,
  brandName: '小王面馆',
  logoUrl: 'https://mmbiz.qpic.cn/logo.png',
  title: '储值会员卡',
  color: 'Color010',
  notice: '出示会员码',
  description: '余额不可提现',
  prerogative: '储值消费',
  activateUrl: 'https://yima.example/card/activate',
  customUrl: { name: '使用会员卡', url: 'https://yima.example/card', subTitle: '余额与流水' },
  promotionUrl: { name: '会员卡余额充值', url: 'https://yima.example/card?recharge=1' },
})

const review = async (cardId: string, status: 'CARD_STATUS_VERIFY_OK' | 'CARD_STATUS_VERIFY_FAIL', reason?: string): Promise<void> => {
  expect((await sim('POST', `/__sim/wxmp/cards/${cardId}/review`, { status, ...(reason === undefined ? {} : { reason }) })).status).toBe(200)
}

async function approvedCard (): Promise<string> {
  const { card_id: cardId } = await createMemberCard(api, token, spec(await subMerchant()))
  await review(cardId, 'CARD_STATUS_VERIFY_OK')
  return cardId
}

type AddCardAnswer = { err_msg: string, card_list?: string, err_desc?: string }
const addCard = async (cardId: string, cardExt: string): Promise<AddCardAnswer> =>
  (await sim<AddCardAnswer>('POST', '/__sim/wxmp/bridge/add-card', { card_list: [{ card_id: cardId, card_ext: cardExt }] })).body
const nowS = (): number => Math.floor(Date.now() / 1000)

/** The customer adds the card with a cardExt yima signed; answers the encrypted code. */
async function claim (cardId: string, user = 'zhangsan'): Promise<string> {
  const cardExt = buildCardExt({ apiTicket: await getCardTicket(api, token), cardId, openid: await openidOf(user), timestamp: nowS() })
  const answer = await addCard(cardId, cardExt)
  expect(answer).toEqual({ err_msg: 'batch_add_card:ok', card_list: expect.any(String) })
  const list = JSON.parse(answer.card_list ?? '[]') as Array<{ card_id: string, card_ext: string, code: string, is_succ: boolean }>
  expect(list).toEqual([{ card_id: cardId, card_ext: cardExt, code: expect.any(String), is_succ: true }])
  return list[0]?.code ?? ''
}

describe('wechat-mp card client', () => {
  it('reads a card sub-merchant through review, and refuses one of no one (40139)', async () => {
    const id = await subMerchant(false)
    expect(await getSubMerchant(api, token, id)).toMatchObject({ merchant_id: id, status: 'CHECKING', brand_name: '小王面馆' })
    await sim('POST', `/__sim/wxmp/submerchants/${id}/review`, { status: 'REJECTED', reason: '资质不清晰' })
    expect((await getSubMerchant(api, token, id)).status).toBe('REJECTED')
    expect(await errcode(getSubMerchant(api, token, id + 1000))).toBe(40139)
  })

  it('creates a member card for an approved sub-merchant only (40140), with yima\'s fixed choices', async () => {
    expect(await errcode(createMemberCard(api, token, spec(await subMerchant(false))))).toBe(40140)
    const { card_id: cardId } = await createMemberCard(api, token, spec(await subMerchant()))
    expect(cardId).toMatch(/^p[\w-]{27}$/)
    expect(await getCard(api, token, cardId)).toEqual({ status: 'CARD_STATUS_NOT_VERIFY' })
    const stored = (await sim('GET', `/__sim/wxmp/cards/${cardId}`)).body
    expect(stored.member_card).toMatchObject({
      supply_balance: true,
      supply_bonus: false,
      wx_activate: false,
      auto_activate: false,
      activate_url: 'https://yima.example/card/activate',
      base_info: { code_type: 'CODE_TYPE_QRCODE', get_limit: 1, use_custom_code: false, custom_url_name: '使用会员卡', promotion_url: 'https://yima.example/card?recharge=1' },
    })
    await review(cardId, 'CARD_STATUS_VERIFY_OK')
    expect(await getCard(api, token, cardId)).toEqual({ status: 'CARD_STATUS_VERIFY_OK' })
  })

  it('updates a card: links stay approved, the face goes back to review, a rejected card is resubmitted', async () => {
    const cardId = await approvedCard()
    expect(await updateMemberCard(api, token, cardId, { customUrl: { name: '我的会员卡', url: 'https://yima.example/card' } })).toEqual({ send_check: false })
    expect((await getCard(api, token, cardId)).status).toBe('CARD_STATUS_VERIFY_OK')
    expect(await updateMemberCard(api, token, cardId, { title: '储值会员卡' })).toEqual({ send_check: false }) // unchanged

    expect(await updateMemberCard(api, token, cardId, { title: '面馆会员卡', color: 'Color090' })).toEqual({ send_check: true })
    expect((await getCard(api, token, cardId)).status).toBe('CARD_STATUS_NOT_VERIFY')
    const stored = (await sim('GET', `/__sim/wxmp/cards/${cardId}`)).body
    expect(stored.member_card.base_info).toMatchObject({ title: '面馆会员卡', color: 'Color090', custom_url_name: '我的会员卡' })

    await review(cardId, 'CARD_STATUS_VERIFY_FAIL', 'logo 不清晰')
    expect((await getCard(api, token, cardId)).status).toBe('CARD_STATUS_VERIFY_FAIL')
    expect(await updateMemberCard(api, token, cardId, { promotionUrl: null })).toEqual({ send_check: true })
    expect((await getCard(api, token, cardId)).status).toBe('CARD_STATUS_NOT_VERIFY')
  })

  it('refuses unknown cards (40073) on every card call', async () => {
    const unknown = 'pNOPE000000000000000000000000'
    expect(await errcode(getCard(api, token, unknown))).toBe(40073)
    expect(await errcode(updateMemberCard(api, token, unknown, { title: 'x' }))).toBe(40073)
    expect(await errcode(deleteCard(api, token, unknown))).toBe(40073)
    // Another account's card is unknown to this one.
    const other = (await sim<{ appid: string, secret: string }>('POST', '/__sim/wxmp/apps', { cardPermission: true })).body
    const otherToken = (await wechatCall<{ access_token: string }>(api, 'cgi-bin/token', { query: { grant_type: 'client_credential', appid: other.appid, secret: other.secret } })).access_token
    const cardId = await approvedCard()
    expect(await errcode(getCard(api, otherToken, cardId))).toBe(40073)
  })

  it('claims through wx.addCard, decrypts the code, activates with a balance and keeps the wallet in step', async () => {
    const cardId = await approvedCard()
    const encrypted = await claim(cardId)
    const events = (await sim<Array<{ event: string, openid: string }>>('GET', `/__sim/wxmp/events?appid=${appid}&event=user_get_card`)).body
    expect(events).toEqual([expect.objectContaining({ event: 'user_get_card', openid: await openidOf('zhangsan') })])

    const code = await decryptCode(api, token, encrypted)
    expect(code).toMatch(/^\d{12}$/)
    expect(await getCode(api, token, { code, cardId })).toEqual({ openid: await openidOf('zhangsan'), card_id: cardId, user_card_status: 'NORMAL', can_consume: true })

    await activateMemberCard(api, token, { code, cardId, membershipNumber: 'M0001', initBalance: fen(500) })
    const held = async (): Promise<{ has_active: boolean, balance: number, membership_number: string }> =>
      (await sim('GET', `/__sim/wxmp/cards/${cardId}`)).body.codes.find((c: { code: string }) => c.code === code)
    expect(await held()).toMatchObject({ has_active: true, balance: 500, membership_number: 'M0001' })

    expect(await setMemberBalance(api, token, { code, cardId, balanceFen: fen(12_345), record: '充值 120 元' })).toEqual({ result_balance: 12_345 })
    expect(await setMemberBalance(api, token, { code, cardId, balanceFen: fen(0), record: '消费' })).toEqual({ result_balance: 0 })
    expect(await errcode(setMemberBalance(api, token, { code, cardId, balanceFen: fen(-1), record: '透支' }))).toBe(40097)
    expect((await held()).balance).toBe(0)
  })

  it('refuses codes it does not know: decrypt 40075, get / activate / balance 40056', async () => {
    const cardId = await approvedCard()
    expect(await errcode(decryptCode(api, token, 'bm90IGEgY29kZQ=='))).toBe(40075)
    expect(await errcode(getCode(api, token, { code: '000000000000', cardId }))).toBe(40056)
    expect(await errcode(activateMemberCard(api, token, { code: '000000000000', cardId, membershipNumber: 'M1' }))).toBe(40056)
    expect(await errcode(setMemberBalance(api, token, { code: '000000000000', cardId, balanceFen: fen(1), record: 'x' }))).toBe(40056)
  })

  it('serves the account\'s wx_card api_ticket, the one the sandbox checks cardExt with', async () => {
    const ticket = await getCardTicket(api, token)
    expect(ticket).toEqual(await getCardTicket(api, token))
    expect((await sim<{ wx_card: string | null }>('GET', `/__sim/wxmp/tickets?appid=${appid}`)).body.wx_card).toBe(ticket)
  })

  it('refuses an addCard whose cardExt is badly signed, stale, replayed, for another account, or has no openid', async () => {
    const cardId = await approvedCard()
    const apiTicket = await getCardTicket(api, token)
    const openid = await openidOf('lisi')
    const refused = async (cardExt: string, desc: RegExp): Promise<void> => {
      const answer = await addCard(cardId, cardExt)
      expect(answer).toEqual({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(desc) })
    }
    await refused(buildCardExt({ apiTicket: `${apiTicket}x`, cardId, openid, timestamp: nowS() }), /signature mismatch/)
    await refused(buildCardExt({ apiTicket, cardId, openid, timestamp: nowS() - 7201 }), /stale/)
    await refused(buildCardExt({ apiTicket, cardId, openid, timestamp: nowS() + 3600 }), /stale/)
    const other = (await sim<{ appid: string }>('POST', '/__sim/wxmp/apps', { cardPermission: true })).body
    const users = (await sim<Array<{ id: string, openids: Record<string, { openid: string }> }>>('GET', '/__sim/wxmp/users')).body
    await refused(buildCardExt({ apiTicket, cardId, openid: users[1]?.openids[other.appid]?.openid ?? '', timestamp: nowS() }), /not a user of the card's account/)
    const noOpenid = JSON.parse(buildCardExt({ apiTicket, cardId, openid, timestamp: nowS() })) as Record<string, string>
    delete noOpenid.openid
    await refused(JSON.stringify(noOpenid), /must carry the openid/)
    expect((await sim('GET', `/__sim/wxmp/cards/${cardId}`)).body.codes).toEqual([])

    const good = buildCardExt({ apiTicket, cardId, openid, timestamp: nowS() })
    expect((await addCard(cardId, good)).err_msg).toBe('batch_add_card:ok')
    await refused(good, /already used/)
  })

  it('deletes a card: no more updates (40078) or claims, the claimed code still reads', async () => {
    const cardId = await approvedCard()
    const code = await decryptCode(api, token, await claim(cardId))
    await deleteCard(api, token, cardId)
    expect(await getCard(api, token, cardId)).toEqual({ status: 'CARD_STATUS_DELETE' })
    expect(await errcode(updateMemberCard(api, token, cardId, { title: '新卡' }))).toBe(40078)
    const cardExt = buildCardExt({ apiTicket: await getCardTicket(api, token), cardId, openid: await openidOf('wangwu'), timestamp: nowS() })
    expect(await addCard(cardId, cardExt)).toEqual({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/deleted/) })
    expect((await getCode(api, token, { code, cardId })).user_card_status).toBe('NORMAL')
  })

  it('refuses a claim WeChat would not allow: not yet approved, or a second card for one person (get_limit 1)', async () => {
    const { card_id: cardId } = await createMemberCard(api, token, spec(await subMerchant()))
    const apiTicket = await getCardTicket(api, token)
    const ext = async (): Promise<string> => buildCardExt({ apiTicket, cardId, openid: await openidOf('zhangsan'), timestamp: nowS() })
    expect(await addCard(cardId, await ext())).toEqual({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/not approved/) })
    await review(cardId, 'CARD_STATUS_VERIFY_OK')
    expect((await addCard(cardId, await ext())).err_msg).toBe('batch_add_card:ok')
    expect(await addCard(cardId, await ext())).toEqual({ err_msg: 'batch_add_card:fail', err_desc: expect.stringMatching(/get_limit/) })
  })
})
