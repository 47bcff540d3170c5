/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'

/**
 * Cashier devices of a store (S5, seed 000 添加收银设备, seed 004 设备类型): the POS, cashier software
 * or terminal that scans customers' payment codes and talks to yima's Cloud Pay API.
 */
export const CASHIER_DEVICE_TYPES = ['cloud_cashier', 'smart_pos', 'mobile_terminal', 'other'] as const
export type CashierDeviceType = typeof CASHIER_DEVICE_TYPES[number]

export const CASHIER_DEVICE_TYPE_LABELS: Record<CashierDeviceType, string> = {
  cloud_cashier: '云支付收银台',
  smart_pos: '智能 POS',
  mobile_terminal: '移动收款机具',
  other: '其他',
}

/** Cloud Pay's `device_shift_type` (cloudpay-api.md §7 DeviceInfo): what a Cloud Pay client expects. */
export const CLOUDPAY_DEVICE_SHIFT_TYPE: Record<CashierDeviceType, 1 | 2 | 3 | 4> = {
  mobile_terminal: 1,
  cloud_cashier: 2,
  smart_pos: 3,
  other: 4,
}

/** Vendor SNs carry a prefix (`LANDI_QM600_LA190000000`): letters, digits, `_`, `-`, `.`. */
export const DEVICE_SN = /^[0-9A-Za-z_.-]{4,64}$/

export const AddCashierDeviceBody = z.object({
  type: z.enum(CASHIER_DEVICE_TYPES, { message: '请选择设备类型：云支付收银台、智能 POS、移动收款机具或其他' }),
  sn: z.string().trim().regex(DEVICE_SN, { message: '设备 SN 为 4–64 位字母、数字、下划线、中划线或点' }),
  name: z.string().trim().max(40, { message: '设备名称不能超过 40 个字符' }).optional(),
})
export type AddCashierDeviceBody = z.infer<typeof AddCashierDeviceBody>

export const CashierDeviceListQuery = z.object({
  /** Also the devices unbound earlier (their history); by default only the bound ones. */
  includeUnbound: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
})

export interface CashierDeviceDTO {
  id: string
  merchantId: string
  storeId: string
  type: CashierDeviceType
  typeLabel: string
  sn: string
  name: string | null
  bound: boolean
  boundAt: string
  unboundAt: string | null
  createdAt: string
}

/**
 * What the device-configuration QR encodes, as compact JSON (snake_case like the Cloud Pay API it
 * configures). Everything a POS needs to send its first request except the 认证密钥, which is a
 * secret: the merchant types it in (it was shown once when the merchant was created). Field names
 * follow Cloud Pay's `use_device_setting` (cloudpay-api.md §8.1) minus authen_key.
 */
export interface DeviceConfigPayload {
  /** Payload version; a client refuses versions it does not know. */
  v: 1
  kind: 'yima_cashier_device'
  /** Where the Cloud Pay compatible API is: POST `<api_base_url>/<interface name>`. */
  api_base_url: string
  out_mch_id: string
  out_sub_mch_id: string
  /** The merchant's order-number prefix: every out_trade_no the device makes starts with it. */
  cloud_cashier_id: string
  authen_type: 'HMAC-SHA256'
  out_shop_id: string
  shop_name: string
  /** The `order_client.device_id` the device sends with each order. */
  device_id: string
  device_name: string
  device_shift_type: 1 | 2 | 3 | 4
  sn: string
}

export interface DeviceConfigQrDTO {
  payload: DeviceConfigPayload
  /** The exact text in the QR (JSON of `payload`). */
  content: string
  /** The QR as a PNG, under the same authentication as this answer. */
  pngPath: string
}
