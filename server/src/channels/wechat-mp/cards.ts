import { createHash, randomBytes } from 'node:crypto'
import type { Fen } from '@yima/shared'
import { wechatCall } from './client'

/*
 * The card wallet (微信卡券) APIs yima's stored-value member card uses, field names verbatim.
 * The card is made by the SP's official account for the merchant's card sub-merchant (第三方代制).
 * https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Membership_Cards/Create_a_membership_card.html
 */

/** WeChat's card colours; `/card/create` accepts no others. */
export type WechatCardColor = 'Color010' | 'Color020' | 'Color030' | 'Color040' | 'Color050' | 'Color060'
  | 'Color070' | 'Color080' | 'Color081' | 'Color082' | 'Color090' | 'Color100'

/** A link row on the card's detail page (custom_url: 使用会员卡, promotion_url: 充值). */
export interface CardLink { name: string, url: string, subTitle?: string }

/** What yima decides about a member card; everything else in the `/card/create` body is fixed. */
export interface MemberCardSpec {
  /** 卡券子商户 merchant_id (`/card/submerchant/submit`); must be APPROVED, else 40140. */
  subMerchantId: number
  brandName: string
  logoUrl: string
  title: string
  color: WechatCardColor
  notice: string
  description: string
  /** 特权说明, shown on the card. */
  prerogative: string
  /** Where the wallet's 激活 button leads (yima's activation page). */
  activateUrl: string
  customUrl?: CardLink
  promotionUrl?: CardLink
}

/** The editable part of a member card; `null` removes a link row. */
export type MemberCardChanges = Partial<Omit<MemberCardSpec, 'subMerchantId' | 'brandName' | 'customUrl' | 'promotionUrl'>> & {
  customUrl?: CardLink | null
  promotionUrl?: CardLink | null
}

export interface MemberCardBaseInfo {
  logo_url: string
  brand_name: string
  code_type: 'CODE_TYPE_QRCODE'
  title: string
  color: WechatCardColor
  notice: string
  description: string
  sku: { quantity: number }
  date_info: { type: 'DATE_TYPE_PERMANENT' }
  get_limit: number
  use_custom_code: boolean
  custom_url_name?: string
  custom_url?: string
  custom_url_sub_title?: string
  promotion_url_name?: string
  promotion_url?: string
  promotion_url_sub_title?: string
  sub_merchant_info: { merchant_id: number }
}

export interface MemberCardWire {
  base_info: MemberCardBaseInfo
  prerogative: string
  supply_bonus: boolean
  supply_balance: boolean
  auto_activate: boolean
  wx_activate: boolean
  activate_url: string
}

/** Review states of a card (`base_info.status` of `/card/get`). */
export type WechatCardStatus =
  | 'CARD_STATUS_NOT_VERIFY' // 待审核
  | 'CARD_STATUS_VERIFY_FAIL' // 审核失败
  | 'CARD_STATUS_VERIFY_OK' // 通过审核
  | 'CARD_STATUS_DELETE' // 卡券被商户删除
  | 'CARD_STATUS_DISPATCH' // 在公众平台投放过的卡券

/** `user_card_status` of a claimed code. */
export type WechatUserCardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE'

export type WechatCardSubMerchantStatus = 'CHECKING' | 'APPROVED' | 'REJECTED' | 'EXPIRED'

/** `info` of `/card/submerchant/get`. */
export interface WechatCardSubMerchant {
  merchant_id: number
  app_id: string
  brand_name: string
  logo_url: string
  status: WechatCardSubMerchantStatus
  begin_time: number
  end_time: number
  create_time: number
  update_time: number
  primary_category_id: number
  secondary_category_id: number
}

const linkFields = (prefix: 'custom_url' | 'promotion_url', link: CardLink | null | undefined): Partial<MemberCardBaseInfo> => {
  if (link === undefined) return {}
  // An empty name and URL is how a row is taken off the card.
  const fields = link === null
    ? { [`${prefix}_name`]: '', [prefix]: '', [`${prefix}_sub_title`]: '' }
    : { [`${prefix}_name`]: link.name, [prefix]: link.url, ...(link.subTitle === undefined ? {} : { [`${prefix}_sub_title`]: link.subTitle }) }
  return fields as Partial<MemberCardBaseInfo>
}

/**
 * The `member_card` object of `/card/create`. Fixed choices: a QR code (the clerk scans it), no stock
 * limit to speak of, never expires, one card per person, WeChat-generated codes, balance but no
 * points, and activation on yima's page (auto_activate and wx_activate off), where the member is
 * registered before WeChat shows a balance.
 */
export function memberCardWire (s: MemberCardSpec): MemberCardWire {
  return {
    base_info: {
      logo_url: s.logoUrl,
      brand_name: s.brandName,
      code_type: 'CODE_TYPE_QRCODE',
      title: s.title,
      color: s.color,
      notice: s.notice,
      description: s.description,
      sku: { quantity: 100_000_000 },
      date_info: { type: 'DATE_TYPE_PERMANENT' },
      get_limit: 1,
      use_custom_code: false,
      ...linkFields('custom_url', s.customUrl),
      ...linkFields('promotion_url', s.promotionUrl),
      sub_merchant_info: { merchant_id: s.subMerchantId },
    },
    prerogative: s.prerogative,
    supply_bonus: false,
    supply_balance: true,
    auto_activate: false,
    wx_activate: false,
    activate_url: s.activateUrl,
  }
}

/** The `member_card` object of `/card/update`: only the fields given (base_info is always sent). */
export function memberCardChangesWire (c: MemberCardChanges): { base_info: Partial<MemberCardBaseInfo>, prerogative?: string, activate_url?: string } {
  const base: Partial<MemberCardBaseInfo> = {
    ...(c.logoUrl === undefined ? {} : { logo_url: c.logoUrl }),
    ...(c.title === undefined ? {} : { title: c.title }),
    ...(c.color === undefined ? {} : { color: c.color }),
    ...(c.notice === undefined ? {} : { notice: c.notice }),
    ...(c.description === undefined ? {} : { description: c.description }),
    ...linkFields('custom_url', c.customUrl),
    ...linkFields('promotion_url', c.promotionUrl),
  }
  return {
    base_info: base,
    ...(c.prerogative === undefined ? {} : { prerogative: c.prerogative }),
    ...(c.activateUrl === undefined ? {} : { activate_url: c.activateUrl }),
  }
}

const withSignal = (signal: AbortSignal | undefined): { signal?: AbortSignal } => (signal === undefined ? {} : { signal })

async function post<T> (api: string, accessToken: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return await wechatCall<T>(api, path, { query: { access_token: accessToken }, body, ...withSignal(signal) })
}

/** `POST /card/create` with card_type MEMBER_CARD. The card starts CARD_STATUS_NOT_VERIFY; `card_pass_check` follows. */
export async function createMemberCard (api: string, accessToken: string, card: MemberCardSpec, signal?: AbortSignal): Promise<{ card_id: string }> {
  const r = await post<{ card_id: string }>(api, accessToken, 'card/create', { card: { card_type: 'MEMBER_CARD', member_card: memberCardWire(card) } }, signal)
  return { card_id: r.card_id }
}

/**
 * `POST /card/update`. `send_check: true` means WeChat reviews the card again (it is
 * CARD_STATUS_NOT_VERIFY until `card_pass_check` / `card_not_pass_check`).
 */
export async function updateMemberCard (api: string, accessToken: string, cardId: string, changes: MemberCardChanges, signal?: AbortSignal): Promise<{ send_check: boolean }> {
  const r = await post<{ send_check?: boolean }>(api, accessToken, 'card/update', { card_id: cardId, member_card: memberCardChangesWire(changes) }, signal)
  return { send_check: r.send_check === true }
}

/**
 * The review state of a card (`POST /card/get`). WeChat sends the reason of a refusal in the
 * `card_not_pass_check` push (RefuseReason); `/card/get` documents none, so `refuse_reason` is
 * only there if an answer happens to carry one.
 */
export async function getCard (api: string, accessToken: string, cardId: string, signal?: AbortSignal): Promise<{ status: WechatCardStatus, refuse_reason?: string }> {
  const r = await post<{ card: Record<string, unknown> & { card_type: string } }>(api, accessToken, 'card/get', { card_id: cardId }, signal)
  const detail = r.card[r.card.card_type.toLowerCase()] as { base_info?: { status?: unknown, refuse_reason?: unknown } } | undefined
  const status = detail?.base_info?.status
  if (typeof status !== 'string') throw new Error(`WeChat /card/get answered no base_info.status for ${cardId}`)
  const reason = detail?.base_info?.refuse_reason
  return { status: status as WechatCardStatus, ...(typeof reason === 'string' && reason !== '' ? { refuse_reason: reason } : {}) }
}

/** `POST /card/delete`: no new claims; codes already in wallets keep working. */
export async function deleteCard (api: string, accessToken: string, cardId: string, signal?: AbortSignal): Promise<void> {
  await post(api, accessToken, 'card/delete', { card_id: cardId }, signal)
}

/** `POST /card/code/decrypt`: the code behind the `encrypt_code` the wallet puts in merchant URLs and wx.addCard answers. */
export async function decryptCode (api: string, accessToken: string, encryptCode: string, signal?: AbortSignal): Promise<string> {
  return (await post<{ code: string }>(api, accessToken, 'card/code/decrypt', { encrypt_code: encryptCode }, signal)).code
}

/** `POST /card/code/get` without the consume check, so a deleted or used code still reports its state. */
export async function getCode (api: string, accessToken: string, o: { code: string, cardId: string }, signal?: AbortSignal): Promise<{ openid: string, card_id: string, user_card_status: WechatUserCardStatus, can_consume: boolean }> {
  const r = await post<{ openid: string, card: { card_id: string }, user_card_status: WechatUserCardStatus, can_consume: boolean }>(
    api, accessToken, 'card/code/get', { code: o.code, card_id: o.cardId, check_consume: false }, signal)
  return { openid: r.openid, card_id: r.card.card_id, user_card_status: r.user_card_status, can_consume: r.can_consume }
}

/** `POST /card/membercard/activate`: the code becomes a member card with yima's member number (and a starting balance). */
export async function activateMemberCard (api: string, accessToken: string, o: { code: string, cardId: string, membershipNumber: string, initBalance?: Fen }, signal?: AbortSignal): Promise<void> {
  await post(api, accessToken, 'card/membercard/activate', {
    code: o.code,
    card_id: o.cardId,
    membership_number: o.membershipNumber,
    ...(o.initBalance === undefined ? {} : { init_balance: o.initBalance }),
  }, signal)
}

/**
 * `POST /card/membercard/updateuser` with the absolute `balance` (fen), never `add_balance`: yima's
 * ledger is the truth, so a retried or reordered push converges on it instead of adding twice.
 * `record` is the line the wallet shows (record_balance).
 */
export async function setMemberBalance (api: string, accessToken: string, o: { code: string, cardId: string, balanceFen: Fen, record: string }, signal?: AbortSignal): Promise<{ result_balance: number }> {
  const r = await post<{ result_balance: number }>(api, accessToken, 'card/membercard/updateuser', {
    code: o.code,
    card_id: o.cardId,
    balance: o.balanceFen,
    record_balance: o.record,
  }, signal)
  return { result_balance: r.result_balance }
}

/** `POST /card/submerchant/get`: a card sub-merchant's review state (40139 if not the caller's). */
export async function getSubMerchant (api: string, accessToken: string, merchantId: number, signal?: AbortSignal): Promise<WechatCardSubMerchant> {
  return (await post<{ info: WechatCardSubMerchant }>(api, accessToken, 'card/submerchant/get', { merchant_id: merchantId }, signal)).info
}

/**
 * The card api_ticket (`GET /cgi-bin/ticket/getticket?type=wx_card`). It lives 7200 s and the call
 * is rate-limited per account, so callers should cache it (WeChat: "须全局缓存").
 */
export async function getCardTicket (api: string, accessToken: string, signal?: AbortSignal): Promise<string> {
  return (await wechatCall<{ ticket: string }>(api, 'cgi-bin/ticket/getticket', { query: { access_token: accessToken, type: 'wx_card' }, ...withSignal(signal) })).ticket
}

/**
 * The cardExt signature (channels.md §4): sha1 of the values api_ticket, timestamp, nonce_str,
 * card_id and, when used, code and openid, sorted as strings and concatenated.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html#65
 */
export function cardExtSignature (o: { apiTicket: string, timestamp: string, nonceStr: string, cardId: string, code?: string, openid?: string }): string {
  const values = [o.apiTicket, o.timestamp, o.nonceStr, o.cardId, o.code, o.openid].filter((v): v is string => v !== undefined && v !== '')
  return createHash('sha1').update(values.sort().join('')).digest('hex')
}

/**
 * The `cardExt` JSON string `wx.addCard` takes. With `openid` only that user can claim the card;
 * `timestamp` is unix seconds, and each call needs its own (WeChat refuses a repeated cardExt).
 */
export function buildCardExt (o: { apiTicket: string, cardId: string, openid: string, timestamp: number, nonceStr?: string, code?: string, outerStr?: string }): string {
  if (!Number.isSafeInteger(o.timestamp)) throw new RangeError(`cardExt timestamp must be whole seconds: ${o.timestamp}`)
  const timestamp = String(o.timestamp)
  const nonceStr = o.nonceStr ?? randomBytes(16).toString('hex')
  const signature = cardExtSignature({ apiTicket: o.apiTicket, timestamp, nonceStr, cardId: o.cardId, openid: o.openid, ...(o.code === undefined ? {} : { code: o.code }) })
  return JSON.stringify({
    ...(o.code === undefined ? {} : { code: o.code }),
    openid: o.openid,
    timestamp,
    nonce_str: nonceStr,
    signature,
    ...(o.outerStr === undefined ? {} : { outer_str: o.outerStr }),
  })
}
