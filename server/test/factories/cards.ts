import request from 'supertest'
import type { MemberCardDto } from '@yima/shared'
import type { Database } from '../../src/db/client'
import type { Channels, startLiveApp } from '../helpers/channels'
import { scan, simUser } from '../helpers/scan'
import { consoleUser, type ConsoleUser } from './console'
import { createMerchant, createSp, newSubMchId } from './tenants'

type Live = Awaited<ReturnType<typeof startLiveApp>>

export const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'

export interface CardWorld {
  owner: ConsoleUser
  spId: string
  merchant: { id: string, shortName: string }
  /** The merchant's WeChat Pay sub-merchant id. */
  wxSubMchId: string
  adminId: string
  store: { id: string, name: string }
  storeCode: string
  subMerchantId: number
  card: MemberCardDto
}

/** A 卡券子商户 submitted by the SP's official account and approved by WeChat's reviewers (sandbox). */
export async function approvedCardSubMerchant (c: Channels, brand = '好味餐饮'): Promise<number> {
  const oa = c.sandbox.clients.wxmp.officialAccount
  const api = c.sandbox.urls.wxmp
  const token = (await (await fetch(`${api}/cgi-bin/token?grant_type=client_credential&appid=${oa.appId}&secret=${oa.appSecret}`)).json() as { access_token: string }).access_token
  const submitted = await (await fetch(`${api}/card/submerchant/submit?access_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ info: { brand_name: brand, logo_url: 'https://haowei.example.com/logo.png', protocol: 'media_protocol', end_time: 1_900_000_000, primary_category_id: 2, secondary_category_id: 152 } }),
  })).json() as { info: { merchant_id: number } }
  const id = submitted.info.merchant_id
  await c.sim('wxmp', 'POST', `/__sim/wxmp/submerchants/${id}/review`, { status: 'APPROVED' })
  return id
}

export const CARD_BODY = {
  title: '好味储值卡',
  logoUrl: 'https://haowei.example.com/logo.png',
  color: 'Color010',
  notice: '付款时请出示会员卡',
  description: '可在好味餐饮各门店使用余额付款。',
  rechargeMode: 'fixed',
  tiers: [{ amountFen: 10_000, bonusFen: 1_000 }, { amountFen: 50_000, bonusFen: 8_000 }],
  balanceCapFen: 200_000,
}

/** An SP (AppSecret mode) with a merchant, a store and its code, and an approved membership card. */
export async function cardWorld (live: Live, database: Database, c: Channels, o: { card?: Record<string, unknown> } = {}): Promise<CardWorld> {
  const owner = await consoleUser(live.app, database)
  const sp = await createSp(owner, c)
  const wxSubMchId = await newSubMchId(c)
  const m = await createMerchant(owner, sp.id, wxSubMchId)
  const store = (await owner.post(`/v1/merchants/${m.merchant.id}/stores`, { name: '科技园店' }).expect(201)).body
  const storeCode = (await owner.post(`/v1/stores/${store.id}/qr-codes`, { kind: 'store' }).expect(201)).body.code as string
  const subMerchantId = await approvedCardSubMerchant(c)
  await owner.put(`/v1/merchants/${m.merchant.id}/member-card/sub-merchant`, { cardSubMerchantId: String(subMerchantId) }).expect(200)
  const created = (await owner.post(`/v1/merchants/${m.merchant.id}/member-card`, { ...CARD_BODY, ...o.card }).expect(201)).body as MemberCardDto
  await c.sim('wxmp', 'POST', `/__sim/wxmp/cards/${created.wxCardId}/review`, { status: 'CARD_STATUS_VERIFY_OK' })
  const card = (await owner.get(`/v1/merchants/${m.merchant.id}/member-card`).expect(200)).body.card as MemberCardDto
  return { owner, spId: sp.id, merchant: m.merchant, wxSubMchId, adminId: m.admin.id, store, storeCode, subMerchantId, card }
}

/** A WeChat customer (sandbox user `index`) who opened the card's link: their payer cookie and openid. */
export async function cardCustomer (live: Live, c: Channels, cardId: string, index = 0): Promise<{ cookie: string, openid: string, userId: string }> {
  const person = await simUser(c, index)
  const landed = await scan(c, `${live.url}/card/${cardId}`, person.id)
  if (landed.page !== 'pages/card/index') throw new Error(`card link landed on ${JSON.stringify(landed)}`)
  const cookie = landed.cookies.map((s) => s.split(';')[0] ?? '').find((s) => s.startsWith('yima_payer='))
  if (cookie === undefined) throw new Error('no payer cookie')
  return { cookie, openid: person.openid(c.sandbox.clients.wxmp.officialAccount.appId), userId: person.id }
}

/** Claims (through the sandbox wallet, as batchAddCard would) and activates the card for the customer. */
export async function activeMember (live: Live, c: Channels, w: CardWorld, customer: { cookie: string, userId: string }, o: { phone?: string, name?: string } = {}): Promise<{ id: string, code: string }> {
  const server = live.app.callback()
  const claimed = await c.sim<{ encrypt_code: string, code: string }>('wxmp', 'POST', `/__sim/wxmp/cards/${w.card.wxCardId}/claim`, { user: customer.userId })
  const member = await request(server).post(`/v1/public/cards/${w.card.id}/claims`).set('cookie', customer.cookie).set('user-agent', WECHAT_UA)
    .send({ encryptCode: claimed.body.encrypt_code }).expect(201)
  await request(server).post(`/v1/public/cards/${w.card.id}/activation`).set('cookie', customer.cookie).set('user-agent', WECHAT_UA)
    .send({ name: o.name ?? '陈小姐', phone: o.phone ?? '13912345678' }).expect(200)
  return { id: member.body.id, code: claimed.body.code }
}
