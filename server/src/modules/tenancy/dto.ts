import { STAFF_ROLE_LABELS, STORE_PAYMENT_TYPES, type MerchantDTO, type ServiceProviderDTO, type StaffDTO, type StoreDTO, type StorePaymentType, type SubServiceProviderDTO } from '@yima/shared'
import { FUNC_CARD, FUNC_WEB } from '../../channels/wechat-mp/component'
import type { MerchantRow, ServiceProviderRow, StaffRow, StoreRow, SubServiceProviderRow } from './tenancy.schema'

/** Row → DTO. Sealed columns become booleans ("is set"); their ciphertext never leaves the server. */
const iso = (d: Date | null): string | null => d === null ? null : d.toISOString()

export function serviceProviderDTO (r: ServiceProviderRow): ServiceProviderDTO {
  return {
    id: r.id,
    outMchId: r.outMchId,
    name: r.name,
    shortName: r.shortName,
    adminName: r.adminName,
    adminPhone: r.adminPhone,
    tradeCallbackUrl: r.tradeCallbackUrl,
    logoUrl: r.logoUrl,
    adUrl: r.adUrl,
    adImageUrl: r.adImageUrl,
    payCompleteUrl: r.payCompleteUrl,
    remark: r.remark,
    wechatPay: r.wxMchId === null
      ? null
      : {
          mchId: r.wxMchId,
          certificateSerial: r.wxCertificateSerial,
          publicKeyId: r.wxPublicKeyId,
          hasPlatformCertificate: r.wxPlatformCertificate !== null,
          hasCertificate: r.wxCertificate !== null,
          officialAccountAppId: r.wxOaAppId,
          rebateBp: r.wxRebateBp,
          secrets: {
            apiV3Key: r.wxApiV3KeySealed !== null,
            apiV2Key: r.wxApiV2KeySealed !== null,
            privateKey: r.wxPrivateKeySealed !== null,
            officialAccountSecret: r.wxOaSecretSealed !== null,
          },
        },
    alipay: r.alipayAppId === null || r.alipayPid === null
      ? null
      : { appId: r.alipayAppId, pid: r.alipayPid, rebateBp: r.alipayRebateBp, secrets: { privateKey: r.alipayPrivateKeySealed !== null, alipayPublicKey: r.alipayPublicKeySealed !== null } },
    officialAccount: {
      status: r.oaAuthStatus,
      appId: r.oaAuthorizerAppId,
      verified: r.oaVerified,
      webAuthorized: r.oaAuthStatus === 'authorized' && (r.oaFuncIds ?? []).includes(FUNC_WEB),
      cardAuthorized: r.oaAuthStatus === 'authorized' && (r.oaFuncIds ?? []).includes(FUNC_CARD),
      authorizedAt: iso(r.oaAuthorizedAt),
      problem: r.oaProblem,
    },
    maidan: { bound: r.maidanBoundAt !== null, boundAt: iso(r.maidanBoundAt) },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

export function subServiceProviderDTO (r: SubServiceProviderRow): SubServiceProviderDTO {
  return {
    id: r.id,
    serviceProviderId: r.spId,
    accountId: r.accountId,
    name: r.name,
    adminName: r.adminName,
    phone: r.phone,
    wechatRebateBp: r.wxRebateBp,
    alipayRebateBp: r.alipayRebateBp,
    remark: r.remark,
    createdAt: r.createdAt.toISOString(),
  }
}

export function merchantDTO (r: MerchantRow, outMchId: string, now: Date): MerchantDTO {
  return {
    id: r.id,
    serviceProviderId: r.spId,
    subServiceProviderId: r.sspId,
    outMchId,
    outSubMchId: r.outSubMchId,
    orderPrefix: r.orderPrefix,
    name: r.name,
    shortName: r.shortName,
    adminName: r.adminName,
    adminEmail: r.adminEmail,
    logoUrl: r.logoUrl,
    adUrl: r.adUrl,
    adImageUrl: r.adImageUrl,
    remark: r.remark,
    wechatSubMchId: r.wxSubMchId,
    wechatChannel: r.wxChannel,
    depositEnabled: r.depositEnabled,
    refundApiEnabled: r.refundApiEnabled,
    authenType: 'HMAC-SHA256',
    signType: 'RSA-PSS-SHA256',
    verifyPublicKey: r.verifyPublicKey,
    alipay: r.alipayUserId === null || r.alipayAuthAppId === null
      ? null
      : {
          userId: r.alipayUserId,
          authAppId: r.alipayAuthAppId,
          tokenExpiresAt: iso(r.alipayTokenExpiresAt),
          tokenValid: r.alipayAppAuthTokenSealed !== null && (r.alipayTokenExpiresAt === null || r.alipayTokenExpiresAt > now),
        },
    createdAt: r.createdAt.toISOString(),
  }
}

export function storeDTO (r: StoreRow): StoreDTO {
  return {
    id: r.id,
    merchantId: r.merchantId,
    outShopId: r.outShopId,
    name: r.name,
    branchName: r.branchName,
    address: r.address,
    phone: r.phone,
    status: r.status,
    paymentTypes: r.paymentTypes.filter((t): t is StorePaymentType => (STORE_PAYMENT_TYPES as readonly string[]).includes(t)),
    // The column admits only what the body did; CNY until another currency is allowed.
    currency: r.currency === 'CNY' ? r.currency : 'CNY',
    goodsTag: r.goodsTag,
    wechatSubMchId: r.wxSubMchId,
    alipayUserId: r.alipayUserId,
    maidanStoreId: r.maidanStoreId,
    memberCardEnabled: r.memberCardEnabled,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

export function staffDTO (r: StaffRow): StaffDTO {
  return {
    id: r.id,
    role: r.role,
    roleLabel: STAFF_ROLE_LABELS[r.role],
    name: r.name,
    phone: r.phone,
    email: r.email,
    refundPermission: r.refundPermission,
    activated: r.activatedAt !== null,
    activatedAt: iso(r.activatedAt),
    serviceProviderId: r.spId,
    subServiceProviderId: r.sspId,
    merchantId: r.merchantId,
    storeId: r.storeId,
    createdAt: r.createdAt.toISOString(),
  }
}
