import { eq } from 'drizzle-orm'
import {
  AppError,
  fen,
  fenToYuanString,
  MAX_PAY_FEN,
  MAX_PAY_QUANTITY,
  MAX_REMARK_LENGTH,
  mulFen,
  type CreatedPayOrderDto,
  type CreatePayOrderBody,
  type Fen,
  type PayAd,
  type PayBridgeParams,
  type PayerPlatform,
  type PayOrderDto,
  type PayPageDto,
  type ScanProblem,
  type SourceType,
} from '@yima/shared'
import type { Clock } from '../../clock'
import type { ChannelHosts } from '../../config'
import type { Db } from '../../db/client'
import type { AlipayApp } from '../../channels/alipay/app-auth'
import { exchangeUserAuthCode, userAuthorizationUrl } from '../../channels/alipay/user-auth'
import type { ClientPayParams } from '../../channels/types'
import { QR_PROBLEMS, QrResolver, type ResolvedQr } from '../qr-codes/resolve'
import type { OAuthTarget } from '../tenancy/official-account.service'
import type { TenancyServices } from '../tenancy/routes'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { ALL_SCOPE } from '../tenancy/scope'
import { ScanProblemError } from '../tenancy/staff.service'
import { stores, type MerchantRow, type ServiceProviderRow } from '../tenancy/tenancy.schema'
import type { Payer } from './payer-session'
import { orders, type OrderRow } from './payment.schema'
import type { PaymentService } from './payment.service'

export interface PayDeps {
  db: Db
  clock: Clock
  tokens: ScanTokens
  tenancy: TenancyServices
  payments: PaymentService
  publicUrl: string
  channels: Pick<ChannelHosts, 'alipayGateway' | 'alipayOpenAuthUrl'>
  /** The merchant's membership card on the pay page (M3); absent where cards are not wired. */
  cards?: { payPageCard: (merchantId: string, storeId: string, payer: Payer | undefined) => Promise<PayPageDto['memberCard']> }
  /** The sandbox's JS bridge shims (PAY_BRIDGE_BASE_URL); null against the real apps. */
  bridgeScripts: { wechat: string, alipay: string } | null
}

const AUTH_PURPOSE = 'pay_auth'
const STATE_TTL_SEC = 10 * 60
/** The page polls every second or two; the channel is asked at most this often per order. */
export const REFRESH_AFTER_MS = 3000
/** WeChat Pay v3 `description` is at most 127 characters (Alipay's subject allows 256). */
const DESCRIPTION_MAX = 127

/** The appid WeChat Pay JSAPI charges under (PaymentService's sp_appid): a payer's openid must belong to it. */
const wechatPayAppId = (sp: ServiceProviderRow): string | null => sp.oaAuthorizerAppId ?? sp.wxOaAppId

const appIdFor = (platform: Payer['platform'], sp: ServiceProviderRow): string | null =>
  platform === 'wechat' ? wechatPayAppId(sp) : sp.alipayAppId

/**
 * Cloud Pay's source_type for a code: 1 the store's own code (一码付), 2 a code made for a clerk
 * (店员外出收款码), 3 a printed blank bound later (绑定的空码, whether to a store or a clerk),
 * 4 fixed amount. Reports and `query_order_list` filter on it, so a bound blank keeps its own value.
 */
function sourceTypeOf (qr: ResolvedQr): SourceType {
  if (qr.kind === 'fixed_amount') return 'fixed_amount_qr'
  if (qr.fromBatch) return 'bound_qr'
  return qr.kind === 'staff' ? 'staff_outdoor_qr' : 'one_code'
}

const truncate = (s: string, max: number): string => Array.from(s).slice(0, max).join('')

/**
 * The customer's side of one-code pay (P1): what the page shows for a code, who the payer is
 * (WeChat OAuth / Alipay auth_base, kept in the payer cookie by the routes), the order with the
 * bridge parameters, and the order as its payer polls it.
 */
export class PayService {
  readonly #resolver: QrResolver

  constructor (private readonly deps: PayDeps) {
    this.#resolver = new QrResolver(deps)
  }

  /** `GET /v1/public/pay/:code`. A code that cannot take payments throws its qr error (404/409). */
  async page (code: string, platform: PayerPlatform, payer: Payer | undefined): Promise<PayPageDto> {
    const qr = await this.#resolver.resolve(code)
    const sp = await this.deps.tenancy.sps.row(ALL_SCOPE, qr.serviceProvider.id)
    const known = platform !== 'other' && payer !== undefined && payer.platform === platform && payer.appId === appIdFor(platform, sp)
    const bridge = this.deps.bridgeScripts
    const memberCard = await this.deps.cards?.payPageCard(qr.merchant.id, qr.store.id, known ? payer : undefined)
    return {
      code: qr.code,
      kind: qr.kind,
      store: { name: qr.store.name, branchName: qr.store.branchName },
      merchant: { name: qr.merchant.name, shortName: qr.merchant.shortName, logoUrl: qr.merchant.logoUrl },
      serviceProvider: { shortName: qr.serviceProvider.shortName, logoUrl: qr.serviceProvider.logoUrl },
      ...(qr.staff === undefined ? {} : { staffName: qr.staff.name }),
      ...(qr.unitPriceFen === undefined ? {} : { unitPriceFen: qr.unitPriceFen }),
      ...(qr.kind === 'fixed_amount' && qr.name !== null ? { itemName: qr.name } : {}),
      limits: {
        minFen: 1,
        maxFen: MAX_PAY_FEN,
        // A unit price near the cap leaves fewer units per payment (possibly none).
        maxQuantity: qr.unitPriceFen === undefined ? MAX_PAY_QUANTITY : Math.min(MAX_PAY_QUANTITY, Math.floor(MAX_PAY_FEN / qr.unitPriceFen)),
        remarkMaxLength: MAX_REMARK_LENGTH,
      },
      platform,
      payerKnown: known,
      authUrl: `${this.deps.publicUrl}/pay/auth?${new URLSearchParams({ code: qr.code }).toString()}`,
      ...(bridge === null || platform === 'other' ? {} : { bridgeScriptUrl: platform === 'wechat' ? bridge.wechat : bridge.alipay }),
      ...(bridge === null ? {} : { simulator: true }),
      ...(memberCard === undefined ? {} : { memberCard }),
    }
  }

  /**
   * Where `/pay/auth` sends the phone: the app's silent authorization under the SP's official
   * account or Alipay app, back to `/pay/oauth/<app>/callback`. Throws ScanProblemError (the
   * routes show its page).
   */
  async authorizeUrl (code: string, platform: PayerPlatform): Promise<string> {
    if (platform === 'other') throw new ScanProblemError('unsupported_app')
    const { qr, sp } = await this.#scanned(code)
    const state = this.deps.tokens.sign({ purpose: AUTH_PURPOSE, code: qr.code, platform }, STATE_TTL_SEC)
    if (platform === 'wechat') {
      if (!qr.store.paymentTypes.includes('wechat_pay')) throw new ScanProblemError('payment_type_not_accepted')
      return this.deps.tenancy.officialAccounts.authorizeUrl(this.#wechatTarget(sp), `${this.deps.publicUrl}/pay/oauth/wechat/callback`, state)
    }
    if (!qr.store.paymentTypes.includes('alipay')) throw new ScanProblemError('payment_type_not_accepted')
    const isv = await this.#alipayApp(qr.merchant.id)
    if (isv === undefined) throw new ScanProblemError('alipay_not_enabled')
    return userAuthorizationUrl({ appId: isv.appId, openAuthUrl: this.deps.channels.alipayOpenAuthUrl }, `${this.deps.publicUrl}/pay/oauth/alipay/callback`, state)
  }

  /**
   * The app's redirect back: the code becomes the payer (openid / Alipay buyer). `payer` is
   * absent when the code was spent by an earlier load of the same redirect (phone browsers load
   * some redirects twice) and the cookie of that load already holds this SP's payer.
   */
  async completeAuthorization (platform: Payer['platform'], state: string, authCode: string, current: Payer | undefined): Promise<{ code: string, payer?: Payer }> {
    const failed: ScanProblem = platform === 'wechat' ? 'openid_failed' : 'alipay_auth_failed'
    const claims = this.deps.tokens.verify<{ code?: unknown, platform?: unknown }>(state, AUTH_PURPOSE)
    if (claims === undefined || claims.platform !== platform || typeof claims.code !== 'string' || authCode === '') throw new ScanProblemError(failed)
    const { qr, sp } = await this.#scanned(claims.code)
    try {
      return { code: qr.code, payer: await this.#exchange(platform, qr, sp, authCode) }
    } catch (err) {
      if (err instanceof ScanProblemError && err.problem === failed && current?.platform === platform && current.appId === appIdFor(platform, sp)) return { code: qr.code }
      throw err
    }
  }

  /**
   * `POST /v1/public/pay/orders`: checks the code and the amount rules, writes the order with its
   * attribution and asks the channel for the bridge parameters. A channel that cannot be reached
   * or refuses is `channel_unavailable` (503); see README for what happens to that order.
   */
  async createOrder (payer: Payer, body: CreatePayOrderBody): Promise<CreatedPayOrderDto> {
    const qr = await this.#resolver.resolve(body.code)
    const { amountFen, quantity } = amountOf(qr, body)
    const sp = await this.deps.tenancy.sps.row(ALL_SCOPE, qr.serviceProvider.id)
    // A cookie from another SP's account (another shop's code scanned earlier): authorize again.
    if (payer.appId !== appIdFor(payer.platform, sp)) throw new AppError('authentication', 'payer_unknown')
    // S1: the store chose which channels it takes.
    if (!qr.store.paymentTypes.includes(payer.platform === 'wechat' ? 'wechat_pay' : 'alipay')) throw new AppError('conflict', 'payment_type_not_accepted')
    if (payer.platform === 'alipay' && await this.#alipayApp(qr.merchant.id) === undefined) throw new AppError('conflict', 'alipay_not_enabled')
    const item = quantity === undefined ? '' : ` ${qr.name ?? '商品'}×${quantity}`
    const remark = body.remark === undefined || body.remark === '' ? undefined : body.remark
    let created: Awaited<ReturnType<PaymentService['create']>>
    try {
      created = await this.deps.payments.create({
        merchantId: qr.merchant.id,
        storeId: qr.store.id,
        ...(qr.staff === undefined ? {} : { staffId: qr.staff.id }),
        qrCodeId: qr.qrCodeId,
        sourceType: sourceTypeOf(qr),
        tradeType: 'one_code',
        method: payer.platform === 'wechat' ? 'wechat_jsapi' : 'alipay_jsapi',
        amountFen,
        ...(quantity === undefined ? {} : { quantity }),
        description: truncate(`${qr.merchant.shortName}-${qr.store.name}${item}`, DESCRIPTION_MAX),
        ...(remark === undefined ? {} : { remark }),
        payerId: payer.payerId,
        // C2: the store's tag lets WeChat apply the merchant's vouchers to this payment.
        ...(qr.store.goodsTag === null ? {} : { goodsTag: qr.store.goodsTag }),
      })
    } catch (err) {
      // Configuration problems are AppErrors and say what is wrong; anything else came from the
      // channel call (a transport failure the adapter did not turn into `unknown`).
      if (err instanceof AppError) throw err
      throw new AppError('unavailable', 'channel_unavailable', undefined, { cause: err })
    }
    const { order, clientParams } = created
    const bridge = bridgeOf(clientParams)
    // unknown (timeout, 5xx) leaves the order pending, failed ends it; either way the page has no
    // bridge parameters, so this order can never be paid and the customer may simply try again.
    if (order.status !== 'pending' || bridge === undefined) {
      throw new AppError('unavailable', 'channel_unavailable', undefined, { details: { orderId: order.id, status: order.status } })
    }
    return { orderId: order.id, outTradeNo: order.outTradeNo, amountFen: order.amountFen, bridge }
  }

  /**
   * `GET /v1/public/pay/orders/:id` for the payer who created it; anyone else gets the same 404 as
   * for an order that does not exist. While unpaid, the channel is asked at most every few seconds.
   */
  async order (payer: Payer, id: string): Promise<PayOrderDto> {
    let [order] = await this.deps.db.select().from(orders).where(eq(orders.id, id))
    const platform = payer.platform === 'wechat' ? 'wechat_pay' : 'alipay'
    if (order === undefined || order.tradeType !== 'one_code' || order.payerId !== payer.payerId || order.payPlatform !== platform) {
      throw new AppError('not_found', 'order_not_found', undefined, { param: 'id' })
    }
    const unfinished = order.status === 'created' || order.status === 'pending'
    if (unfinished && this.deps.clock.now().getTime() - order.updatedAt.getTime() > REFRESH_AFTER_MS) {
      order = await this.deps.payments.refresh(order.id)
    }
    return await this.#orderDto(order)
  }

  async #orderDto (order: OrderRow): Promise<PayOrderDto> {
    const [store] = order.storeId === null
      ? []
      : await this.deps.db.select({ name: stores.name, branchName: stores.branchName }).from(stores).where(eq(stores.id, order.storeId))
    const merchant = await this.deps.tenancy.merchants.row(ALL_SCOPE, order.merchantId)
    const sp = await this.deps.tenancy.sps.row(ALL_SCOPE, order.spId)
    return {
      orderId: order.id,
      outTradeNo: order.outTradeNo,
      status: order.status,
      amountFen: order.amountFen,
      discountFen: order.discountFen,
      quantity: order.quantity,
      remark: order.remark,
      paidAt: order.paidAt?.toISOString() ?? null,
      store: store ?? { name: merchant.shortName, branchName: null },
      merchant: { shortName: merchant.shortName, logoUrl: merchant.logoUrl },
      ads: [adOf('service_provider', sp), adOf('merchant', merchant)].filter((a): a is PayAd => a !== undefined),
      payCompleteUrl: sp.payCompleteUrl,
    }
  }

  /** The code and its SP, or the problem page the phone should land on. */
  async #scanned (code: string): Promise<{ qr: ResolvedQr, sp: ServiceProviderRow }> {
    const r = await this.#resolver.inspect(code)
    if (!r.ok) throw new ScanProblemError(QR_PROBLEMS[r.problem].page)
    return { qr: r.qr, sp: await this.deps.tenancy.sps.row(ALL_SCOPE, r.qr.serviceProvider.id) }
  }

  /** OAuth on the SP's official account, which must be the account WeChat Pay charges under. */
  #wechatTarget (sp: ServiceProviderRow): OAuthTarget {
    const target = this.deps.tenancy.officialAccounts.target(sp)
    if (target.appId !== wechatPayAppId(sp)) throw new ScanProblemError('appid_mismatch')
    return target
  }

  /**
   * The SP's Alipay app, when this merchant can take Alipay: without the merchant's
   * app_auth_token a trade would be the ISV's own, so the money would go to the wrong account.
   */
  async #alipayApp (merchantId: string): Promise<AlipayApp | undefined> {
    const merchant: MerchantRow = await this.deps.tenancy.merchants.row(ALL_SCOPE, merchantId)
    if (merchant.alipayAppAuthTokenSealed === null) return undefined
    try {
      const c = await this.deps.payments.credentials(this.deps.db, merchant.id, 'alipay')
      if (c.channel !== 'alipay') return undefined
      return { appId: c.appId, privateKey: c.privateKey, alipayPublicKey: c.alipayPublicKey, gateway: this.deps.channels.alipayGateway }
    } catch (err) {
      if (err instanceof AppError && err.code === 'alipay_not_configured') return undefined
      throw err
    }
  }

  async #exchange (platform: Payer['platform'], qr: ResolvedQr, sp: ServiceProviderRow, authCode: string): Promise<Payer> {
    if (platform === 'wechat') {
      const target = this.#wechatTarget(sp)
      // A refused code (spent, expired) is ScanProblemError('openid_failed').
      const { openid } = await this.deps.tenancy.officialAccounts.exchange(target, authCode)
      return { platform, appId: target.appId, payerId: openid }
    }
    const isv = await this.#alipayApp(qr.merchant.id)
    if (isv === undefined) throw new ScanProblemError('alipay_not_enabled')
    // Refused (spent or expired code), unreachable or unverifiable: either way there is no buyer.
    const buyer = await exchangeUserAuthCode(isv, authCode).catch(() => { throw new ScanProblemError('alipay_auth_failed') })
    // user_id where Alipay still gives it (the adapter sends it as buyer_id), else the per-app open_id.
    return { platform, appId: isv.appId, payerId: buyer.userId ?? buyer.openId ?? '' }
  }
}

/**
 * S4 and P1's amount rules: store and clerk codes take an amount, fixed-amount codes a quantity
 * (amount = unit × quantity, computed here), never both; every amount within 1..MAX_PAY_FEN.
 */
function amountOf (qr: ResolvedQr, body: CreatePayOrderBody): { amountFen: Fen, quantity?: number } {
  const outOfRange = (param: string): AppError =>
    new AppError('invalid_request', 'amount_out_of_range', `金额应在 0.01 元至 ${fenToYuanString(fen(MAX_PAY_FEN))} 元之间`, { param })
  if (qr.unitPriceFen !== undefined) {
    if (body.amountFen !== undefined) throw new AppError('invalid_request', 'validation_failed', '定额二维码按数量付款，请不要填写金额', { param: 'amountFen' })
    if (body.quantity === undefined) throw new AppError('invalid_request', 'validation_failed', '请选择购买数量', { param: 'quantity' })
    const amountFen = mulFen(qr.unitPriceFen, body.quantity)
    if (amountFen > MAX_PAY_FEN) throw outOfRange('quantity')
    return { amountFen, quantity: body.quantity }
  }
  if (body.quantity !== undefined) throw new AppError('invalid_request', 'validation_failed', '该二维码按金额付款，请不要填写数量', { param: 'quantity' })
  if (body.amountFen === undefined) throw new AppError('invalid_request', 'validation_failed', '请输入付款金额', { param: 'amountFen' })
  if (body.amountFen < 1 || body.amountFen > MAX_PAY_FEN) throw outOfRange('amountFen')
  return { amountFen: fen(body.amountFen) }
}

/** JSAPI answers only ever carry these two; anything else means no payment can start. */
function bridgeOf (p: ClientPayParams | undefined): PayBridgeParams | undefined {
  if (p?.type === 'wechat_jsapi') return { type: p.type, appId: p.appId, timeStamp: p.timeStamp, nonceStr: p.nonceStr, package: p.package, signType: p.signType, paySign: p.paySign }
  if (p?.type === 'alipay_jsapi') return { type: p.type, tradeNo: p.tradeNo }
  return undefined
}

const adOf = (owner: PayAd['owner'], r: { adImageUrl: string | null, adUrl: string | null }): PayAd | undefined =>
  r.adImageUrl === null ? undefined : { owner, imageUrl: r.adImageUrl, linkUrl: r.adUrl }
