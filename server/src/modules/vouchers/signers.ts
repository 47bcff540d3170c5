import { eq } from 'drizzle-orm'
import { AppError } from '@yima/shared'
import type { Db } from '../../db/client'
import type { SecretBox } from '../../secrets'
import { VoucherApiError, type VoucherSigner, type WechatVoucherApi } from '../../channels/wechat-pay/vouchers'
import type { PaymentService } from '../payments/payment.service'
import { merchantPayCredentials, type VoucherBatchRow } from './vouchers.schema'

export const credentialsContext = (merchantId: string, column: string): string => `merchant_pay_credentials.${column}:${merchantId}`

/** WeChat's refusals of a voucher call, as the errors yima answers with. */
export function voucherApiFailure (err: unknown): never {
  if (err instanceof AppError) throw err
  if (err instanceof VoucherApiError) {
    switch (err.code) {
      case 'RULE_LIMIT': throw new AppError('conflict', 'voucher_limit_reached', undefined, { cause: err })
      case 'NOT_ENOUGH': throw new AppError('conflict', 'voucher_sold_out', undefined, { cause: err })
      case 'RESOURCE_NOT_EXISTS': throw new AppError('invalid_request', 'voucher_batch_unusable', '微信支付找不到该批次：请确认批次号和制券商户号', { param: 'stockId', cause: err })
      case 'SIGN_ERROR': throw new AppError('channel', 'channel_error', '微信支付拒绝了签名：请检查子商户发券证书的序列号和私钥是否与商户号匹配', { cause: err })
      case 'NO_AUTH': throw new AppError('invalid_request', 'voucher_batch_unusable', '无权使用该批次：制券商户号不是服务商或已配置证书的商户号', { param: 'creatorMchId', cause: err })
      default:
        if (!err.retryable) throw new AppError('channel', 'channel_error', `微信支付代金券接口：${err.message}`, { cause: err })
    }
  }
  throw new AppError('unavailable', 'channel_unavailable', undefined, { cause: err })
}

/**
 * Who signs a voucher call (seed 002): the merchant, with its own certificate and key, when the
 * batch was made by one of the merchant ids it configured (跨商户号发券); otherwise the SP, whose
 * sub-merchant the creator is.
 */
export class VoucherSigners {
  constructor (private readonly d: { db: Db, box: SecretBox, payments: PaymentService, api: WechatVoucherApi }) {}

  get api (): WechatVoucherApi { return this.d.api }

  async forBatch (batch: Pick<VoucherBatchRow, 'merchantId' | 'creatorMchId'>): Promise<VoucherSigner> {
    return await this.forMerchant(batch.merchantId, batch.creatorMchId)
  }

  async forMerchant (merchantId: string, creatorMchId: string): Promise<VoucherSigner> {
    const sp = await this.d.payments.credentials(this.d.db, merchantId, 'wechat_pay')
    if (sp.channel !== 'wechat_pay') throw new AppError('conflict', 'wechat_pay_not_configured')
    // The merchant's answers are verified with the same WeChat Pay platform keys as the SP's.
    const platform = { platformCertificate: sp.platformCertificate, publicKey: sp.publicKey, publicKeyId: sp.publicKeyId }
    const [own] = await this.d.db.select().from(merchantPayCredentials).where(eq(merchantPayCredentials.merchantId, merchantId))
    if (own !== undefined && own.mchIds.includes(creatorMchId)) {
      return {
        mchId: creatorMchId,
        certificateSerial: own.certificateSerial,
        privateKey: this.d.box.open(own.privateKeySealed, credentialsContext(merchantId, 'private_key')).reveal(),
        ...platform,
      }
    }
    return { mchId: sp.spMchId, certificateSerial: sp.certificateSerial, privateKey: sp.privateKey, ...platform }
  }
}
