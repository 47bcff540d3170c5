/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'

/**
 * WeChat Pay vouchers (代金券) and pay-complete marketing (mission C1–C4, seed 002, seed 000 腾券发券手册).
 * A batch (stock) is created and activated in the WeChat Pay back office; yima imports it by stock
 * id, shows its rules, and hands its vouchers out: as a card-opening gift (开卡有礼), a spend gift
 * (消费有礼), on the pay-complete page (a main voucher and a reward one) and on the merchant's voucher
 * page. WeChat applies a voucher by itself when an order's goods_tag matches the batch's.
 */

/**
 * The six redemption scenarios (seed 002 微信优惠券导入): the batch's 订单优惠标记 decide where its
 * vouchers redeem and whether they combine with the merchant's other vouchers. A batch has exactly
 * one; a store's orders carry the store's goods_tag (MUTEX_STORE or NO_MUTEX_STORE).
 */
export const VOUCHER_SCENARIOS = {
  store_mutex: { label: '门店收银 · 互斥', tags: ['MUTEX_STORE'] },
  store: { label: '门店收银 · 不互斥', tags: ['MUTEX_STORE', 'NO_MUTEX_STORE'] },
  online_mutex: { label: '线上商城 · 互斥', tags: ['MUTEX_ONLINE'] },
  online: { label: '线上商城 · 不互斥', tags: ['MUTEX_ONLINE', 'NO_MUTEX_ONLINE'] },
  both_mutex: { label: '门店收银、线上商城 · 互斥', tags: ['MUTEX_STORE', 'MUTEX_ONLINE'] },
  both: { label: '门店收银、线上商城 · 不互斥', tags: ['MUTEX_STORE', 'MUTEX_ONLINE', 'NO_MUTEX_STORE', 'NO_MUTEX_ONLINE'] },
} as const satisfies Record<string, { label: string, tags: readonly string[] }>
export type VoucherScenario = keyof typeof VOUCHER_SCENARIOS

/** The scenario whose tags are exactly `tags` (any order), or undefined. */
export function scenarioOf (tags: readonly string[]): VoucherScenario | undefined {
  const given = [...new Set(tags)].sort().join(',')
  return (Object.keys(VOUCHER_SCENARIOS) as VoucherScenario[]).find((k) => [...VOUCHER_SCENARIOS[k].tags].sort().join(',') === given)
}

/** Seed 002: 优惠券可用时间需在 90 天内. */
export const MAX_VOUCHER_DAYS = 90
export const MAX_REWARD_BATCHES = 3

/** How yima may hand a batch out; any combination. */
export const VOUCHER_USES = {
  card_gift: '开卡有礼',
  spend_gift: '消费有礼',
  main: '支付完成页主券',
  reward: '支付完成页奖励券',
} as const
export type VoucherUse = keyof typeof VOUCHER_USES

export const ImportVoucherBatchBody = z.object({
  /** 批次号 of a batch created and activated in the WeChat Pay back office. */
  stockId: z.string().trim().regex(/^\d{6,20}$/, '批次号是 6–20 位数字'),
  /** 制券商户号: the merchant id that created the batch (the SP's, or one of the merchant's own). */
  creatorMchId: z.string().trim().regex(/^\d{8,12}$/, '制券商户号为 8–12 位数字'),
})
export type ImportVoucherBatchBody = z.infer<typeof ImportVoucherBatchBody>

export const UpdateVoucherBatchBody = z.object({
  uses: z.array(z.enum(['card_gift', 'spend_gift', 'main', 'reward'])).refine((u) => new Set(u).size === u.length, '用途重复').optional(),
  /** 消费有礼: a payment of at least this much (fen) earns a voucher. */
  spendGiftMinFen: z.number().int().min(1).max(100_000_000).nullable().optional(),
  /** 下架: no voucher of this batch is handed out while paused. */
  paused: z.boolean().optional(),
})
export type UpdateVoucherBatchBody = z.infer<typeof UpdateVoucherBatchBody>

/** 下架某门店的发券能力: that store's payments and pay-complete pages hand out none of this batch. */
export const StorePauseBody = z.object({ paused: z.boolean() })
export type StorePauseBody = z.infer<typeof StorePauseBody>

export interface VoucherBatchDto {
  id: string
  merchantId: string
  stockId: string
  creatorMchId: string
  name: string
  /** 面额 and 门槛 in fen. */
  amountFen: number
  thresholdFen: number
  /** 预充值 (false: WeChat settles the discount to the merchant) or 免充值 (true: the merchant bears it). */
  noCash: boolean
  availableFrom: string
  availableTo: string
  maxPerUser: number
  maxCoupons: number
  distributed: number
  /** WeChat's status of the batch: running, paused, stoped, unactivated. */
  wechatStatus: string
  scenario: VoucherScenario
  goodsTags: string[]
  uses: VoucherUse[]
  spendGiftMinFen: number | null
  paused: boolean
  /** Stores whose issuing is paused for this batch. */
  pausedStoreIds: string[]
  /** Vouchers yima handed out, and how many were used. */
  issued: number
  redeemed: number
  syncedAt: string
}

// ── Merchant WeChat Pay credentials for issuing (seed 002 微信API证书配置) ──

const pem = z.string().trim().max(10000).refine((s) => /-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/.test(s), '证书私钥须为 PEM 格式（apiclient_key.pem 的内容）')

/** Several merchant ids (多商户号配置) share one certificate and key. */
export const MerchantPayCredentialsBody = z.object({
  mchIds: z.array(z.string().trim().regex(/^\d{8,12}$/, '微信商户号为 8–12 位数字')).min(1, '至少填写一个微信商户号').max(10)
    .refine((ids) => new Set(ids).size === ids.length, '微信商户号重复'),
  privateKey: pem,
  certificateSerial: z.string().trim().regex(/^[0-9A-Fa-f]{8,40}$/, '证书序列号为十六进制'),
  apiV3Key: z.string().regex(/^[0-9A-Za-z]{32}$/, 'APIv3 密钥由 32 个字符组成，只允许数字和英文大小写字母'),
})
export type MerchantPayCredentialsBody = z.infer<typeof MerchantPayCredentialsBody>

/** What is stored, never the secrets. */
export interface MerchantPayCredentialsDto { mchIds: string[], certificateSerial: string, secrets: { privateKey: boolean, apiV3Key: boolean }, updatedAt: string }

export interface VoucherSetupDto {
  credentials: MerchantPayCredentialsDto | null
  batches: VoucherBatchDto[]
  /** The merchant's voucher page (商户二维码): open in WeChat to claim its vouchers. */
  pageUrl: string
}

// ── Customers ──

/** A voucher the customer may claim, as a page shows it. */
export interface VoucherOfferDto {
  batchId: string
  name: string
  amountFen: number
  thresholdFen: number
  availableTo: string
  role: 'main' | 'reward' | 'page'
  /** This customer's claims of the batch so far, and the batch's per-user limit. */
  claimed: number
  maxPerUser: number
}

/** On the pay-complete page (C3): the main voucher and one reward batch picked at random. */
export interface PayCompleteOffersDto { offers: VoucherOfferDto[] }

export const ClaimVoucherBody = z.object({
  batchId: z.string().min(1).max(64),
  /** The payment whose pay-complete page offered it (attribution to its store), if any. */
  orderId: z.string().max(64).optional(),
})
export type ClaimVoucherBody = z.infer<typeof ClaimVoucherBody>

export interface ClaimedVoucherDto { batchId: string, couponId: string, name: string, amountFen: number, thresholdFen: number, availableTo: string }

export interface MerchantVoucherPageDto {
  merchant: { name: string, shortName: string, logoUrl: string | null }
  offers: VoucherOfferDto[]
  platform: 'wechat' | 'alipay' | 'other'
  payerKnown: boolean
  authUrl: string
}
