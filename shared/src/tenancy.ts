/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'

/**
 * The tenant hierarchy (mission T1–T9) as the console and the apps see it: platform → service
 * provider (服务商) → sub-service-provider (子服务商) → merchant (子商户) → store (门店) → staff.
 * Request bodies are zod schemas the server validates with; responses are plain DTO types.
 */

/** Everyone who can be activated by QR, from the top of the hierarchy down. */
export const STAFF_ROLES = ['sp_admin', 'ssp_admin', 'merchant_admin', 'store_manager', 'clerk'] as const
export type StaffRole = typeof STAFF_ROLES[number]

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  sp_admin: '服务商管理员',
  ssp_admin: '子服务商管理员',
  merchant_admin: '商户管理员',
  store_manager: '店长',
  clerk: '店员',
}

/** How a merchant's WeChat Pay payments are routed (T8). */
export const WECHAT_CHANNELS = ['direct', 'maidan'] as const
export type WechatChannel = typeof WECHAT_CHANNELS[number]
export const WECHAT_CHANNEL_LABELS: Record<WechatChannel, string> = { direct: '官方直连', maidan: '微信买单' }

/** Cloud Pay's public ids: exactly 20 letters/digits (cloudpay-api.md §6). */
export const OUT_ID_LENGTH = 20
export const OUT_ID = /^[0-9A-Za-z]{20}$/

/** WeChat Pay's APIv3 key: exactly 32 ASCII letters or digits (T2, seed 002). */
export const APIV3_KEY = /^[0-9A-Za-z]{32}$/

const text = (max: number) => z.string().trim().max(max)
const required = (max: number, label: string) => z.string().trim().min(1, `请填写${label}`).max(max)
const optionalText = (max: number) => text(max).optional()
const url = z.string().trim().max(500).refine((s) => s === '' || /^https?:\/\/[^\s]+$/.test(s), { message: '请填写以 http:// 或 https:// 开头的网址' })

/** The longest trade-complete callback URL (an SP's 交易完成回调URL, an order's caller_notify_url). */
export const CALLBACK_URL_MAX_LENGTH = 512
/**
 * A callback URL as typed: http(s) with a host and no `user:password@` (it would travel with
 * every callback and show in logs). Whether it may be reached (https in production, no private
 * addresses) is decided after DNS, when a callback is sent. Empty clears it.
 */
export const CallbackUrl = z.string().trim()
  .max(CALLBACK_URL_MAX_LENGTH, { message: `回调地址不能超过 ${CALLBACK_URL_MAX_LENGTH} 个字符` })
  .refine((s) => s === '' || /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/i.test(s), { message: '请填写以 http:// 或 https:// 开头的网址' })
  .refine((s) => !/^https?:\/\/[^/?#]*@/i.test(s), { message: '回调地址不能包含用户名或密码' })
const PHONE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/
const PHONE_MESSAGE = '请填写正确的手机号或座机号'
const phone = z.string().trim().regex(PHONE, { message: PHONE_MESSAGE })
const email = z.string().trim().max(120).email({ message: '请填写正确的邮箱' })
/** An optional text field on update: `''` clears it, anything else must match. */
const blankOr = (re: RegExp, message: string) => z.string().trim().max(200).refine((s) => s === '' || re.test(s), { message })
/** Rebate ratios are statistics only: basis points, 0–10000 (0.38 % = 38). */
const rebateBp = z.number().int().min(0).max(10000)
const pem = (label: string) => z.string().trim().max(10000).refine((s) => /-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/.test(s), { message: `${label}须为 PEM 格式` })
/** Alipay hands keys out as bare base64 (no PEM armour); accept either. */
const alipayKey = (label: string) => z.string().trim().min(100, `${label}不完整`).max(10000)

export const WechatPaySettingsInput = z.object({
  mchId: z.string().trim().regex(/^\d{8,12}$/, { message: '微信支付商户号为 8–12 位数字' }),
  apiV3Key: z.string().regex(APIV3_KEY, { message: 'APIv3 密钥必须是 32 位字母或数字' }).optional(),
  apiV2Key: z.string().regex(/^[0-9A-Za-z]{32}$/, { message: 'API 密钥（v2）必须是 32 位字母或数字' }).optional(),
  /** 商户 API 私钥 (apiclient_key.pem). */
  privateKey: pem('商户 API 私钥').optional(),
  /**
   * 商户 API 证书 (apiclient_cert.pem): the v2 deposit API's calls that move money (consume,
   * reverse, refund) are made over mutual TLS with it. Its serial must be certificateSerial.
   */
  certificate: pem('商户 API 证书').optional(),
  /** 商户 API 证书序列号. */
  certificateSerial: z.string().trim().regex(/^[0-9A-Fa-f]{8,40}$/, { message: '证书序列号为十六进制' }).optional(),
  /** Either the platform certificate or the WeChat Pay public key (+ its id) verifies answers. */
  platformCertificate: pem('平台证书').optional(),
  publicKey: pem('微信支付公钥').optional(),
  publicKeyId: z.string().trim().regex(/^PUB_KEY_ID_\w+$/, { message: '公钥 ID 以 PUB_KEY_ID_ 开头' }).optional(),
  officialAccountAppId: z.string().trim().regex(/^wx[0-9a-f]{16}$/, { message: 'AppID 以 wx 开头，共 18 位' }).optional(),
  officialAccountSecret: z.string().trim().regex(/^[0-9a-f]{32}$/, { message: 'AppSecret 为 32 位十六进制' }).optional(),
  rebateBp: rebateBp.optional(),
})
export type WechatPaySettingsInput = z.infer<typeof WechatPaySettingsInput>

export const AlipaySettingsInput = z.object({
  appId: z.string().trim().regex(/^20\d{14}$/, { message: '支付宝应用 ID 为 16 位数字' }),
  privateKey: alipayKey('应用私钥').optional(),
  alipayPublicKey: alipayKey('支付宝公钥').optional(),
  pid: z.string().trim().regex(/^2088\d{12}$/, { message: '合作者身份 ID（PID）以 2088 开头，共 16 位' }),
  rebateBp: rebateBp.optional(),
})
export type AlipaySettingsInput = z.infer<typeof AlipaySettingsInput>

const spBasics = {
  name: required(100, '服务商名称'),
  shortName: required(40, '服务商简称'),
  adminName: required(40, '管理员姓名'),
  adminPhone: phone,
  tradeCallbackUrl: CallbackUrl.optional(),
  logoUrl: url.optional(),
  adUrl: url.optional(),
  adImageUrl: url.optional(),
  payCompleteUrl: url.optional(),
  remark: optionalText(500),
}

/** T2. Secrets are write-only: omit a secret field to keep the stored value. */
export const CreateServiceProviderBody = z.object({
  ...spBasics,
  wechatPay: WechatPaySettingsInput.optional(),
  alipay: AlipaySettingsInput.optional(),
  /** Platform operators may create an SP on behalf of another console account. */
  ownerAccountId: z.string().optional(),
})
export type CreateServiceProviderBody = z.infer<typeof CreateServiceProviderBody>
export const UpdateServiceProviderBody = z.object({
  ...Object.fromEntries(Object.entries(spBasics).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof spBasics]: z.ZodOptional<typeof spBasics[K]> },
  wechatPay: WechatPaySettingsInput.optional(),
  alipay: AlipaySettingsInput.optional(),
})
export type UpdateServiceProviderBody = z.infer<typeof UpdateServiceProviderBody>

/** Which secrets are stored, never their values. */
export interface SecretPresence { [field: string]: boolean }

export interface ServiceProviderDTO {
  id: string
  outMchId: string
  name: string
  shortName: string
  adminName: string
  adminPhone: string
  tradeCallbackUrl: string | null
  logoUrl: string | null
  adUrl: string | null
  adImageUrl: string | null
  payCompleteUrl: string | null
  remark: string | null
  wechatPay: {
    mchId: string
    certificateSerial: string | null
    publicKeyId: string | null
    hasPlatformCertificate: boolean
    /** 商户 API 证书 uploaded (needed by WeChat deposits). */
    hasCertificate: boolean
    officialAccountAppId: string | null
    rebateBp: number | null
    secrets: { apiV3Key: boolean, apiV2Key: boolean, privateKey: boolean, officialAccountSecret: boolean }
  } | null
  alipay: { appId: string, pid: string, rebateBp: number | null, secrets: { privateKey: boolean, alipayPublicKey: boolean } } | null
  officialAccount: OfficialAccountAuthDTO
  maidan: { bound: boolean, boundAt: string | null }
  createdAt: string
  updatedAt: string
}

export type OfficialAccountAuthStatus = 'none' | 'authorized' | 'revoked'
export interface OfficialAccountAuthDTO {
  status: OfficialAccountAuthStatus
  appId: string | null
  /** The account passed WeChat verification (认证); unverified accounts have no web authorization (10005). */
  verified: boolean | null
  /** 网页服务权限 was granted to the platform. */
  webAuthorized: boolean
  cardAuthorized: boolean
  authorizedAt: string | null
  /** Why the last authorization attempt failed, in words a person can act on. */
  problem: string | null
}

export const CreateSubServiceProviderBody = z.object({
  serviceProviderId: z.string().min(1),
  /** 子服务商的平台账号 ID: the console account the sub-SP signs in with. */
  accountId: z.string().min(1, '请填写子服务商的平台账号 ID'),
  name: required(100, '子服务商名称'),
  adminName: required(40, '管理员姓名'),
  phone,
  wechatRebateBp: rebateBp.optional(),
  alipayRebateBp: rebateBp.optional(),
  remark: optionalText(500),
})
export type CreateSubServiceProviderBody = z.infer<typeof CreateSubServiceProviderBody>
export const UpdateSubServiceProviderBody = CreateSubServiceProviderBody.omit({ serviceProviderId: true, accountId: true }).partial()
export type UpdateSubServiceProviderBody = z.infer<typeof UpdateSubServiceProviderBody>

export interface SubServiceProviderDTO {
  id: string
  serviceProviderId: string
  accountId: string
  name: string
  adminName: string
  phone: string
  wechatRebateBp: number | null
  alipayRebateBp: number | null
  remark: string | null
  createdAt: string
}

const merchantBasics = {
  name: required(100, '子商户名称'),
  shortName: required(40, '子商户简称'),
  adminName: required(40, '管理员姓名'),
  adminEmail: email,
  logoUrl: url.optional(),
  adUrl: url.optional(),
  adImageUrl: url.optional(),
  remark: optionalText(500),
}

export const CreateMerchantBody = z.object({
  serviceProviderId: z.string().min(1),
  /** Set when a sub-SP onboards the merchant; a sub-SP caller always gets its own. */
  subServiceProviderId: z.string().optional(),
  ...merchantBasics,
  wechatSubMchId: z.string().trim().regex(/^\d{8,12}$/, { message: '子商户号为 8–12 位数字' }),
})
export type CreateMerchantBody = z.infer<typeof CreateMerchantBody>
export const UpdateMerchantBody = z.object(merchantBasics).partial().extend({
  /** Deleting the Alipay user id is how a merchant re-authorizes another Alipay account (T7). */
  alipayUserId: z.null().optional(),
  /** 押金权限 and 退款 API 权限 (P8): set by the service provider only. */
  depositEnabled: z.boolean().optional(),
  refundApiEnabled: z.boolean().optional(),
})
export type UpdateMerchantBody = z.infer<typeof UpdateMerchantBody>
export const SwitchWechatChannelBody = z.object({ channel: z.enum(WECHAT_CHANNELS) })

export interface MerchantDTO {
  id: string
  serviceProviderId: string
  subServiceProviderId: string | null
  outMchId: string
  outSubMchId: string
  /** 云支付订单前缀 cloud_cashier_id: every order number of this merchant starts with it. */
  orderPrefix: string
  name: string
  shortName: string
  adminName: string
  adminEmail: string
  logoUrl: string | null
  adUrl: string | null
  adImageUrl: string | null
  remark: string | null
  wechatSubMchId: string
  wechatChannel: WechatChannel
  /** 押金权限 (P8). */
  depositEnabled: boolean
  /** 退款 API 权限: refunds and deposit releases through the Cloud Pay API. */
  refundApiEnabled: boolean
  authenType: 'HMAC-SHA256'
  signType: 'RSA-PSS-SHA256'
  verifyPublicKey: string
  alipay: { userId: string, authAppId: string, tokenExpiresAt: string | null, tokenValid: boolean } | null
  createdAt: string
}

/** Returned by merchant creation only: the keys are never shown again. */
export interface MerchantCreatedDTO {
  merchant: MerchantDTO
  credentials: { authenKey: string, signingPrivateKey: string, verifyPublicKey: string }
  admin: StaffDTO
}

/** The channels a store takes (收款类型, S1). */
export const STORE_PAYMENT_TYPES = ['wechat_pay', 'alipay'] as const
export type StorePaymentType = typeof STORE_PAYMENT_TYPES[number]
export const STORE_PAYMENT_TYPE_LABELS: Record<StorePaymentType, string> = { wechat_pay: '微信支付', alipay: '支付宝' }

/** A closed store takes no payments: its codes show 门店已停止收款. */
export const STORE_STATUSES = ['open', 'closed'] as const
export type StoreStatus = typeof STORE_STATUSES[number]
export const STORE_STATUS_LABELS: Record<StoreStatus, string> = { open: '正常收款', closed: '已停止收款' }

/** WeChat Pay and Alipay in-store payments through a 服务商 settle in CNY; the seeds name no other currency. */
export const STORE_CURRENCIES = ['CNY'] as const
export type StoreCurrency = typeof STORE_CURRENCIES[number]

/**
 * 订单优惠标记 (goods_tag, seed 002): the voucher batch's tag, sent with every order of the store so
 * its vouchers redeem automatically. WeChat Pay: letters, digits, `_` and `-`, at most 32.
 */
export const GOODS_TAG = /^[0-9A-Za-z_-]{1,32}$/
export const GOODS_TAG_MAX_LENGTH = 32

const uniqueItems = <T>(xs: readonly T[]): boolean => new Set(xs).size === xs.length

const storeFields = {
  name: required(60, '门店名称'),
  branchName: optionalText(60),
  address: optionalText(200),
  phone: blankOr(PHONE, PHONE_MESSAGE).optional(),
  paymentTypes: z.array(z.enum(STORE_PAYMENT_TYPES, { message: '收款类型只能是微信支付或支付宝' }))
    .min(1, '请至少选择一种收款类型')
    .refine(uniqueItems, { message: '收款类型重复' }),
  currency: z.enum(STORE_CURRENCIES, { message: '门店币种目前只支持人民币（CNY）' }),
  goodsTag: blankOr(GOODS_TAG, `格式错误，订单优惠标记仅支持字母、数字、下划线、中划线，最多 ${GOODS_TAG_MAX_LENGTH} 位`),
  /** Pays this store's WeChat orders to another 特约商户 of the same SP (checked with WeChat Pay). */
  wechatSubMchId: blankOr(/^\d{8,12}$/, '微信支付子商户号为 8–12 位数字'),
  /** The Alipay account (2088…) this store's Alipay orders go to, instead of the merchant's. */
  alipayUserId: blankOr(/^2088\d{12}$/, '支付宝用户 ID 以 2088 开头，共 16 位数字'),
  /** The WeChat 买单 store (T8), only while the merchant uses the 买单 channel. */
  maidanStoreId: blankOr(/^[0-9A-Za-z_-]{1,64}$/, '微信买单门店 ID 只能包含字母、数字、下划线、中划线（最多 64 位）'),
  /** 本门店禁用会员卡 is `false` here. */
  memberCardEnabled: z.boolean(),
  status: z.enum(STORE_STATUSES, { message: '门店状态只能是 open 或 closed' }),
}

/**
 * S1. Only the name is required; the rest take the store defaults (both wallets, CNY, open, member
 * card on, no overrides). Omitted fields have no zod default, so callers that build the body in
 * code (the demo seed) keep compiling.
 */
export const CreateStoreBody = z.object({
  name: storeFields.name,
  branchName: storeFields.branchName,
  address: storeFields.address,
  phone: storeFields.phone,
  paymentTypes: storeFields.paymentTypes.optional(),
  currency: storeFields.currency.optional(),
  goodsTag: storeFields.goodsTag.optional(),
  wechatSubMchId: storeFields.wechatSubMchId.optional(),
  alipayUserId: storeFields.alipayUserId.optional(),
  maidanStoreId: storeFields.maidanStoreId.optional(),
  memberCardEnabled: storeFields.memberCardEnabled.optional(),
  status: storeFields.status.optional(),
})
export type CreateStoreBody = z.infer<typeof CreateStoreBody>
/** Absent = unchanged; `''` clears an optional text field. */
export const UpdateStoreBody = CreateStoreBody.partial()
export type UpdateStoreBody = z.infer<typeof UpdateStoreBody>

export interface StoreDTO {
  id: string
  merchantId: string
  /** Cloud Pay `out_shop_id`: 20 letters/digits. */
  outShopId: string
  name: string
  branchName: string | null
  address: string | null
  phone: string | null
  status: StoreStatus
  paymentTypes: StorePaymentType[]
  currency: StoreCurrency
  goodsTag: string | null
  /** Per-store overrides; null = the merchant's own. */
  wechatSubMchId: string | null
  alipayUserId: string | null
  maidanStoreId: string | null
  memberCardEnabled: boolean
  createdAt: string
  updatedAt: string
}

export const AddStaffBody = z.object({
  name: required(40, '姓名'),
  phone: phone.optional(),
  email: email.optional(),
  /**
   * Omitted: store managers get it (店长默认有订单退款权限), everyone else does not. A clerk refunds
   * only with it and while on duty (P5).
   */
  refundPermission: z.boolean().optional(),
})
export type AddStaffBody = z.infer<typeof AddStaffBody>

/** S2: a store's people. Managers run one store; clerks take payments (and refund if permitted). */
export const STORE_STAFF_ROLES = ['store_manager', 'clerk'] as const
export type StoreStaffRole = typeof STORE_STAFF_ROLES[number]
export const AddStoreStaffBody = AddStaffBody.extend({ role: z.enum(STORE_STAFF_ROLES, { message: '角色只能是店长或店员' }) })
export type AddStoreStaffBody = z.infer<typeof AddStoreStaffBody>

/** Name and contact only; the role is fixed (replace = add the new one, remove the old). `''` clears. */
export const UpdateStaffBody = z.object({
  name: required(40, '姓名').optional(),
  /** The SMS fallback for payment messages (S2, N1). */
  phone: blankOr(PHONE, PHONE_MESSAGE).optional(),
  email: z.string().trim().max(120).refine((s) => s === '' || z.email().safeParse(s).success, { message: '请填写正确的邮箱' }).optional(),
})
export type UpdateStaffBody = z.infer<typeof UpdateStaffBody>

/** 店员退款权限设置 (seed 000): the store's manager or the merchant admin decides, never the clerk. */
export const SetRefundPermissionBody = z.object({ refundPermission: z.boolean() })
export type SetRefundPermissionBody = z.infer<typeof SetRefundPermissionBody>

export interface StaffDTO {
  id: string
  role: StaffRole
  roleLabel: string
  name: string
  phone: string | null
  email: string | null
  refundPermission: boolean
  activated: boolean
  activatedAt: string | null
  serviceProviderId: string
  subServiceProviderId: string | null
  merchantId: string | null
  storeId: string | null
  createdAt: string
}

/** A QR code the console shows: `url` is what the image encodes. */
export interface QrCodeDTO { url: string, expiresAt: string | null }
export interface EntityQrCodesDTO { activation: QrCodeDTO & { staffId: string }, management: QrCodeDTO }

export interface WechatIdentityDTO { id: string, appId: string, openidMasked: string, nickname: string | null, boundAt: string }
export type BindingStatus = 'pending' | 'bound' | 'expired'
export interface WechatBindingDTO { id: string, url: string, status: BindingStatus, expiresAt: string }

export interface ConsoleMeDTO {
  id: string
  login: string
  displayName: string
  isOperator: boolean
  wechatBound: boolean
}

export type MaidanSyncStatus = 'queued' | 'running' | 'succeeded' | 'failed'
export interface MaidanSyncDTO {
  id: string
  serviceProviderId: string
  status: MaidanSyncStatus
  total: number | null
  processed: number
  created: number
  skipped: number
  error: string | null
  createdAt: string
  finishedAt: string | null
}

/**
 * What can go wrong when a person scans an activation, binding or management code, and what to do
 * about it — the error pages and remedies of seed 000 (配置服务商 四, 配置子商户 激活子商户管理员).
 */
export const SCAN_PROBLEMS = {
  code_used: { title: '二维码已被使用', remedy: '该激活二维码已经使用过，每个二维码只能激活一次。如需激活新的管理员，请让服务商在后台重新生成二维码。' },
  code_expired: { title: '二维码已过期', remedy: '请让服务商在后台重新打开二维码（单击刷新）后再扫码。' },
  code_unknown: { title: '二维码无效', remedy: '该二维码不存在或已被撤销，请确认扫描的是云支付后台展示的最新二维码。' },
  code_foreign: { title: '二维码不属于该服务商', remedy: '该二维码不是通过本服务商的公众号打开的，请使用后台展示的二维码重新扫码。' },
  oa_not_authorized: { title: '公众号尚未授权', remedy: '服务商的微信公众号尚未将网页服务权限授权给云支付，请在服务商详情中单击“授权”，完成授权后再扫码。' },
  scope_error: { title: 'Scope 参数错误或没有 Scope 权限（10005）', remedy: '服务商填写的 AppID 对应的微信公众号没有通过微信认证，请到微信公众平台完成认证后再扫码。' },
  redirect_domain: { title: '授权回调域名校验出错（redirect_uri 参数错误）', remedy: '服务商的微信公众号未将网页服务权限授权给云支付，请完成授权后，再扫码激活管理员身份。' },
  appid_mismatch: { title: 'AppID 填写错误', remedy: '创建服务商时微信支付信息里的 AppID 与授权的公众号不一致，请在服务商信息中改正 AppID 后重新授权。' },
  openid_failed: { title: '获取微信 openid 失败', remedy: '微信内置浏览器的兼容性问题：若此前已扫码成功，实际已经激活，可以忽略此错误；否则请重新扫码。' },
  alipay_other_account: { title: '已授权其他支付宝账号', remedy: '如果您想绑定新的支付宝账户，需先删除原来的授权信息（编辑 > 删除“支付宝用户 ID” > 保存），然后重新授权；如果想使用原有的支付宝账户，请确认使用了正确的商户支付宝扫码。' },
  not_an_admin: { title: '没有管理权限', remedy: '当前微信号不是该对象已激活的管理员，请先扫描激活二维码激活管理员身份。' },
  rate_limited: { title: '操作过于频繁', remedy: '请稍后再试。' },
  qr_unbound: { title: '该二维码尚未绑定门店', remedy: '这是一张空白收款码，商户绑定门店后才能付款。请向商家确认，或改扫门店的其他收款码。商户管理员、店长或店员可用微信扫码后在管理页面绑定。' },
  qr_unknown: { title: '收款码无效', remedy: '该收款码不存在，请确认扫描的是门店张贴的收款码，或请商家出示其他收款码。' },
  qr_disabled: { title: '该收款码已停用', remedy: '商户已停用这张收款码，请改扫门店的其他收款码，或向商家询问付款方式。' },
  store_closed: { title: '门店已停止收款', remedy: '该门店暂时不接受扫码付款，请向商家询问其他付款方式。' },
  unsupported_app: { title: '请用微信或支付宝扫码', remedy: '该收款码只能在微信或支付宝中付款，请打开微信或支付宝的“扫一扫”重新扫码。' },
  alipay_not_enabled: { title: '该商户暂未开通支付宝收款', remedy: '请改用微信扫码付款，或向商家询问其他付款方式。' },
  payment_type_not_accepted: { title: '该门店暂不支持此付款方式', remedy: '门店没有开通这种付款方式，请改用门店支持的微信或支付宝扫码付款，或向商家询问。' },
  alipay_auth_failed: { title: '获取支付宝用户信息失败', remedy: '支付宝授权未完成或已失效，请关闭页面后重新扫码。' },
  card_unknown: { title: '会员卡不存在', remedy: '该会员卡不存在或已被商户删除，请向商家确认。' },
} as const satisfies Record<string, { title: string, remedy: string }>
export type ScanProblem = keyof typeof SCAN_PROBLEMS

/** The problems a service provider sees when authorizing its official account (T3). */
export const OA_AUTH_PROBLEMS = {
  too_many_authorizations: '公众号授权的第三方平台过多，请在微信公众平台删除部分授权后，再重新对云支付授权。',
  appid_mismatch: '授权的公众号与服务商信息中填写的 AppID 不一致，请改正 AppID 或使用正确的公众号授权。',
  not_verified: '该公众号没有通过微信认证，无法使用网页授权（错误码 10005），请到微信公众平台认证。',
  web_not_authorized: '授权时未勾选“网页服务权限”，管理员扫码会出现“授权回调域名校验出错”，请重新授权并勾选该权限。',
} as const
