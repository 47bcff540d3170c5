/**
 * The error vocabulary of every yima API. `type` picks the HTTP status; `code` is what clients
 * branch on and localise; `message` is safe to show to a person.
 */
export type ErrorType =
  | 'invalid_request' | 'authentication' | 'permission' | 'not_found'
  | 'conflict' | 'idempotency' | 'channel' | 'rate_limit' | 'unavailable' | 'internal'

export const ERROR_STATUS = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  conflict: 409,
  idempotency: 409,
  rate_limit: 429,
  internal: 500,
  channel: 502,
  unavailable: 503,
} as const satisfies Record<ErrorType, number>

/** Default user-facing text for each code; a thrown error may carry a more specific message. */
export const ERROR_MESSAGES = {
  validation_failed: '请求参数不正确',
  invalid_json: '请求体不是合法的 JSON',
  unsupported_media_type: '不支持的请求内容类型',
  payload_too_large: '请求体过大',
  invalid_amount: '金额格式不正确',
  route_not_found: '请求的地址不存在',
  method_not_allowed: '不支持该请求方法',
  resource_not_found: '请求的对象不存在',
  idempotency_key_invalid: 'Idempotency-Key 格式不正确',
  idempotency_key_reused: '同一 Idempotency-Key 已用于不同的请求',
  idempotency_key_in_flight: '同一 Idempotency-Key 的请求仍在处理中',
  unauthenticated: '请先登录',
  invalid_credentials: '账号或密码错误',
  session_expired: '登录已过期，请重新登录',
  session_revoked: '登录已失效，请重新登录',
  refresh_token_invalid: '登录凭证无效，请重新登录',
  account_disabled: '账号已停用，请联系管理员',
  weak_password: '密码至少 8 位',
  login_taken: '该账号已存在',
  forbidden: '没有权限执行该操作',
  rate_limited: '请求过于频繁，请稍后再试',
  database_unavailable: '数据库暂不可用',
  shutting_down: '服务正在重启，请稍后重试',
  internal_error: '系统繁忙，请稍后再试',
  wechat_binding_required: '请先扫码绑定微信号',
  last_wechat_identity: '至少保留一个已绑定的微信号',
  service_provider_not_found: '服务商不存在',
  sub_service_provider_not_found: '子服务商不存在',
  merchant_not_found: '子商户不存在',
  store_not_found: '门店不存在',
  staff_not_found: '管理员不存在',
  account_not_found: '平台账号不存在',
  merchant_exists: '子商户已存在',
  sub_mch_not_special: '该子商户号不是本服务商的特约商户',
  wechat_pay_not_configured: '服务商尚未配置微信支付信息',
  alipay_not_configured: '服务商尚未配置支付宝信息',
  official_account_not_configured: '服务商尚未填写公众号 AppID',
  platform_not_configured: '平台尚未配置该功能所需的参数',
  maidan_not_enabled: '该子商户的微信支付商户号还没有开通微信买单，请先开通微信买单后再切换',
  maidan_not_bound: '服务商尚未绑定微信买单服务商助手',
  maidan_bind_failed: '绑定微信买单服务商助手失败',
  maidan_sync_running: '买单子商户同步正在进行中',
  alipay_already_authorized: '已授权其他支付宝账号：如需绑定新的支付宝账号，请先删除原来的支付宝用户 ID 再重新授权',
  alipay_token_invalid: '无效应用授权令牌：支付宝授权已失效，请让商户重新扫码授权',
  last_admin: '不能删除最后一个管理员，请先添加新管理员并激活',
  last_refund_admin: '不能删除最后一个有退款权限的管理员',
  channel_error: '支付渠道暂时不可用，请稍后再试',
  staff_already_activated: '该管理员已激活，无需再次扫码',
  order_not_found: '订单不存在',
  order_state_conflict: '订单状态已变化，请刷新后重试',
  order_not_refundable: '该订单未支付成功，不能退款',
  refund_exceeds_payment: '退款金额超过可退金额',
  concurrent_update: '数据已被其他人修改，请刷新后重试',
  qr_code_not_found: '二维码不存在',
  qr_batch_not_found: '二维码批次不存在',
  qr_code_unbound: '该二维码尚未绑定门店',
  qr_code_disabled: '该二维码已停用',
  qr_code_already_bound: '该二维码已绑定门店，请先解绑再重新绑定',
  qr_code_not_blank: '只有空码可以解绑；门店自己的二维码请停用',
  qr_code_foreign: '该二维码不属于本服务商，不能绑定到该门店',
  qr_staff_not_in_store: '该店员不属于所选门店',
  store_closed: '门店已停止收款',
  payer_unknown: '请重新扫码：需要先确认您的微信或支付宝身份',
  amount_out_of_range: '金额超出允许范围',
  channel_unavailable: '支付通道暂时不可用，请稍后再试',
  alipay_not_enabled: '该商户暂未开通支付宝收款，请用微信扫码付款',
  payment_type_not_accepted: '该门店暂不支持此付款方式',
  payment_callback_not_found: '回调记录不存在',
  payment_callback_pending: '该回调正在发送中，请稍后再试',
  auth_code_invalid: '付款码无效：请让顾客刷新微信或支付宝付款码后重新扫描',
  refund_not_permitted: '没有退款权限',
  micropay_not_permitted: '只有商户管理员、店长和本店店员可以在该门店收款',
  device_already_bound: '设备已被绑定',
  device_brand_unsupported: '暂不支持该品牌：智联博众未公开设备接口，请选择飞鹅、易联云云打印机或博瑞皓科云喇叭',
  device_rejected: '设备厂商拒绝了请求，请检查设备编号和密钥',
  device_vendor_unavailable: '设备厂商接口暂时不可用，请稍后再试',
  device_vendor_not_configured: '平台尚未配置该品牌设备的接入参数',
  cloud_printer_not_found: '云打印机不存在',
  cloud_speaker_not_found: '云喇叭不存在',
  no_store_printer: '门店没有可用的云打印机',
  store_staff_not_found: '你不是该门店的店员或店长',
  notify_setting_not_permitted: '只有店长可以设置下班后也接收收款消息',
  store_has_recent_transactions: '该门店近一个月内有交易，不能删除（交易记录不可删除）',
  maidan_store_requires_maidan: '子商户尚未切换到微信买单渠道，门店不能绑定微信买单门店',
  cashier_device_not_found: '收银设备不存在',
  cashier_device_unbound: '该设备已解绑，请重新添加',
  staff_not_manageable: '没有权限管理该员工：店长只能管理本店店员，商户管理员可管理所有门店员工',
  already_on_duty: '已在班：无需重复上班打卡',
  not_on_duty: '不在班：请先上班打卡',
  clock_in_not_permitted: '只有本店的店长和店员可以上下班打卡',
  handover_range_too_long: '交班汇总一次最多查询 31 天',
  mini_program_not_configured: '平台尚未配置小程序（WX_MINIPROGRAM_APPID / WX_MINIPROGRAM_SECRET）',
  mini_program_login_failed: '微信登录失败，请重新打开小程序',
  mini_program_not_linked: '请先关联身份：在公众号的商户助手页面获取关联码',
  link_code_invalid: '关联码无效或已过期，请在公众号的商户助手页面重新获取',
  link_code_needs_official_account: '请在公众号中打开商户助手获取关联码',
  card_permission_missing: '服务商公众号尚未授权“微信卡券权限”：请在服务商详情中重新授权并勾选微信卡券权限',
  card_sub_merchant_not_configured: '请先配置卡券子商户ID',
  card_sub_merchant_not_found: '卡券子商户ID 不存在，或不是服务商公众号代制的子商户',
  card_sub_merchant_not_approved: '卡券子商户尚未审核通过',
  member_card_exists: '该商户已创建会员卡',
  member_card_not_found: '会员卡不存在',
  member_card_not_approved: '会员卡尚未审核通过',
  member_card_has_balance: '还有会员的余额未清零，不能删除会员卡',
  member_card_disabled_at_store: '本门店已禁用会员卡',
  member_card_wechat_only: '会员卡存放在微信卡包中，不支持支付宝：请用微信扫码',
  member_not_found: '会员不存在',
  member_not_active: '请先领取并激活会员卡',
  card_code_invalid: '会员卡领取未成功，请重新领取',
  phone_taken: '该手机号已是其他会员的手机号',
  balance_insufficient: '会员卡余额不足',
  balance_cap_exceeded: '充值金额和当前余额相加超过了会员卡余额上限，无法充值',
  balance_cap_below_balances: '余额上限不能低于现有会员的余额',
  recharge_amount_invalid: '请选择会员卡提供的充值金额',
  import_rejected: '导入文件中有不合格的行，未导入任何数据',
  card_payment_not_found: '会员卡付款记录不存在',
  card_recharge_not_refundable: '会员卡充值订单不能在这里退款：请在会员管理中修改该会员的余额',
  voucher_batch_not_found: '代金券批次不存在',
  voucher_batch_exists: '该批次已导入',
  voucher_batch_unusable: '该批次不能导入',
  voucher_batch_paused: '该代金券已下架',
  voucher_store_paused: '本门店已暂停发放该代金券',
  voucher_limit_reached: '您已领取过该代金券，已达到每人可领上限',
  voucher_sold_out: '代金券已领完',
  voucher_not_offered: '该代金券当前不可领取',
  voucher_wechat_only: '代金券只能在微信中领取',
  deposit_not_enabled: '商户未开通押金权限',
  refund_api_not_enabled: '商户未开通退款 API 权限',
  deposit_not_on_maidan: '买单渠道暂不支持押金功能',
  scan_freeze_unsupported: '该支付平台不支持扫码押金',
  deposit_number_taken: '押金单号已被使用',
  deposit_not_found: '押金单不存在',
  deposit_not_frozen: '押金未冻结成功或已结束',
  deposit_completing: '押金正在完成消费，请稍后查询',
  deposit_busy: '押金还有进行中的消费或解冻，请稍后再完成消费',
  deposit_consumed: '微信押金只能消费一次',
  deposit_insufficient: '押金余额不足',
  deposit_partial_unfreeze: '微信押金只能在消费前全额解冻',
  unfreeze_number_taken: '解冻单号已被使用',
  deposit_order_not_reversible: '押金消费单不能撤销或关单，请退款',
} as const

export type ErrorCode = keyof typeof ERROR_MESSAGES

export interface ErrorBody {
  error: {
    type: ErrorType
    code: ErrorCode
    message: string
    /** The request field at fault, as a dotted path (`items.0.amountFen`). */
    param?: string
    /** Structured detail a client can act on (e.g. the rejected rows of an import). */
    details?: unknown
    requestId?: string
  }
}

/** A failure the caller can act on. Anything thrown that is not an AppError is answered as `internal`. */
export class AppError extends Error {
  override readonly name = 'AppError'
  constructor (
    readonly type: ErrorType,
    readonly code: ErrorCode,
    message: string = ERROR_MESSAGES[code],
    /** `status` overrides the type's HTTP status where the protocol has a more exact one (413, 415). */
    /** `details` stays on the server (logs); `publicDetails` is sent to the client as `error.details`. */
    readonly extra: { param?: string, details?: unknown, publicDetails?: unknown, cause?: unknown, status?: number } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause })
  }

  get status (): number { return this.extra.status ?? ERROR_STATUS[this.type] }

  toBody (requestId?: string): ErrorBody {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.extra.param === undefined ? {} : { param: this.extra.param }),
        ...(this.extra.publicDetails === undefined ? {} : { details: this.extra.publicDetails }),
        ...(requestId === undefined ? {} : { requestId }),
      },
    }
  }
}

export const isErrorBody = (v: unknown): v is ErrorBody =>
  typeof v === 'object' && v !== null && 'error' in v &&
  typeof (v as { error: unknown }).error === 'object' && (v as { error: object | null }).error !== null &&
  typeof (v as ErrorBody).error.code === 'string'
