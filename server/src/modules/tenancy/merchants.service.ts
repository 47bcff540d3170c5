import { and, desc, eq } from 'drizzle-orm'
import { AppError, type CreateMerchantBody, type CreateStoreBody, type List, type MerchantCreatedDTO, type MerchantDTO, type StoreDTO, type UpdateMerchantBody, type WechatChannel } from '@yima/shared'
import { isSubMerchantOf, maidanEnabled } from '../../channels/wechat-pay/partner'
import { AlipayAuthError, alipaySdk, appAuthorizationUrl, exchangeAppAuthCode } from '../../channels/alipay/app-auth'
import { generateMerchantCredentials } from '../merchants/credentials'
import { auditedBy, type Caller } from './caller'
import { merchantDTO, staffDTO } from './dto'
import { newOrderPrefix, newOutId } from './public-ids'
import { ALL_SCOPE, requireSpLevel, scopeWhere, type Scope } from './scope'
import { auditable, type ServiceProviderService, type TenancyDeps } from './service-providers.service'
import type { SubServiceProviderService } from './sub-service-providers.service'
import { merchants, serviceProviders, staff, type MerchantRow, type StoreRow } from './tenancy.schema'
import type { StoreService } from './stores.service'
import type { ScanTokens } from './scan-tokens'
import { channelFailure } from './channel-failure'

const MERCHANT_SECRET_FIELDS = ['authenKeySealed', 'alipayAppAuthTokenSealed', 'alipayAppRefreshTokenSealed']
const merchantScope = { sp: merchants.spId, ssp: merchants.sspId, merchant: merchants.id }
export const merchantSecretContext = (id: string, column: string): string => `merchants.${column}:${id}`

/** 子商户 (T7). */
export class MerchantService {
  constructor (
    private readonly deps: TenancyDeps,
    private readonly sps: ServiceProviderService,
    private readonly ssps: SubServiceProviderService,
    private readonly scanTokens: ScanTokens,
    private readonly stores: StoreService,
  ) {}

  async list (caller: Caller, filter: { serviceProviderId?: string, subServiceProviderId?: string }): Promise<List<MerchantDTO>> {
    const rows = await this.deps.db.select({ m: merchants, outMchId: serviceProviders.outMchId }).from(merchants)
      .innerJoin(serviceProviders, eq(serviceProviders.id, merchants.spId))
      .where(and(
        scopeWhere(caller.scope, merchantScope),
        filter.serviceProviderId === undefined ? undefined : eq(merchants.spId, filter.serviceProviderId),
        filter.subServiceProviderId === undefined ? undefined : eq(merchants.sspId, filter.subServiceProviderId),
      ))
      .orderBy(desc(merchants.createdAt))
      .limit(500)
    const now = this.deps.clock.now()
    return { object: 'list', data: rows.map((r) => merchantDTO(r.m, r.outMchId, now)), hasMore: false }
  }

  async row (scope: Scope, id: string): Promise<MerchantRow> {
    const [row] = await this.deps.db.select().from(merchants).where(and(eq(merchants.id, id), scopeWhere(scope, merchantScope)))
    if (row === undefined) throw new AppError('not_found', 'merchant_not_found', undefined, { param: 'id' })
    return row
  }

  async get (caller: Caller, id: string): Promise<MerchantDTO> {
    return await this.#dto(await this.row(caller.scope, id))
  }

  /**
   * Onboards a sub-merchant: checks with WeChat Pay that it is this SP's special merchant, then
   * generates its Cloud Pay keys. The authentication key is sealed; the signing private key is
   * returned here once and kept nowhere.
   */
  async create (caller: Caller, input: CreateMerchantBody): Promise<MerchantCreatedDTO> {
    let sspId: string | null = null
    if (caller.scope.all || caller.scope.spIds.includes(input.serviceProviderId)) {
      if (input.subServiceProviderId !== undefined) {
        const ssp = await this.ssps.row(caller.scope, input.subServiceProviderId)
        if (ssp.spId !== input.serviceProviderId) throw new AppError('invalid_request', 'validation_failed', '子服务商不属于该服务商', { param: 'subServiceProviderId' })
        sspId = ssp.id
      }
    } else {
      // A sub-SP onboards for itself under its own SP, whatever the body says.
      const own = await Promise.all(caller.scope.sspIds.map(async (id) => await this.ssps.row(caller.scope, id)))
      const mine = own.filter((s) => s.spId === input.serviceProviderId && (input.subServiceProviderId === undefined || s.id === input.subServiceProviderId))
      if (mine.length !== 1 || mine[0] === undefined) throw new AppError('not_found', 'service_provider_not_found', undefined, { param: 'serviceProviderId' })
      sspId = mine[0].id
    }
    const sp = await this.sps.row(ALL_SCOPE, input.serviceProviderId)
    const [existing] = await this.deps.db.select({ id: merchants.id }).from(merchants).where(and(eq(merchants.spId, sp.id), eq(merchants.wxSubMchId, input.wechatSubMchId)))
    if (existing !== undefined) throw new AppError('conflict', 'merchant_exists', undefined, { param: 'wechatSubMchId' })

    const wx = this.sps.wechatpay(sp)
    const special = await isSubMerchantOf(wx, sp.wxMchId ?? '', input.wechatSubMchId).catch(channelFailure)
    if (!special) throw new AppError('invalid_request', 'sub_mch_not_special', `子商户号 ${input.wechatSubMchId} 不是服务商 ${sp.wxMchId ?? ''} 的特约商户，请先在微信支付服务商平台完成子商户申请`, { param: 'wechatSubMchId' })

    const creds = await generateMerchantCredentials()
    const id = this.deps.newId('mch')
    const now = this.deps.clock.now()
    const { row, admin } = await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(merchants).values({
        id,
        spId: sp.id,
        sspId,
        outSubMchId: newOutId(),
        orderPrefix: newOrderPrefix(),
        name: input.name,
        shortName: input.shortName,
        adminName: input.adminName,
        adminEmail: input.adminEmail,
        logoUrl: input.logoUrl || null,
        adUrl: input.adUrl || null,
        adImageUrl: input.adImageUrl || null,
        remark: input.remark || null,
        wxSubMchId: input.wechatSubMchId,
        authenKeySealed: this.deps.box.seal(creds.authenKey, merchantSecretContext(id, 'authen_key')),
        verifyPublicKey: creds.verifyPublicKeyPem,
        createdAt: now,
        updatedAt: now,
      }).onConflictDoNothing().returning()
      // Another request added the same sub_mch_id in between (or, rarely, a generated id collided).
      if (inserted === undefined) throw new AppError('conflict', 'merchant_exists', undefined, { param: 'wechatSubMchId' })
      const [adminRow] = await tx.insert(staff).values({
        id: this.deps.newId('stf'), role: 'merchant_admin', spId: sp.id, sspId, merchantId: id, name: input.adminName, email: input.adminEmail, refundPermission: true, createdAt: now, updatedAt: now,
      }).returning()
      if (adminRow === undefined) throw new Error('insert returned nothing')
      await this.deps.audit.record(tx, {
        ...auditedBy(caller), action: 'merchant.created', target: { type: 'merchant', id }, tenantId: sp.id, after: auditable(inserted), secretFields: MERCHANT_SECRET_FIELDS,
      })
      return { row: inserted, admin: adminRow }
    })
    return {
      merchant: merchantDTO(row, sp.outMchId, now),
      credentials: { authenKey: creds.authenKey, signingPrivateKey: creds.signingPrivateKeyPem, verifyPublicKey: creds.verifyPublicKeyPem },
      admin: staffDTO(admin),
    }
  }

  async update (caller: Caller, id: string, input: UpdateMerchantBody): Promise<MerchantDTO> {
    const before = await this.row(caller.scope, id)
    const patch: Partial<typeof merchants.$inferInsert> = {}
    for (const key of ['name', 'shortName', 'adminName', 'adminEmail'] as const) {
      if (input[key] !== undefined) patch[key] = input[key]
    }
    for (const key of ['logoUrl', 'adUrl', 'adImageUrl', 'remark'] as const) {
      if (input[key] !== undefined) patch[key] = input[key] === '' ? null : input[key]
    }
    // Permissions are the service provider's to give (the merchant's own admin cannot open deposits for itself).
    if (input.depositEnabled !== undefined || input.refundApiEnabled !== undefined) {
      requireSpLevel(caller.scope, before.spId)
      if (input.depositEnabled !== undefined) patch.depositEnabled = input.depositEnabled
      if (input.refundApiEnabled !== undefined) patch.refundApiEnabled = input.refundApiEnabled
    }
    // Deleting the Alipay user id forgets the authorization, so another Alipay account can authorize (T7).
    if (input.alipayUserId === null) {
      Object.assign(patch, { alipayUserId: null, alipayAuthAppId: null, alipayAppAuthTokenSealed: null, alipayAppRefreshTokenSealed: null, alipayTokenExpiresAt: null })
    }
    const row = await this.#write(caller, before, patch, input.alipayUserId === null ? 'merchant.alipay_deauthorized' : 'merchant.updated')
    return await this.#dto(row)
  }

  /**
   * New Cloud Pay keys for a merchant that lost them or was imported from 买单: the old ones stop
   * working at once; the new private key is shown this one time.
   */
  async resetCredentials (caller: Caller, id: string): Promise<MerchantCreatedDTO['credentials']> {
    const before = await this.row(caller.scope, id)
    const creds = await generateMerchantCredentials()
    await this.#write(caller, before, {
      authenKeySealed: this.deps.box.seal(creds.authenKey, merchantSecretContext(id, 'authen_key')),
      verifyPublicKey: creds.verifyPublicKeyPem,
    }, 'merchant.credentials_reset')
    return { authenKey: creds.authenKey, signingPrivateKey: creds.signingPrivateKeyPem, verifyPublicKey: creds.verifyPublicKeyPem }
  }

  /** T8: 买单 only when WeChat says the merchant has it enabled. */
  async switchWechatChannel (caller: Caller, id: string, channel: WechatChannel): Promise<MerchantDTO> {
    const before = await this.row(caller.scope, id)
    if (before.wxChannel === channel) return await this.#dto(before)
    if (channel === 'maidan') {
      const sp = await this.sps.row(ALL_SCOPE, before.spId)
      // WeChat answers 买单 questions only for a bound assistant; asking first would be a
      // "retry later" channel error that no retry fixes.
      if (sp.maidanBoundAt === null) throw new AppError('conflict', 'maidan_not_bound', '服务商尚未绑定微信买单服务商助手：请先在服务商详情中绑定买单助手，再切换到微信买单', { param: 'channel' })
      const enabled = await maidanEnabled(this.sps.wechatpay(sp), { spMchId: sp.wxMchId ?? '', subMchId: before.wxSubMchId }).catch(channelFailure)
      if (!enabled) throw new AppError('conflict', 'maidan_not_enabled', undefined, { param: 'channel' })
    }
    return await this.#dto(await this.#write(caller, before, { wxChannel: channel }, 'merchant.wechat_channel_switched'))
  }

  /** The QR the merchant scans with Alipay to authorize the SP's app (T7). */
  async alipayAuthorizationUrl (caller: Caller, id: string): Promise<{ url: string }> {
    const m = await this.row(caller.scope, id)
    if (m.alipayUserId !== null) throw new AppError('conflict', 'alipay_already_authorized', undefined, { param: 'alipayUserId' })
    const sp = await this.sps.row(ALL_SCOPE, m.spId)
    const isv = this.sps.alipayIsv(sp)
    const state = this.scanTokens.sign({ purpose: 'alipay_app_auth', merchantId: m.id }, 24 * 3600)
    return { url: appAuthorizationUrl(isv, `${this.deps.publicUrl}/scan/alipay/callback`, state) }
  }

  /** Alipay's redirect after the merchant agreed: exchange the code and keep the token sealed. */
  async completeAlipayAuthorization (merchantId: string, code: string): Promise<MerchantRow> {
    const [m] = await this.deps.db.select().from(merchants).where(eq(merchants.id, merchantId))
    if (m === undefined) throw new AppError('not_found', 'merchant_not_found')
    const sp = await this.sps.row(ALL_SCOPE, m.spId)
    const grant = await exchangeAppAuthCode(this.sps.alipayIsv(sp), code).catch((err: unknown) => {
      if (err instanceof AlipayAuthError) throw new AppError('channel', 'alipay_token_invalid', `支付宝授权失败：${err.subMsg ?? err.message}`)
      return channelFailure(err)
    })
    if (m.alipayUserId !== null && m.alipayUserId !== grant.userId) throw new AppError('conflict', 'alipay_already_authorized')
    const now = this.deps.clock.now()
    return await this.#write({ actor: { id: m.id, kind: 'system' }, scope: ALL_SCOPE }, m, {
      alipayUserId: grant.userId,
      alipayAuthAppId: grant.authAppId,
      alipayAppAuthTokenSealed: this.deps.box.seal(grant.appAuthToken, merchantSecretContext(m.id, 'alipay_app_auth_token')),
      alipayAppRefreshTokenSealed: this.deps.box.seal(grant.appRefreshToken, merchantSecretContext(m.id, 'alipay_app_refresh_token')),
      alipayTokenExpiresAt: new Date(now.getTime() + grant.expiresIn * 1000),
    }, 'merchant.alipay_authorized')
  }

  /**
   * Asks Alipay whether the merchant's app_auth_token still works (a query for an order that
   * cannot exist answers "no such trade" when it does). An expired or withdrawn token is
   * 无效应用授权令牌: the fix is to delete the Alipay user id and have the merchant scan again.
   */
  async checkAlipayAuthorization (caller: Caller, id: string): Promise<{ valid: true }> {
    const m = await this.row(caller.scope, id)
    if (m.alipayAppAuthTokenSealed === null) throw new AppError('conflict', 'alipay_token_invalid', '该子商户尚未完成支付宝授权，请让商户扫码授权')
    const sp = await this.sps.row(ALL_SCOPE, m.spId)
    const appAuthToken = this.deps.box.open(m.alipayAppAuthTokenSealed, merchantSecretContext(m.id, 'alipay_app_auth_token')).reveal()
    const r = await alipaySdk(this.sps.alipayIsv(sp))
      .exec('alipay.trade.query', { appAuthToken, bizContent: { out_trade_no: 'YIMA_PROBE_0' } }, { validateSign: true })
      .catch(channelFailure)
    const subCode = String(r.subCode ?? '')
    if (subCode.startsWith('aop.invalid-app-auth-token') || subCode === 'aop.app-auth-token-time-out') {
      throw new AppError('conflict', 'alipay_token_invalid', `无效应用授权令牌（${subCode}）：支付宝授权已失效。请在子商户信息中删除“支付宝用户 ID”并保存，再让商户用支付宝扫码重新授权。`)
    }
    if (r.code !== '10000' && subCode !== 'ACQ.TRADE_NOT_EXIST') channelFailure(new Error(`alipay.trade.query ${String(r.code)} ${subCode}`))
    return { valid: true }
  }

  /** Stores live in stores.service; these stay for callers that reach them through the merchant. */
  async listStores (caller: Caller, merchantId: string): Promise<List<StoreDTO>> { return await this.stores.list(caller, merchantId) }

  async createStore (caller: Caller, merchantId: string, input: CreateStoreBody): Promise<StoreDTO> { return await this.stores.create(caller, merchantId, input) }

  /** A store in the scope and not deleted (404 otherwise). */
  async store (scope: Scope, id: string): Promise<StoreRow> { return await this.stores.row(scope, id) }

  async #write (caller: Caller, before: MerchantRow, patch: Partial<typeof merchants.$inferInsert>, action: string): Promise<MerchantRow> {
    return await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(merchants).set({ ...patch, updatedAt: this.deps.clock.now() })
        .where(and(eq(merchants.id, before.id), eq(merchants.updatedAt, before.updatedAt)))
        .returning()
      // Compare-and-set on updated_at: a concurrent edit wins, this one asks to retry.
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.deps.audit.record(tx, {
        ...auditedBy(caller), action, target: { type: 'merchant', id: before.id }, tenantId: before.spId, before: auditable(before), after: auditable(after), secretFields: MERCHANT_SECRET_FIELDS,
      })
      return after
    })
  }

  async #dto (row: MerchantRow): Promise<MerchantDTO> {
    const [sp] = await this.deps.db.select({ outMchId: serviceProviders.outMchId }).from(serviceProviders).where(eq(serviceProviders.id, row.spId))
    return merchantDTO(row, sp?.outMchId ?? '', this.deps.clock.now())
  }
}
