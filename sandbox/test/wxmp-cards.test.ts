import { accountWithServer, useSandbox, type Wx, type WxmpTestClient } from './wxmp-helpers'

const { client } = useSandbox()

/** A stored-value member card as yima creates it (M2), optionally for a card sub-merchant. */
function memberCard (extra: Record<string, unknown> = {}, base: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    card: {
      card_type: 'MEMBER_CARD',
      member_card: {
        background_pic_url: 'https://mmbiz.qpic.cn/bg.png',
        base_info: {
          logo_url: 'https://mmbiz.qpic.cn/logo.png',
          brand_name: '小王面馆',
          code_type: 'CODE_TYPE_QRCODE',
          title: '储值会员卡',
          color: 'Color010',
          notice: '使用时向服务员出示此券',
          description: '余额不可提现',
          sku: { quantity: 100 },
          date_info: { type: 'DATE_TYPE_PERMANENT' },
          get_limit: 1,
          ...base,
        },
        prerogative: '会员储值消费',
        supply_bonus: false,
        supply_balance: true,
        wx_activate: true,
        custom_field1: { name_type: 'FIELD_NAME_TYPE_LEVEL', url: 'https://yima.example/level' },
        ...extra,
      },
    },
  }
}

interface ClaimedCode { code: string, openid: string, encrypt_code: string, has_active: boolean, status: string }

/** Creates a member card and has WeChat approve it. */
async function approvedCard (c: WxmpTestClient, token: string, card = memberCard()): Promise<string> {
  const created = await c.call(token, '/card/create', card)
  expect(created).toEqual({ errcode: 0, errmsg: 'ok', card_id: expect.stringMatching(/^p[\w-]{27}$/) })
  const cardId = created.card_id as string
  await c.control('POST', `/wxmp/cards/${cardId}/review`, { status: 'CARD_STATUS_VERIFY_OK' })
  return cardId
}

async function spToken (c: WxmpTestClient): Promise<string> {
  const { appId, appSecret } = c.sandbox.clients.wxmp.officialAccount
  return await c.token(appId, appSecret)
}

describe('wxmp member cards', () => {
  it('runs the member-card lifecycle end to end, with every event pushed in safe mode', async () => {
    const c = client()
    const { app, token, receiver } = await accountWithServer(c, 'safe')
    const events = (): Array<Record<string, string>> => receiver.pushes.map((p) => p.fields)

    // M1: the merchant's card sub-merchant, reviewed by WeChat.
    const submitted = await c.call(token, '/card/submerchant/submit', { info: { brand_name: '小王面馆', logo_url: 'https://mmbiz.qpic.cn/logo.png', protocol: 'media_protocol', end_time: 1_900_000_000, primary_category_id: 1, secondary_category_id: 101 } })
    const merchantId = (submitted.info as { merchant_id: number, status: string }).merchant_id
    expect(submitted.info).toMatchObject({ status: 'CHECKING', brand_name: '小王面馆' })
    expect((await c.call(token, '/card/create', memberCard({}, { sub_merchant_info: { merchant_id: merchantId } }))).errcode).toBe(40140)
    await c.control('POST', `/wxmp/submerchants/${merchantId}/review`, { status: 'APPROVED' })
    expect(((await c.call(token, '/card/submerchant/get', { merchant_id: merchantId })).info as { status: string }).status).toBe('APPROVED')

    // M2: create, reviewed; claiming before approval is refused.
    const created = await c.call(token, '/card/create', memberCard({}, { sub_merchant_info: { merchant_id: merchantId } }))
    const cardId = created.card_id as string
    const pending = await c.call(token, '/card/get', { card_id: cardId })
    expect(pending).toMatchObject({ errcode: 0, card: { card_type: 'MEMBER_CARD', member_card: { supply_balance: true, base_info: { id: cardId, status: 'CARD_STATUS_NOT_VERIFY', title: '储值会员卡', sku: { quantity: 100, total_quantity: 100 } } } } })
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 409)
    await c.control('POST', `/wxmp/cards/${cardId}/review`, { status: 'CARD_STATUS_VERIFY_OK' })

    // The claim QR code, then the customer claims through it (M3).
    const qr = await c.call(token, '/card/qrcode/create', { action_name: 'QR_CARD', expire_seconds: 1800, action_info: { card: { card_id: cardId, outer_str: 'store_42' } } })
    expect(qr).toEqual({ errcode: 0, errmsg: 'ok', ticket: expect.any(String), expire_seconds: 1800, url: expect.stringMatching(/\/q\//), show_qrcode_url: expect.stringContaining('/cgi-bin/showqrcode?ticket=') })
    expect((await fetch(qr.show_qrcode_url as string)).headers.get('content-type')).toMatch(/^image\/svg\+xml/)
    expect(await (await fetch(qr.url as string)).text()).toContain('储值会员卡')
    const claimed = await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi', ticket: qr.ticket }, 201)
    expect(claimed).toMatchObject({ code: expect.stringMatching(/^\d{12}$/), openid: await c.openid('lisi', app.appid), has_active: false, status: 'NORMAL' })
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 409) // get_limit 1

    // Activation through WeChat's form (一键激活).
    expect((await c.call(token, '/card/membercard/activateuserform/set', { card_id: cardId, required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE'] }, optional_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_NAME'], custom_field_list: ['喜欢的菜'] } })).errcode).toBe(0)
    expect(await c.control('POST', `/wxmp/cards/${cardId}/codes/${claimed.code}/activate-form`, { custom: { 喜欢的菜: '牛肉面' } })).toEqual({ activated: true })
    const member = await c.call(token, '/card/membercard/userinfo/get', { card_id: cardId, code: claimed.code })
    expect(member).toMatchObject({
      errcode: 0,
      openid: claimed.openid,
      nickname: '李四',
      membership_number: claimed.code,
      balance: 0,
      user_card_status: 'NORMAL',
      has_active: true,
      user_info: { common_field_list: [{ name: 'USER_FORM_INFO_FLAG_MOBILE', value: '13800000002' }, { name: 'USER_FORM_INFO_FLAG_NAME', value: '李四' }], custom_field_list: [{ name: '喜欢的菜', value: '牛肉面' }] },
    })

    // Recharge and spend (M5: never below zero).
    const recharge = await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code: claimed.code, add_balance: 10_000, record_balance: '充值100元' })
    expect(recharge).toEqual({ errcode: 0, errmsg: 'ok', result_bonus: 0, result_balance: 10_000, openid: claimed.openid })
    expect((await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code: claimed.code, add_balance: -10_001 })).errcode).toBe(40097)
    expect((await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code: claimed.code, add_balance: -2_550, record_balance: '消费25.5元' })).result_balance).toBe(7_450)
    expect((await c.call(token, '/card/membercard/userinfo/get', { card_id: cardId, code: claimed.code })).balance).toBe(7_450)

    // Codes: decrypt what the wallet appends to URLs, check, consume once.
    expect((await c.call(token, '/card/code/decrypt', { encrypt_code: claimed.encrypt_code })).code).toBe(claimed.code)
    expect(await c.call(token, '/card/code/get', { card_id: cardId, code: claimed.code, check_consume: true })).toMatchObject({ errcode: 0, openid: claimed.openid, can_consume: true, user_card_status: 'NORMAL', card: { card_id: cardId } })
    expect(await c.call(token, '/card/code/consume', { card_id: cardId, code: claimed.code })).toEqual({ errcode: 0, errmsg: 'ok', card: { card_id: cardId }, openid: claimed.openid })
    expect((await c.call(token, '/card/code/consume', { card_id: cardId, code: claimed.code })).errcode).toBe(40099)
    expect(await c.call(token, '/card/code/get', { card_id: cardId, code: claimed.code, check_consume: false })).toMatchObject({ can_consume: false, user_card_status: 'CONSUMED' })

    // Deleting the card is allowed; it can no longer be claimed or put on a QR code.
    expect(await c.call(token, '/card/delete', { card_id: cardId })).toEqual({ errcode: 0, errmsg: 'ok' })
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'wangwu' }, 409)
    expect((await c.call(token, '/card/qrcode/create', { action_name: 'QR_CARD', action_info: { card: { card_id: cardId } } })).errcode).toBe(40078)

    await c.idle()
    expect(receiver.problems).toEqual([])
    expect(events().map((e) => e.Event)).toEqual(['card_merchant_check_result', 'card_pass_check', 'user_get_card', 'submit_membercard_user_info', 'update_member_card', 'update_member_card', 'user_consume_card'])
    expect(events()[0]).toMatchObject({ MerchantId: String(merchantId), IsPass: '1' })
    expect(events()[2]).toMatchObject({ FromUserName: claimed.openid, CardId: cardId, UserCardCode: claimed.code, OuterStr: 'store_42', IsGiveByFriend: '0', UnionId: expect.any(String) })
    expect(events()[4]).toMatchObject({ ModifyBalance: '10000', ModifyBonus: '0' })
    expect(events()[5]).toMatchObject({ ModifyBalance: '-2550' })
    expect(events()[6]).toMatchObject({ CardId: cardId, UserCardCode: claimed.code, ConsumeSource: 'FROM_API' })
    await receiver.close()
  })

  it('keeps codes already in wallets valid after the card is deleted, as WeChat does', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token, memberCard({ wx_activate: false, auto_activate: true }))
    const { code } = await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'zhangsan' }, 201)
    await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code, balance: 500 })
    expect((await c.call(token, '/card/delete', { card_id: cardId })).errcode).toBe(0)
    expect(((await c.call(token, '/card/get', { card_id: cardId })).card as { member_card: { base_info: { status: string } } }).member_card.base_info.status).toBe('CARD_STATUS_DELETE')
    expect(await c.call(token, '/card/membercard/userinfo/get', { card_id: cardId, code })).toMatchObject({ balance: 500, has_active: true, user_card_status: 'NORMAL' })
    expect((await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code, add_balance: -500 })).result_balance).toBe(0)
  })

  it('activates through the merchant after WeChat\'s form when wx_activate_after_submit is set', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token, memberCard({ wx_activate_after_submit: true, wx_activate_after_submit_url: 'https://yima.example/member/activate' }))
    await c.call(token, '/card/membercard/activateuserform/set', { card_id: cardId, required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE', 'USER_FORM_INFO_FLAG_BIRTHDAY'] } })
    const { code, openid } = await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'wangwu' }, 201)
    await c.control('POST', `/wxmp/cards/${cardId}/codes/${code}/activate-form`, {}, 400) // birthday is required
    const form = await c.control<{ activated: boolean, activate_ticket: string, redirect_url: string }>('POST', `/wxmp/cards/${cardId}/codes/${code}/activate-form`, { fields: { USER_FORM_INFO_FLAG_BIRTHDAY: '1990-01-01' } })
    expect(form.activated).toBe(false)
    const redirect = new URL(form.redirect_url)
    expect(`${redirect.origin}${redirect.pathname}`).toBe('https://yima.example/member/activate')
    expect(redirect.searchParams.get('openid')).toBe(openid)
    expect((await c.call(token, '/card/code/decrypt', { encrypt_code: redirect.searchParams.get('encrypt_code') })).code).toBe(code)

    const temp = await c.call(token, '/card/membercard/activatetempinfo/get', { activate_ticket: redirect.searchParams.get('activate_ticket') })
    expect(temp).toEqual({ errcode: 0, errmsg: 'ok', info: { common_field_list: [{ name: 'USER_FORM_INFO_FLAG_MOBILE', value: '13800000003' }, { name: 'USER_FORM_INFO_FLAG_BIRTHDAY', value: '1990-01-01' }], custom_field_list: [] } })
    expect((await c.call(token, '/card/membercard/activatetempinfo/get', { activate_ticket: 'nope' })).errcode).toBe(40097)
    expect((await c.call(token, '/card/membercard/activate', { card_id: cardId, code, membership_number: 'M0001', init_balance: 2_000 })).errcode).toBe(0)
    // A second activation renames only: the initial balance is applied once.
    expect((await c.call(token, '/card/membercard/activate', { card_id: cardId, code, membership_number: 'M0002', init_balance: 9_000 })).errcode).toBe(0)
    expect(await c.call(token, '/card/membercard/userinfo/get', { card_id: cardId, code })).toMatchObject({ membership_number: 'M0002', balance: 2_000, has_active: true })
    expect((await c.control<Array<{ event: string }>>('GET', '/wxmp/events?event=submit_membercard_user_info'))).toEqual([])
  })

  it('pushes card_not_pass_check with the reason, and user_del_card when a customer removes the card', async () => {
    const c = client()
    const token = await spToken(c)
    const rejected = (await c.call(token, '/card/create', memberCard())).card_id as string
    await c.control('POST', `/wxmp/cards/${rejected}/review`, { status: 'CARD_STATUS_VERIFY_FAIL', reason: '非法代制' })
    const cardId = await approvedCard(c, token)
    const { code } = await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'zhangsan' }, 201)
    await c.control('POST', `/wxmp/cards/${cardId}/codes/${code}/remove`, {})
    expect((await c.call(token, '/card/code/get', { card_id: cardId, code })).errcode).toBe(40127)
    expect((await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code, add_balance: 1 })).errcode).toBe(40127)
    const events = await c.control<Array<{ event: string, fields: Record<string, unknown> }>>('GET', '/wxmp/events')
    expect(events.map((e) => e.event)).toEqual(['card_not_pass_check', 'card_pass_check', 'user_get_card', 'user_del_card'])
    expect(events[0]?.fields).toEqual({ CardId: rejected, RefuseReason: '非法代制' })
  })

  it('answers the card API errors: 40073, 41012, 40056, 41013, 40071, 40075, 40139, 48001, 41011', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token)
    const call = async (path: string, body: unknown): Promise<number | undefined> => (await c.call(token, path, body)).errcode
    expect(await call('/card/get', { card_id: 'pNoSuchCard000000000000000000' })).toBe(40073)
    expect(await call('/card/get', {})).toBe(41012)
    expect(await call('/card/code/get', { card_id: cardId, code: '000000000000' })).toBe(40056)
    expect(await call('/card/code/consume', { card_id: cardId })).toBe(41013)
    expect(await call('/card/code/decrypt', { encrypt_code: 'bm9wZQ==' })).toBe(40075)
    expect(await call('/card/membercard/userinfo/get', { card_id: cardId, code: '000000000000' })).toBe(40056)
    expect(await call('/card/create', { card: { card_type: 'FLIGHT' } })).toBe(40071)
    expect(await call('/card/create', memberCard({}, { sub_merchant_info: { merchant_id: 1 } }))).toBe(40139)
    const missing = memberCard()
    delete ((missing.card as { member_card: { base_info: Record<string, unknown> } }).member_card.base_info).title
    expect(await call('/card/create', missing)).toBe(41011)

    const groupon = await c.call(token, '/card/create', { card: { card_type: 'GROUPON', groupon: { base_info: (memberCard().card as { member_card: { base_info: unknown } }).member_card.base_info, deal_detail: '双人套餐' } } })
    expect(groupon.errcode).toBe(0)
    expect(await call('/card/membercard/activateuserform/set', { card_id: groupon.card_id, required_form: {} })).toBe(40071)

    const other = await c.registerApp()
    const otherToken = await c.token(other.appid, other.secret)
    expect((await c.call(otherToken, '/card/get', { card_id: cardId })).errcode).toBe(40073)
    const noCards = await c.registerApp({ cardPermission: false })
    expect((await c.call(await c.token(noCards.appid, noCards.secret), '/card/create', memberCard())).errcode).toBe(48001)
  })

  it('hands out claim QR codes that expire, and honours stock, per-user limits and auto_activate', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token, memberCard({ wx_activate: false, auto_activate: true }, { sku: { quantity: 2 }, get_limit: 5 }))
    const qr = await c.call(token, '/card/qrcode/create', { action_name: 'QR_CARD', expire_seconds: 60, action_info: { card: { card_id: cardId } } })
    await c.advance(61)
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'zhangsan', ticket: qr.ticket }, 409)
    const first = await c.control<ClaimedCode & { membership_number: string }>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'zhangsan' }, 201)
    expect(first).toMatchObject({ has_active: true, membership_number: first.code })
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'zhangsan' }, 201)
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 409) // out of stock
    const card = await c.call(token, '/card/get', { card_id: cardId })
    expect((card.card as { member_card: { base_info: { sku: unknown } } }).member_card.base_info.sku).toEqual({ quantity: 0, total_quantity: 2 })
    expect((await c.call(token, '/card/qrcode/create', { action_name: 'QR_MULTIPLE_CARD', action_info: { card: { card_id: cardId } } })).errcode).toBe(40052)
  })

  it('expires codes of a fixed-range card on the simulated clock (EXPIRE, 40127)', async () => {
    const c = client()
    const token = await spToken(c)
    const end = Math.floor(Date.now() / 1000) + 86_400
    const cardId = await approvedCard(c, token, memberCard({ wx_activate: false, auto_activate: true }, { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: end - 86_400 * 30, end_timestamp: end } }))
    const { code } = await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 201)
    expect(await c.call(token, '/card/code/get', { card_id: cardId, code })).toMatchObject({ can_consume: true, card: { end_time: end } })
    await c.advance(2 * 86_400)
    const fresh = await spToken(c)
    expect((await c.call(fresh, '/card/code/get', { card_id: cardId, code })).errcode).toBe(40127)
    expect(await c.call(fresh, '/card/code/get', { card_id: cardId, code, check_consume: false })).toMatchObject({ can_consume: false, user_card_status: 'EXPIRE' })
    expect((await c.call(fresh, '/card/code/consume', { card_id: cardId, code })).errcode).toBe(40127)
  })

  it('takes custom codes from the QR code, once per code', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token, memberCard({}, { use_custom_code: true, get_limit: 3 }))
    const qr = await c.call(token, '/card/qrcode/create', { action_name: 'QR_CARD', action_info: { card: { card_id: cardId, code: 'VIP-0001', is_unique_code: true, openid: await c.openid('lisi', c.sandbox.clients.wxmp.officialAccount.appId) } } })
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'zhangsan', ticket: qr.ticket }, 409) // the QR code names lisi
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 409) // no code
    expect((await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi', ticket: qr.ticket }, 201)).code).toBe('VIP-0001')
    await c.control('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi', ticket: qr.ticket }, 409) // used
    expect((await c.call(token, '/card/code/get', { card_id: cardId, code: 'VIP-0001' })).errcode).toBe(0)
  })

  it('lets a customer claim from the QR landing page as a test user', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token)
    const qr = await c.call(token, '/card/qrcode/create', { action_name: 'QR_CARD', action_info: { card: { card_id: cardId } } })
    const res = await fetch(`${qr.url as string}/claim`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=wangwu' })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('已领取到卡包')
    const again = await fetch(`${qr.url as string}/claim`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'user=wangwu' })
    expect(again.status).toBe(409)
    const view = await c.control<{ codes: Array<{ user_id: string }> }>('GET', `/wxmp/cards/${cardId}`)
    expect(view.codes.map((uc) => uc.user_id)).toEqual(['wangwu'])
  })

  it('refuses balance changes on a card without supply_balance, and non-integer amounts', async () => {
    const c = client()
    const token = await spToken(c)
    const cardId = await approvedCard(c, token, memberCard({ supply_balance: false, supply_bonus: true, wx_activate: false, auto_activate: true }))
    const { code } = await c.control<ClaimedCode>('POST', `/wxmp/cards/${cardId}/claim`, { user: 'lisi' }, 201)
    const update = async (body: Record<string, unknown>): Promise<Wx> => await c.call(token, '/card/membercard/updateuser', { card_id: cardId, code, ...body })
    expect((await update({ add_balance: 100 })).errcode).toBe(40097)
    expect((await update({ add_bonus: 1.5 })).errcode).toBe(47001)
    expect(await update({ add_bonus: 30, record_bonus: '消费送积分' })).toMatchObject({ errcode: 0, result_bonus: 30, result_balance: 0 })
    expect((await update({ bonus: -1 })).errcode).toBe(40097)
  })

  it('lists, updates and pages card sub-merchants; rejection pushes IsPass 0', async () => {
    const c = client()
    const token = await spToken(c)
    const info = { brand_name: '甲', logo_url: 'https://mmbiz.qpic.cn/a.png', protocol: 'm', end_time: 1_900_000_000, primary_category_id: 1, secondary_category_id: 2 }
    const a = ((await c.call(token, '/card/submerchant/submit', { info })).info as { merchant_id: number }).merchant_id
    const b = ((await c.call(token, '/card/submerchant/submit', { info: { ...info, brand_name: '乙' } })).info as { merchant_id: number }).merchant_id
    await c.control('POST', `/wxmp/submerchants/${a}/review`, { status: 'REJECTED', reason: '资质不全' })
    const updated = await c.call(token, '/card/submerchant/update', { info: { merchant_id: a, brand_name: '甲甲' } })
    expect(updated.info).toMatchObject({ merchant_id: a, brand_name: '甲甲', status: 'CHECKING' })
    const page = await c.call(token, '/card/submerchant/batchget', { begin_id: 0, limit: 1 })
    expect(page).toMatchObject({ errcode: 0, info_list: [{ merchant_id: a }], next_begin_id: a })
    expect(((await c.call(token, '/card/submerchant/batchget', { begin_id: a + 1, limit: 50 })).info_list as unknown[])).toHaveLength(1)
    expect((await c.call(token, '/card/submerchant/get', { merchant_id: b + 1000 })).errcode).toBe(40139)
    const [event] = await c.control<Array<{ event: string, fields: Record<string, unknown> }>>('GET', '/wxmp/events?event=card_merchant_check_result')
    expect(event?.fields).toEqual({ MerchantId: a, IsPass: 0, Reason: '资质不全' })
  })
})
