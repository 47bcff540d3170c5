import { and, desc, eq } from 'drizzle-orm'
import { AppError, type AlipaySettingsInput, type CreateServiceProviderBody, type IdGenerator, type List, type ServiceProviderDTO, type UpdateServiceProviderBody, type WechatPaySettingsInput } from '@yima/shared'
import type { Wechatpay } from 'wechatpay-axios-plugin'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import type { ChannelHosts } from '../../config'
import type { SecretBox } from '../../secrets'
import { wechatpayClient } from '../../channels/wechat-pay/partner'
import type { AlipayIsv } from '../../channels/alipay/app-auth'
import { accounts } from '../identity/identity.schema'
import type { AuditLog } from '../audit'
import { auditedBy, type Caller } from './caller'
import { serviceProviderDTO } from './dto'
import { newOutId } from './public-ids'
import { requireSpLevel, scopeWhere, type Scope } from './scope'
import { serviceProviders, staff, type ServiceProviderRow } from './tenancy.schema'
import { checkCertificate, checkPrivateKey, checkPublicKey, toPem } from './validate'

export interface TenancyDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  box: SecretBox
  audit: AuditLog
  channels: ChannelHosts
  publicUrl: string
}

/** The columns that hold secrets: sealed at rest, masked in the audit log, never in a DTO. */
export const SP_SECRET_FIELDS = ['wxApiV3KeySealed', 'wxApiV2KeySealed', 'wxPrivateKeySealed', 'wxOaSecretSealed', 'alipayPrivateKeySealed', 'alipayPublicKeySealed', 'oaRefreshTokenSealed'] as const

/** What the audit log keeps of a row: all but timestamps. Sealed columns are masked by diff() (secretFields). */
export const auditable = (r: Record<string, unknown>): Record<string, unknown> => {
  const { createdAt: _created, updatedAt: _updated, ...rest } = r
  return rest
}

export const spSecretContext = (id: string, column: string): string => `service_providers.${column}:${id}`

/** 服务商 (T2): create, edit, read — with channel secrets sealed on the way in. */
export class ServiceProviderService {
  constructor (private readonly deps: TenancyDeps) {}

  async list (caller: Caller): Promise<List<ServiceProviderDTO>> {
    const rows = await this.deps.db.select().from(serviceProviders)
      .where(scopeWhere(caller.scope, { sp: serviceProviders.id }))
      .orderBy(desc(serviceProviders.createdAt))
    return { object: 'list', data: rows.map(serviceProviderDTO), hasMore: false }
  }

  /** The SP if the caller may see it; otherwise not found, so ids cannot be probed. */
  async row (scope: Scope, id: string, exec: Executor = this.deps.db): Promise<ServiceProviderRow> {
    const [row] = await exec.select().from(serviceProviders)
      .where(and(eq(serviceProviders.id, id), scopeWhere(scope, { sp: serviceProviders.id })))
    if (row === undefined) throw new AppError('not_found', 'service_provider_not_found', undefined, { param: 'id' })
    return row
  }

  async get (caller: Caller, id: string): Promise<ServiceProviderDTO> {
    return serviceProviderDTO(await this.row(caller.scope, id))
  }

  async create (caller: Caller, input: CreateServiceProviderBody): Promise<ServiceProviderDTO> {
    const owner = await this.#owner(caller, input.ownerAccountId)
    const id = this.deps.newId('sp')
    const now = this.deps.clock.now()
    const row = await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(serviceProviders).values({
        id,
        ownerAccountId: owner,
        outMchId: newOutId(),
        name: input.name,
        shortName: input.shortName,
        adminName: input.adminName,
        adminPhone: input.adminPhone,
        tradeCallbackUrl: input.tradeCallbackUrl || null,
        logoUrl: input.logoUrl || null,
        adUrl: input.adUrl || null,
        adImageUrl: input.adImageUrl || null,
        payCompleteUrl: input.payCompleteUrl || null,
        remark: input.remark || null,
        ...this.#wechatColumns(id, input.wechatPay, null),
        ...this.#alipayColumns(id, input.alipay),
        createdAt: now,
        updatedAt: now,
      }).returning()
      if (inserted === undefined) throw new Error('insert returned nothing')
      // The admin named on the form is the SP's first admin, activated later by QR (T4).
      await tx.insert(staff).values({
        id: this.deps.newId('stf'),
        role: 'sp_admin',
        spId: id,
        name: input.adminName,
        phone: input.adminPhone,
        refundPermission: true,
        createdAt: now,
        updatedAt: now,
      })
      await this.deps.audit.record(tx, {
        ...auditedBy(caller),
        action: 'service_provider.created',
        target: { type: 'service_provider', id },
        tenantId: id,
        after: auditable(inserted),
        secretFields: SP_SECRET_FIELDS,
      })
      return inserted
    })
    return serviceProviderDTO(row)
  }

  async update (caller: Caller, id: string, input: UpdateServiceProviderBody): Promise<ServiceProviderDTO> {
    requireSpLevel(caller.scope, (await this.row(caller.scope, id)).id)
    const row = await this.deps.db.transaction(async (tx) => {
      // Lock the row: two editors must not each keep half of the other's channel settings.
      const [before] = await tx.select().from(serviceProviders).where(eq(serviceProviders.id, id)).for('update')
      if (before === undefined) throw new AppError('not_found', 'service_provider_not_found')
      const patch: Partial<typeof serviceProviders.$inferInsert> = {}
      for (const key of ['name', 'shortName', 'adminName', 'adminPhone'] as const) {
        if (input[key] !== undefined) patch[key] = input[key]
      }
      for (const key of ['tradeCallbackUrl', 'logoUrl', 'adUrl', 'adImageUrl', 'payCompleteUrl', 'remark'] as const) {
        if (input[key] !== undefined) patch[key] = input[key] === '' ? null : input[key]
      }
      Object.assign(patch, this.#wechatColumns(id, input.wechatPay, before), this.#alipayColumns(id, input.alipay))
      // A different official account invalidates the authorization the old one gave.
      if (patch.wxOaAppId !== undefined && patch.wxOaAppId !== before.wxOaAppId && before.oaAuthStatus === 'authorized') {
        patch.oaProblem = before.oaAuthorizerAppId === patch.wxOaAppId ? null : 'AppID 已修改，请重新授权公众号'
      }
      const [after] = await tx.update(serviceProviders).set({ ...patch, updatedAt: this.deps.clock.now() }).where(eq(serviceProviders.id, id)).returning()
      if (after === undefined) throw new Error('update returned nothing')
      await this.deps.audit.record(tx, {
        ...auditedBy(caller),
        action: 'service_provider.updated',
        target: { type: 'service_provider', id },
        tenantId: id,
        before: auditable(before),
        after: auditable(after),
        secretFields: SP_SECRET_FIELDS,
      })
      return after
    })
    return serviceProviderDTO(row)
  }

  /** The SP's WeChat Pay client, or a clear error when its settings are incomplete. */
  wechatpay (sp: ServiceProviderRow): Wechatpay {
    if (sp.wxMchId === null || sp.wxPrivateKeySealed === null || sp.wxCertificateSerial === null || (sp.wxPlatformCertificate === null && sp.wxPublicKey === null)) {
      throw new AppError('conflict', 'wechat_pay_not_configured', '服务商尚未配置完整的微信支付信息（商户号、API 私钥、证书序列号、平台证书或微信支付公钥）')
    }
    return wechatpayClient({
      mchId: sp.wxMchId,
      certificateSerial: sp.wxCertificateSerial,
      privateKey: this.deps.box.open(sp.wxPrivateKeySealed, spSecretContext(sp.id, 'wx_private_key')).reveal(),
      platformCertificate: sp.wxPlatformCertificate,
      publicKey: sp.wxPublicKey,
      publicKeyId: sp.wxPublicKeyId,
    }, this.deps.channels.wxpayBaseUrl)
  }

  alipayIsv (sp: ServiceProviderRow): AlipayIsv {
    if (sp.alipayAppId === null || sp.alipayPrivateKeySealed === null || sp.alipayPublicKeySealed === null) {
      throw new AppError('conflict', 'alipay_not_configured', '服务商尚未配置完整的支付宝信息（应用 ID、应用私钥、支付宝公钥）')
    }
    return {
      appId: sp.alipayAppId,
      privateKey: this.deps.box.open(sp.alipayPrivateKeySealed, spSecretContext(sp.id, 'alipay_private_key')).reveal(),
      alipayPublicKey: this.deps.box.open(sp.alipayPublicKeySealed, spSecretContext(sp.id, 'alipay_public_key')).reveal(),
      gateway: this.deps.channels.alipayGateway,
      openAuthUrl: this.deps.channels.alipayOpenAuthUrl,
    }
  }

  async #owner (caller: Caller, requested: string | undefined): Promise<string> {
    if (caller.actor.kind !== 'account') throw new AppError('permission', 'forbidden')
    if (requested === undefined || requested === caller.actor.id) return caller.actor.id
    if (!caller.scope.all) throw new AppError('permission', 'forbidden', '只有平台管理员可以为其他账号创建服务商', { param: 'ownerAccountId' })
    const [account] = await this.deps.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, requested))
    if (account === undefined) throw new AppError('invalid_request', 'account_not_found', undefined, { param: 'ownerAccountId' })
    return account.id
  }

  /** WeChat Pay columns from the form; a secret left out keeps its stored value. */
  #wechatColumns (id: string, w: WechatPaySettingsInput | undefined, before: ServiceProviderRow | null): Partial<typeof serviceProviders.$inferInsert> {
    if (w === undefined) return {}
    const seal = (value: string | undefined, column: string): string | undefined => value === undefined ? undefined : this.deps.box.seal(value, spSecretContext(id, column))
    const now = this.deps.clock.now()
    if (w.privateKey !== undefined) checkPrivateKey(w.privateKey, 'wechatPay.privateKey')
    if (w.publicKey !== undefined) checkPublicKey(w.publicKey, 'wechatPay.publicKey')
    if (w.publicKey !== undefined && (w.publicKeyId ?? before?.wxPublicKeyId) == null) {
      throw new AppError('invalid_request', 'validation_failed', '填写微信支付公钥时须同时填写公钥 ID', { param: 'wechatPay.publicKeyId' })
    }
    if (w.platformCertificate !== undefined) checkCertificate(w.platformCertificate, 'wechatPay.platformCertificate', now)
    if (w.certificate !== undefined) {
      // The certificate and the serial that signs v3 calls are one key pair's: a mismatch would fail only at the first deposit.
      const serial = checkCertificate(w.certificate, 'wechatPay.certificate', now)
      const expected = (w.certificateSerial ?? before?.wxCertificateSerial)?.toUpperCase()
      if (expected != null && serial !== expected) throw new AppError('invalid_request', 'validation_failed', `商户 API 证书的序列号 ${serial} 与填写的证书序列号不一致`, { param: 'wechatPay.certificate' })
    }
    const out: Partial<typeof serviceProviders.$inferInsert> = { wxMchId: w.mchId }
    const set = <K extends keyof typeof out>(k: K, v: (typeof out)[K] | undefined): void => { if (v !== undefined) out[k] = v }
    set('wxApiV3KeySealed', seal(w.apiV3Key, 'wx_api_v3_key'))
    set('wxApiV2KeySealed', seal(w.apiV2Key, 'wx_api_v2_key'))
    set('wxPrivateKeySealed', seal(w.privateKey, 'wx_private_key'))
    set('wxCertificateSerial', w.certificateSerial?.toUpperCase())
    set('wxCertificate', w.certificate)
    set('wxPlatformCertificate', w.platformCertificate)
    set('wxPublicKey', w.publicKey)
    set('wxPublicKeyId', w.publicKeyId)
    set('wxOaAppId', w.officialAccountAppId)
    set('wxOaSecretSealed', seal(w.officialAccountSecret, 'wx_oa_secret'))
    set('wxRebateBp', w.rebateBp)
    return out
  }

  #alipayColumns (id: string, a: AlipaySettingsInput | undefined): Partial<typeof serviceProviders.$inferInsert> {
    if (a === undefined) return {}
    const out: Partial<typeof serviceProviders.$inferInsert> = { alipayAppId: a.appId, alipayPid: a.pid }
    if (a.privateKey !== undefined) {
      const pem = toPem(a.privateKey, 'PRIVATE KEY')
      checkPrivateKey(pem, 'alipay.privateKey')
      out.alipayPrivateKeySealed = this.deps.box.seal(pem, spSecretContext(id, 'alipay_private_key'))
    }
    if (a.alipayPublicKey !== undefined) {
      const pem = toPem(a.alipayPublicKey, 'PUBLIC KEY')
      checkPublicKey(pem, 'alipay.alipayPublicKey')
      out.alipayPublicKeySealed = this.deps.box.seal(pem, spSecretContext(id, 'alipay_public_key'))
    }
    if (a.rebateBp !== undefined) out.alipayRebateBp = a.rebateBp
    return out
  }
}
