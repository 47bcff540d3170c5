/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'

/**
 * Cloud printers (S6) and cloud speakers (S7) of a store: request bodies and DTOs shared by the
 * server, the console and the staff pages. A device bound to a QR code (`qrCodeId`) serves only that
 * code's payments; one without serves every one-code payment of its store.
 */

/** 飞鹅, 易联云, 智联博众 (the last publishes no API: accepted as a brand, refused when adding). */
export const CLOUD_PRINTER_BRANDS = ['feie', 'yly', 'zlbz'] as const
export type CloudPrinterBrand = typeof CLOUD_PRINTER_BRANDS[number]
export const CLOUD_PRINTER_BRAND_LABELS: Record<CloudPrinterBrand, string> = { feie: '飞鹅', yly: '易联云', zlbz: '智联博众' }

/** 博瑞皓科, 智联博众 (refused when adding, as for printers). */
export const CLOUD_SPEAKER_BRANDS = ['brhk', 'zlbz'] as const
export type CloudSpeakerBrand = typeof CLOUD_SPEAKER_BRANDS[number]
export const CLOUD_SPEAKER_BRAND_LABELS: Record<CloudSpeakerBrand, string> = { brhk: '博瑞皓科', zlbz: '智联博众' }

/** What the vendor last said about a printer; `unknown` until it was asked. */
export const PRINTER_STATES = ['online', 'offline', 'paper_out', 'unknown'] as const
export type PrinterState = typeof PRINTER_STATES[number]
export const PRINTER_STATE_LABELS: Record<PrinterState, string> = { online: '在线', offline: '离线', paper_out: '缺纸', unknown: '未知' }

export const MAX_PRINT_COPIES = 9

/** The serial number on the device's label (飞鹅/易联云 终端号, 博瑞皓科 SPEAKERID). */
const DeviceSn = z.string().trim().regex(/^[0-9A-Za-z]{4,32}$/, '设备编号为 4–32 位字母或数字')
const DeviceName = z.string().trim().min(1).max(32)
const Copies = z.number().int().min(1).max(MAX_PRINT_COPIES)
const Volume = z.number().int().min(0).max(100)
/** null = serve the whole store; a code id = only that code's payments (the code must belong to the store). */
const QrCodeTarget = z.string().min(1).max(64).nullable()

/**
 * `POST /v1/stores/:id/printers`: adds the printer at the vendor with its key (飞鹅 KEY / 易联云
 * 终端密钥, printed on the label), then to the store. 409 `device_already_bound` when the SN is
 * already in use; 400 `device_rejected` with the vendor's words when it refuses (a wrong key).
 */
export const AddCloudPrinterBody = z.object({
  brand: z.enum(CLOUD_PRINTER_BRANDS),
  sn: DeviceSn,
  key: z.string().trim().min(1).max(64),
  name: DeviceName.optional(),
  copies: Copies.optional(),
  enabled: z.boolean().optional(),
  qrCodeId: QrCodeTarget.optional(),
}).strict()
export type AddCloudPrinterBody = z.infer<typeof AddCloudPrinterBody>

export const UpdateCloudPrinterBody = z.object({
  name: DeviceName.nullable().optional(),
  copies: Copies.optional(),
  enabled: z.boolean().optional(),
  qrCodeId: QrCodeTarget.optional(),
}).strict()
export type UpdateCloudPrinterBody = z.infer<typeof UpdateCloudPrinterBody>

/** `POST /v1/stores/:id/speakers`: binds the speaker under the platform's agency account. */
export const AddCloudSpeakerBody = z.object({
  brand: z.enum(CLOUD_SPEAKER_BRANDS),
  sn: DeviceSn,
  name: DeviceName.optional(),
  volume: Volume.optional(),
  enabled: z.boolean().optional(),
  qrCodeId: QrCodeTarget.optional(),
}).strict()
export type AddCloudSpeakerBody = z.infer<typeof AddCloudSpeakerBody>

export const UpdateCloudSpeakerBody = z.object({
  name: DeviceName.nullable().optional(),
  volume: Volume.optional(),
  enabled: z.boolean().optional(),
  qrCodeId: QrCodeTarget.optional(),
}).strict()
export type UpdateCloudSpeakerBody = z.infer<typeof UpdateCloudSpeakerBody>

/** `POST /v1/orders/:id/print`: the order's details, or one of its refunds' receipt (退款小票). */
export const PrintOrderBody = z.object({ refundId: z.string().min(1).max(64).optional() }).strict()
export type PrintOrderBody = z.infer<typeof PrintOrderBody>

/** A printer as the console shows it. The vendor key never leaves the server: `hasKey` says it is stored. */
export interface CloudPrinterDto {
  id: string
  storeId: string
  qrCodeId: string | null
  brand: CloudPrinterBrand
  brandLabel: string
  sn: string
  name: string | null
  copies: number
  enabled: boolean
  state: PrinterState
  stateLabel: string
  stateCheckedAt: string | null
  hasKey: boolean
  createdAt: string
  updatedAt: string
}

export interface CloudSpeakerDto {
  id: string
  storeId: string
  qrCodeId: string | null
  brand: CloudSpeakerBrand
  brandLabel: string
  sn: string
  name: string | null
  volume: number
  enabled: boolean
  createdAt: string
  updatedAt: string
}

/** `DELETE /v1/printers/:id`, `/v1/speakers/:id`: gone from the store; `vendorUnbound` false if the vendor could not be told (re-adding still works). */
export interface CloudDeviceDeletedDto { id: string, deleted: true, vendorUnbound: boolean }

/** One print queued on request (an entry of the delivery ledger): which printer, and how it stands. */
export interface CloudPrintDto {
  deliveryId: string
  printerId: string
  target: string
  status: 'pending' | 'sent' | 'failed' | 'fallback'
}
