/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'
import { zPositiveFen } from './zod'

/**
 * The merchant's stored-value membership card (mission M1–M5, seed 000 配置会员卡), kept in the
 * WeChat card wallet (卡券 MEMBER_CARD, made by the SP's official account for the merchant's card
 * sub-merchant). yima's ledger is the truth; the wallet shows a copy of the balance.
 *
 * Money rules, in integer fen:
 * - A member's balance = principal (本金, what they paid) + bonus (赠送金, what recharges gave).
 * - A balance payment draws principal and bonus in proportion to what the member holds; its refund
 *   gives back exactly the parts it drew (a partial refund, the same proportion).
 * - principal, bonus ≥ 0 always; principal + bonus + recharges still being paid ≤ the card's cap.
 */

/** 卡券子商户 review states, as WeChat names them (`/card/submerchant/get`). */
export const CARD_SUB_MERCHANT_STATUSES = {
  CHECKING: '审核中',
  APPROVED: '审核通过',
  REJECTED: '审核未通过',
  EXPIRED: '已过期',
} as const
export type CardSubMerchantStatus = keyof typeof CARD_SUB_MERCHANT_STATUSES

/** Card review (卡券审核): the WeChat card status. */
export const MEMBER_CARD_STATUSES = {
  reviewing: '审核中',
  approved: '审核通过',
  rejected: '审核未通过',
} as const
export type MemberCardStatus = keyof typeof MEMBER_CARD_STATUSES

export const RECHARGE_MODES = { fixed: '固定金额', any: '任意金额' } as const
export type RechargeMode = keyof typeof RECHARGE_MODES

/** WeChat's card colours (Color010 … Color100), the only ones `/card/create` accepts. */
export const CARD_COLORS = {
  Color010: '#63b359',
  Color020: '#2c9f67',
  Color030: '#509fc9',
  Color040: '#5885cf',
  Color050: '#9062c0',
  Color060: '#d09a45',
  Color070: '#e4b138',
  Color080: '#ee903c',
  Color081: '#f08500',
  Color082: '#a9d92d',
  Color090: '#dd6549',
  Color100: '#cc463d',
} as const
export type CardColor = keyof typeof CARD_COLORS

/** A recharge of a fixed-amount card: pay `amountFen`, get `bonusFen` more. */
export const RechargeTier = z.object({
  amountFen: zPositiveFen,
  bonusFen: z.number().int().nonnegative().max(100_000_000),
})
export type RechargeTier = z.infer<typeof RechargeTier>

/** One recharge at most ¥50,000; the cap at most ¥1,000,000 (both far above any real card). */
export const MAX_RECHARGE_FEN = 5_000_000
export const MAX_BALANCE_CAP_FEN = 100_000_000

const cardText = (max: number, label: string) => z.string().trim().min(1, `请填写${label}`).max(max, `${label}最多 ${max} 个字`)

const memberCardFields = {
  title: cardText(9, '卡名称'),
  logoUrl: z.url('请填写商户 Logo 的图片地址').max(1024),
  color: z.enum(Object.keys(CARD_COLORS) as [CardColor, ...CardColor[]], { message: '请选择卡面颜色' }),
  notice: cardText(16, '使用提醒'),
  description: cardText(1024, '使用说明'),
  rechargeMode: z.enum(['fixed', 'any'], { message: '请选择充值模式' }),
  /** fixed: 1–8 tiers with distinct amounts; any: none (no bonus). */
  tiers: z.array(RechargeTier).max(8, '最多 8 档充值金额'),
  balanceCapFen: z.number().int().positive('请填写余额上限').max(MAX_BALANCE_CAP_FEN, '余额上限最多 1000000 元'),
}

/** The rules across fields, for a new card and for a card after an edit alike. */
function checkCard (b: { rechargeMode: RechargeMode, tiers: RechargeTier[], balanceCapFen: number }, ctx: z.RefinementCtx): void {
  if (b.rechargeMode === 'fixed' && b.tiers.length === 0) ctx.addIssue({ code: 'custom', path: ['tiers'], message: '固定金额模式至少设置一档充值金额' })
  if (b.rechargeMode === 'any' && b.tiers.length > 0) ctx.addIssue({ code: 'custom', path: ['tiers'], message: '任意金额模式不赠送余额，请不要设置充值档位' })
  if (new Set(b.tiers.map((t) => t.amountFen)).size !== b.tiers.length) ctx.addIssue({ code: 'custom', path: ['tiers'], message: '充值档位金额不能重复' })
  b.tiers.forEach((t, i) => {
    if (t.amountFen > MAX_RECHARGE_FEN) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'amountFen'], message: '单次充值最多 50000 元' })
    else if (t.amountFen + t.bonusFen > b.balanceCapFen) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'amountFen'], message: '充值金额加赠送金额超过了余额上限' })
  })
}

/** Create (M2): every field. Amounts in fen. */
export const MemberCardBody = z.object({ ...memberCardFields, tiers: memberCardFields.tiers.default([]) }).superRefine(checkCard)
/** Edit: any subset; the card after the edit must pass MemberCardBody's rules. */
export const MemberCardPatch = z.object(memberCardFields).partial()
export type MemberCardPatch = z.infer<typeof MemberCardPatch>
export const checkMemberCard = (card: z.input<typeof MemberCardBody>): MemberCardBody => MemberCardBody.parse(card)
export type MemberCardBody = z.infer<typeof MemberCardBody>

export const CardSubMerchantBody = z.object({
  /** 卡券子商户ID (not the WeChat Pay sub_mch_id): digits. */
  cardSubMerchantId: z.string().trim().regex(/^\d{1,12}$/, '卡券子商户ID 是数字'),
})
export type CardSubMerchantBody = z.infer<typeof CardSubMerchantBody>

/** M1 as the console shows it: the SP's card permission and the merchant's card sub-merchant. */
export interface CardSetupDto {
  /** The SP's official account authorized 微信卡券权限 (func 8) to the platform. */
  cardPermission: boolean
  cardSubMerchantId: string | null
  cardSubMerchantStatus: CardSubMerchantStatus | null
  /** WeChat's reason when rejected. */
  cardSubMerchantReason: string | null
  syncedAt: string | null
}

export interface MemberCardDto {
  id: string
  merchantId: string
  wxCardId: string
  title: string
  logoUrl: string
  color: CardColor
  notice: string
  description: string
  rechargeMode: RechargeMode
  tiers: RechargeTier[]
  balanceCapFen: number
  status: MemberCardStatus
  refuseReason: string | null
  /** Once approved: the page customers open in WeChat to claim (领取会员卡链接), and to recharge (充值二维码). */
  claimUrl: string | null
  rechargeUrl: string | null
  memberCount: number
  /** Sum of every member's balance: the card can be deleted only at 0. */
  totalBalanceFen: number
  createdAt: string
  updatedAt: string
}

/** The merchant's card page in the console: setup, and the card if there is one. */
export interface MerchantCardDto { setup: CardSetupDto, card: MemberCardDto | null }

export const MEMBER_STATES = {
  claimed: '待激活',
  active: '已激活',
  /** Imported from a legacy system: has a balance, not yet in anyone's wallet. */
  imported: '待领卡',
  removed: '已从卡包删除',
} as const
export type MemberState = keyof typeof MEMBER_STATES

export interface MemberDto {
  id: string
  cardId: string
  state: MemberState
  name: string | null
  phone: string | null
  /** The wallet code (会员卡号); null for an imported member not yet claimed. */
  code: string | null
  principalFen: number
  bonusFen: number
  balanceFen: number
  createdAt: string
  activatedAt: string | null
}

/** What changed a balance (M5); each entry moves one pot. */
export const LEDGER_KINDS = {
  recharge: '充值',
  recharge_bonus: '充值赠送',
  payment: '余额付款',
  payment_refund: '余额付款退款',
  adjustment: '余额调整',
  import: '旧卡余额导入',
} as const
export type LedgerKind = keyof typeof LEDGER_KINDS

export const LEDGER_POTS = { principal: '本金', bonus: '赠送金' } as const
export type LedgerPot = keyof typeof LEDGER_POTS

/** The store of entries not made at a store: recharges by the card's QR code or from the wallet. */
export const ONLINE_STORE_NAME = '线上门店'

export interface LedgerEntryDto {
  id: string
  memberId: string
  kind: LedgerKind
  pot: LedgerPot
  /** Signed: + credits, − debits. */
  amountFen: number
  /** The member's balances right after this entry. */
  principalAfterFen: number
  bonusAfterFen: number
  /** null = the merchant's online store (线上门店). */
  storeId: string | null
  storeName: string
  /** The recharge order, balance payment or import that made it. */
  orderId: string | null
  paymentId: string | null
  reason: string | null
  /** Who did it when a person did (adjustments, imports, refunds): staff id and name. */
  operatorName: string | null
  createdAt: string
}

export interface LedgerPageDto { object: 'list', data: LedgerEntryDto[], hasMore: boolean, nextCursor: string | null }

/** A ledger query: a time range (China time, at most 92 days), newest first, keyset pages. */
export const LedgerQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
export type LedgerQuery = z.infer<typeof LedgerQuery>

export const MemberSearchQuery = z.object({
  /** A phone number (or its start) or a name (or part of it). */
  q: z.string().trim().min(1, '请输入手机号或姓名').max(40),
})
export type MemberSearchQuery = z.infer<typeof MemberSearchQuery>

export const BalanceLedgerQuery = LedgerQuery.extend({
  phone: z.string().trim().regex(/^1\d{10}$/, '请输入 11 位手机号'),
})
export type BalanceLedgerQuery = z.infer<typeof BalanceLedgerQuery>

/** M4: change a balance by hand, with the reason recorded with the operator. */
export const AdjustBalanceBody = z.object({
  pot: z.enum(['principal', 'bonus']).default('principal'),
  /** Signed, non-zero: + adds, − takes away. */
  amountFen: z.number().int().refine((n) => n !== 0, '调整金额不能为 0').refine((n) => Math.abs(n) <= MAX_BALANCE_CAP_FEN, '调整金额过大'),
  reason: z.string().trim().min(1, '请填写调整原因').max(100),
})
export type AdjustBalanceBody = z.infer<typeof AdjustBalanceBody>

/**
 * Legacy balances (旧会员卡余额导入) as CSV, UTF-8, with a header row:
 * `手机号,姓名,本金,赠送金` — amounts in yuan with at most two decimals; 赠送金 may be empty.
 */
export const IMPORT_CSV_HEADER = ['手机号', '姓名', '本金', '赠送金'] as const
export const MAX_IMPORT_ROWS = 5000
export const ImportMembersBody = z.object({ csv: z.string().min(1, '请选择 CSV 文件').max(1_000_000, 'CSV 文件过大（最多 1 MB）') })
export type ImportMembersBody = z.infer<typeof ImportMembersBody>

export interface ImportRejectedRow { line: number, phone: string, reason: string }
/** 200 only when every row was imported; otherwise the 400 `import_rejected` error carries `details.rejected`. */
export interface ImportReportDto { imported: number, principalFen: number, bonusFen: number }

export const RefundCardPaymentBody = z.object({
  amountFen: zPositiveFen,
  reason: z.string().trim().max(80).optional(),
})
export type RefundCardPaymentBody = z.infer<typeof RefundCardPaymentBody>

export interface CardPaymentDto {
  id: string
  memberId: string
  storeId: string | null
  storeName: string
  amountFen: number
  principalFen: number
  bonusFen: number
  refundedFen: number
  remark: string | null
  createdAt: string
}

// ── The customer's side (h5, the payer cookie of WeChat OAuth on the SP's account) ──

export interface CustomerCardDto {
  id: string
  title: string
  logoUrl: string
  color: string
  notice: string
  description: string
  merchantName: string
  rechargeMode: RechargeMode
  tiers: RechargeTier[]
  balanceCapFen: number
  maxRechargeFen: number
  /** false: not approved yet (or back in review after an edit) and this customer does not hold it. */
  available: boolean
  /** This customer's membership; null until they claim the card. */
  member: MemberDto | null
  platform: 'wechat' | 'alipay' | 'other'
  /** false: the page must send the phone to `authUrl` (WeChat OAuth) first. */
  payerKnown: boolean
  authUrl: string
  bridgeScriptUrl?: string
  /** When opened from a store's one-code page: that store (recharges count under it). */
  store: { code: string, name: string } | null
}

/** `wx.addCard` arguments (JS-SDK, the bridge's `batchAddCard`): the card and its signed cardExt. */
export interface AddCardParamsDto { cardId: string, cardExt: string }

export const ClaimCardBody = z.object({ encryptCode: z.string().min(1).max(200) })
export type ClaimCardBody = z.infer<typeof ClaimCardBody>

export const ActivateCardBody = z.object({
  name: z.string().trim().min(1, '请填写姓名').max(20),
  phone: z.string().trim().regex(/^1\d{10}$/, '请输入 11 位手机号'),
})
export type ActivateCardBody = z.infer<typeof ActivateCardBody>

/** The customer's own ledger: one China day (YYYY-MM-DD, default today) or a range of up to 31 days. */
export const CustomerLedgerQuery = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  days: z.coerce.number().int().min(1).max(31).default(1),
})
export type CustomerLedgerQuery = z.infer<typeof CustomerLedgerQuery>

export const RechargeBody = z.object({
  /** fixed mode: the tier's amount; any mode: the amount. */
  amountFen: zPositiveFen,
  /** From a store's one-code page: the code, so the recharge counts under that store. */
  code: z.string().max(64).optional(),
})
export type RechargeBody = z.infer<typeof RechargeBody>

export interface RechargeDto {
  orderId: string
  amountFen: number
  bonusFen: number
  status: 'pending' | 'credited' | 'failed'
  /** Present when just created: the WeChat Pay JSAPI parameters. */
  bridge?: { type: 'wechat_jsapi', appId: string, timeStamp: string, nonceStr: string, package: string, signType: string, paySign: string }
  member: MemberDto
}

export const CardPayBody = z.object({
  /** The store's one-code (the page it is paid on). */
  code: z.string().min(1).max(64),
  amountFen: zPositiveFen,
  remark: z.string().trim().max(40).optional(),
})
export type CardPayBody = z.infer<typeof CardPayBody>
