import type { MerchantCreatedDTO } from '@yima/shared'

/** The rows of the "请立即保存" dialog, in the seed's order (配置子商户 步骤五). */
export function credentialRows (created: MerchantCreatedDTO): Array<{ key: string, label: string, value: string, secret: boolean }> {
  const m = created.merchant
  return [
    { key: 'outMchId', label: '服务商编号（out_mch_id）', value: m.outMchId, secret: false },
    { key: 'outSubMchId', label: '子商户编号（out_sub_mch_id）', value: m.outSubMchId, secret: false },
    { key: 'orderPrefix', label: '订单前缀', value: m.orderPrefix, secret: false },
    { key: 'authenType', label: '认证类型', value: m.authenType, secret: false },
    { key: 'authenKey', label: '认证密钥', value: created.credentials.authenKey, secret: true },
    { key: 'signType', label: '签名类型', value: m.signType, secret: false },
    { key: 'verifyPublicKey', label: '验签公钥', value: created.credentials.verifyPublicKey, secret: false },
    { key: 'signingPrivateKey', label: '签名私钥', value: created.credentials.signingPrivateKey, secret: true },
  ]
}

/** The same as a text file to keep on the merchant's PC. */
export function credentialsText (created: MerchantCreatedDTO): string {
  const m = created.merchant
  return [
    `子商户名称：${m.name}`,
    `微信支付子商户号：${m.wechatSubMchId}`,
    ...credentialRows(created).map((r) => `${r.label}：${r.value.includes('\n') ? `\n${r.value.trim()}` : r.value}`),
    '',
    '认证密钥用于交易请求时对参数生成认证码；签名私钥用于撤单和退款时客户端签名。请妥善保管，云支付不会再次显示。',
    '',
  ].join('\n')
}
