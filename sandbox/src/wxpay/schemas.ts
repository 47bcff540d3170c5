import { z } from 'zod'
import { paramError } from './errors'

/** Zod failures become WeChat's PARAM_ERROR, naming the field the way WeChat's messages do. */
export function parseWire<T> (schema: z.ZodType<T>, value: unknown, location: 'body' | 'query' = 'body'): T {
  const r = schema.safeParse(value ?? {})
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const field = issue?.path.join('/') ?? ''
  throw paramError(`输入源“/${location}/${field}”映射到值字段校验失败：${issue?.message ?? '格式错误'}`, { location, field })
}

/** Key-sorted JSON: two requests are "the same" when their fields are, whatever the key order. */
export function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

const mchid = z.string().regex(/^\d{8,12}$/, '商户号格式错误')
const appid = z.string().regex(/^wx[0-9a-zA-Z]{16}$/, 'appid格式错误')
const outTradeNo = z.string().regex(/^[0-9A-Za-z_\-|*]{6,32}$/, '商户订单号只能是数字、大小写字母_-|*，长度6-32位')
const rfc3339 = z.string().refine((s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)), '时间格式须为RFC3339，如2018-06-08T10:34:56+08:00')
const amount = z.object({ total: z.number().int().positive(), currency: z.literal('CNY').default('CNY') })

/** The fields every order-creating request opens with: the service provider, the sub-merchant, the description and out_trade_no. */
const orderHead = {
  sp_appid: appid,
  sp_mchid: mchid,
  sub_appid: appid.optional(),
  sub_mchid: mchid,
  description: z.string().min(1).max(127),
  out_trade_no: outTradeNo,
}

const OrderBase = z.object({
  ...orderHead,
  time_expire: rfc3339.optional(),
  attach: z.string().max(128).optional(),
  notify_url: z.url(),
  goods_tag: z.string().max(32).optional(),
  amount,
  scene_info: z.object({ device_id: z.string().optional() }).loose().optional(),
})

export const JsapiBody = OrderBase.extend({
  payer: z.object({ sp_openid: z.string().min(1).optional(), sub_openid: z.string().min(1).optional() })
    .refine((p) => (p.sp_openid === undefined) !== (p.sub_openid === undefined), 'sp_openid与sub_openid须且仅须填写一个'),
})
export const NativeBody = OrderBase
export const AppBody = OrderBase
export const H5Body = OrderBase.extend({
  scene_info: z.object({
    payer_client_ip: z.string().min(1),
    device_id: z.string().optional(),
    h5_info: z.object({ type: z.enum(['iOS', 'Android', 'Wap']) }).loose(),
  }).loose(),
})

export const CodepayBody = z.object({
  ...orderHead,
  attach: z.string().max(128).optional(),
  goods_tag: z.string().max(32).optional(),
  // WeChat payment codes: 18 digits starting 10–15.
  payer: z.object({ auth_code: z.string().regex(/^1[0-5]\d{16}$/, '付款码无效，请重新扫码') }),
  amount,
  scene_info: z.object({
    device_id: z.string().optional(),
    device_ip: z.string().optional(),
    store_info: z.object({ out_id: z.string().optional() }).loose().optional(),
  }).loose(),
})

export const CloseBody = z.object({ sp_mchid: mchid, sub_mchid: mchid })
export const ReverseBody = z.object({ sp_appid: appid, sp_mchid: mchid, sub_appid: appid.optional(), sub_mchid: mchid })
export const OrderQuery = z.object({ sp_mchid: mchid, sub_mchid: mchid })

export const RefundBody = z.object({
  sub_mchid: mchid,
  transaction_id: z.string().optional(),
  out_trade_no: z.string().optional(),
  out_refund_no: z.string().regex(/^[0-9A-Za-z_\-|*@]{1,64}$/, '商户退款单号格式错误'),
  reason: z.string().max(80).optional(),
  notify_url: z.url().optional(),
  funds_account: z.string().optional(),
  amount: z.object({ refund: z.number().int().positive(), total: z.number().int().positive(), currency: z.literal('CNY') }),
}).refine((b) => b.transaction_id !== undefined || b.out_trade_no !== undefined, 'transaction_id与out_trade_no须填写一个')
export const RefundQuery = z.object({ sub_mchid: mchid })

export const TradeBillQuery = z.object({
  bill_date: z.string().regex(/^\d{4}-\d\d-\d\d$/, '账单日期格式须为yyyy-MM-DD'),
  sub_mchid: mchid.optional(),
  bill_type: z.enum(['ALL', 'SUCCESS', 'REFUND']).default('ALL'),
  tar_type: z.literal('GZIP').optional(),
})
export const BillDownloadQuery = z.object({ token: z.string().min(1) })

export const MaidanBindBody = z.object({ sp_mchid: mchid, appid, openid: z.string().min(1) })
export const MaidanListQuery = z.object({
  sp_mchid: mchid,
  offset: z.coerce.number().int().min(0, 'offset不能小于0').default(0),
  limit: z.coerce.number().int().min(1, 'limit不能小于1').max(50, 'limit不能大于50').default(10),
})
export const MaidanMerchantQuery = z.object({ sp_mchid: mchid })

export const StockBody = z.object({
  stock_name: z.string().min(1).max(21),
  comment: z.string().max(20).optional(),
  belong_merchant: mchid,
  available_begin_time: rfc3339,
  available_end_time: rfc3339,
  stock_use_rule: z.object({
    max_coupons: z.number().int().positive(),
    max_amount: z.number().int().positive(),
    max_amount_by_day: z.number().int().positive().optional(),
    max_coupons_per_user: z.number().int().min(1).max(100),
    natural_person_limit: z.boolean().optional(),
    prevent_api_abuse: z.boolean().optional(),
  }),
  coupon_use_rule: z.object({
    fixed_normal_coupon: z.object({ coupon_amount: z.number().int().positive(), transaction_minimum: z.number().int().positive() }),
    goods_tag: z.array(z.string()).optional(),
    available_merchants: z.array(mchid).optional(),
    combine_use: z.boolean().optional(),
  }).loose(),
  no_cash: z.boolean(),
  stock_type: z.literal('NORMAL'),
  out_request_no: z.string().min(1).max(128),
}).loose()
export const StockCreatorBody = z.object({ stock_creator_mchid: mchid })
export const StockQuery = z.object({ stock_creator_mchid: mchid })
export const SendCouponBody = z.object({
  stock_id: z.string().min(1),
  out_request_no: z.string().min(1).max(128),
  appid,
  stock_creator_mchid: mchid,
}).loose()
export const CouponsQuery = z.object({
  appid,
  stock_id: z.string().optional(),
  status: z.enum(['SENDED', 'USED', 'EXPIRED']).optional(),
  creator_mchid: mchid.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10).default(10),
})
export const CouponQuery = z.object({ appid })
export const CallbackBody = z.object({ mchid, notify_url: z.url(), switch: z.boolean().optional() })
