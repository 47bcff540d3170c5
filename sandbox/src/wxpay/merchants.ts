import { randomBytes } from 'node:crypto'
import { digits } from '../core/ids'
import { paramError } from './errors'
import { apiKey, appId, certifiedKeys, type CertifiedKeys } from './keys'

/** A service provider (服务商): signs requests with its merchant certificate's key. */
export interface ServiceProvider {
  spMchId: string
  spAppId: string
  name: string
  /** The merchant API certificate WeChat holds for this mchid (requests are verified against it). */
  merchant: CertifiedKeys
  apiV3Key: string
  apiV2Key: string
  /** The customer the simulator pays as when a test names none (an openid under sp_appid). */
  defaultOpenId: string
}

/** A special merchant (特约商户) under one service provider. */
export interface SubMerchant {
  subMchId: string
  spMchId: string
  name: string
  subAppId?: string
  /** Its own API certificate and APIv3 key, once it has applied for them (seed 002 微信API证书配置). */
  api?: MerchantApiKeys
}

/**
 * What a merchant holds to call v3 as itself (直连): the API certificate WeChat verifies its
 * requests with, and the APIv3 key its certificate downloads and callbacks are encrypted under.
 */
export interface MerchantApiKeys {
  merchant: CertifiedKeys
  apiV3Key: string
}

/**
 * Who signed a v3 request. A service provider acts for itself and its sub-merchants; a merchant
 * with its own API certificate acts only for its own mchid. `sp` is the service provider the
 * caller is or belongs to.
 */
export type V3Caller =
  | { kind: 'service_provider', mchId: string, sp: ServiceProvider, apiV3Key: string }
  | { kind: 'merchant', mchId: string, merchant: SubMerchant, sp: ServiceProvider, apiV3Key: string }

/** 28 characters of base64url starting with `o`, the look of a real openid. */
const openId = (): string => `o${randomBytes(21).toString('base64url').slice(0, 27)}`

export class MerchantRegistry {
  readonly #sps = new Map<string, ServiceProvider>()
  readonly #subs = new Map<string, SubMerchant>()
  #nextSp = 1

  addServiceProvider (name: string, spMchId = `19000${String(this.#nextSp).padStart(3, '0')}00`): ServiceProvider {
    this.#nextSp++
    if (this.#sps.has(spMchId)) throw new Error(`service provider ${spMchId} already exists`)
    const sp: ServiceProvider = {
      spMchId,
      spAppId: appId(),
      name,
      merchant: certifiedKeys({ C: 'CN', L: 'Shenzhen', O: '微信商户系统', OU: name, CN: spMchId }),
      apiV3Key: apiKey(),
      apiV2Key: apiKey(),
      defaultOpenId: openId(),
    }
    this.#sps.set(spMchId, sp)
    return sp
  }

  addSubMerchant (o: { spMchId: string, name: string, subMchId?: string, subAppId?: string }): SubMerchant {
    if (!this.#sps.has(o.spMchId)) throw new Error(`unknown service provider ${o.spMchId}`)
    const subMchId = o.subMchId ?? this.#freshSubMchId()
    if (this.#subs.has(subMchId)) throw new Error(`sub-merchant ${subMchId} already exists`)
    const sub: SubMerchant = { subMchId, spMchId: o.spMchId, name: o.name, ...(o.subAppId === undefined ? {} : { subAppId: o.subAppId }) }
    this.#subs.set(subMchId, sub)
    return sub
  }

  #freshSubMchId (): string {
    for (;;) {
      const id = `16${digits(8)}`
      if (!this.#subs.has(id)) return id
    }
  }

  /**
   * Gives a sub-merchant a (new) API certificate and APIv3 key, as applying for them in the
   * merchant platform does; the previous certificate stops verifying.
   */
  issueApiKeys (subMchId: string): MerchantApiKeys {
    const sub = this.#subs.get(subMchId)
    if (sub === undefined) throw new Error(`unknown sub-merchant ${subMchId}`)
    sub.api = { merchant: certifiedKeys({ C: 'CN', L: 'Shenzhen', O: '微信商户系统', OU: sub.name, CN: subMchId }), apiV3Key: apiKey() }
    return sub.api
  }

  /** The signer behind an Authorization mchid and the certificate WeChat holds for it, if any. */
  caller (mchId: string): { caller: V3Caller, certificate: CertifiedKeys } | undefined {
    const sp = this.#sps.get(mchId)
    if (sp !== undefined) return { caller: { kind: 'service_provider', mchId, sp, apiV3Key: sp.apiV3Key }, certificate: sp.merchant }
    const sub = this.#subs.get(mchId)
    const itsSp = sub === undefined ? undefined : this.#sps.get(sub.spMchId)
    if (sub?.api === undefined || itsSp === undefined) return undefined
    return { caller: { kind: 'merchant', mchId, merchant: sub, sp: itsSp, apiV3Key: sub.api.apiV3Key }, certificate: sub.api.merchant }
  }

  /** The mchids a caller may act for: itself, and a service provider's sub-merchants. */
  callerOwns (caller: V3Caller, mchid: string): boolean {
    return caller.kind === 'service_provider' ? this.ownsMchId(caller.sp, mchid) : mchid === caller.mchId
  }

  /**
   * The appids a caller may send vouchers under (else APPID_MCHID_NOT_MATCH): a service provider's
   * own account and its sub-merchants' apps; a merchant's own app and its service provider's
   * account, which the SP links to it (服务商关联的公众号).
   */
  appIdsOf (caller: V3Caller): string[] {
    if (caller.kind === 'merchant') return [caller.sp.spAppId, ...(caller.merchant.subAppId === undefined ? [] : [caller.merchant.subAppId])]
    return [caller.sp.spAppId, ...this.subMerchants(caller.sp.spMchId).flatMap((s) => (s.subAppId === undefined ? [] : [s.subAppId]))]
  }

  serviceProvider (spMchId: string): ServiceProvider | undefined { return this.#sps.get(spMchId) }
  subMerchant (subMchId: string): SubMerchant | undefined { return this.#subs.get(subMchId) }
  serviceProviders (): ServiceProvider[] { return [...this.#sps.values()] }
  subMerchants (spMchId?: string): SubMerchant[] {
    return [...this.#subs.values()].filter((s) => spMchId === undefined || s.spMchId === spMchId)
  }

  /**
   * The sub-merchant, if it is this service provider's; otherwise WeChat's 400, whether the mchid is
   * unknown or another SP's (yima's "is it a special merchant of this SP" probe relies on that).
   */
  requireSub (sp: ServiceProvider, subMchId: string, location: 'body' | 'query' = 'body'): SubMerchant {
    const sub = this.#subs.get(subMchId)
    if (sub === undefined || sub.spMchId !== sp.spMchId) {
      throw paramError('sub_mchid与sp_mchid不匹配，受理关系不存在', { location, value: subMchId })
    }
    return sub
  }

  /** A mchid this service provider may act for: itself or one of its sub-merchants. */
  ownsMchId (sp: ServiceProvider, mchid: string): boolean {
    return mchid === sp.spMchId || this.#subs.get(mchid)?.spMchId === sp.spMchId
  }
}
