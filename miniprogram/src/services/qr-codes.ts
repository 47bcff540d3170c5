import type { Fen, List } from '@yima/shared'
import { api } from '../lib/session'

/*
 * A store's payment QR codes (S1, S3, S4) on the phone. The DTO mirrors the server's
 * `modules/qr-codes/dto.ts` (not yet in @yima/shared, where the activation codes' `QrCodeDTO` is
 * something else).
 */

export type QrKind = 'store' | 'staff' | 'fixed_amount' | 'blank'
export type QrStatus = 'active' | 'disabled'

export const QR_STATUS_LABELS: Record<QrStatus, string> = { active: '使用中', disabled: '已停用' }

export interface StoreQrCodeDto {
  id: string
  code: string
  /** `abcd-efgh-jkmn`, as printed under the QR. */
  displayCode: string
  url: string
  kind: QrKind
  kindLabel: string
  name: string | null
  status: QrStatus
  storeId: string | null
  staffId: string | null
  /** Fixed-amount codes only. */
  unitPriceFen: Fen | null
  boundAt: string | null
  createdAt: string
}

/**
 * What binding a blank plate sends: `code` as printed or the URL the camera read (the server
 * takes either); `staffId` makes it that clerk's code, named after them unless `name` is given.
 */
export interface BindQrCodeInput { code: string, staffId?: string, name?: string }

const enc = encodeURIComponent

/** Everyone of the store sees its codes. */
export async function listQrCodes (storeId: string): Promise<StoreQrCodeDto[]> {
  return (await api<List<StoreQrCodeDto>>({ path: `/v1/mobile/stores/${enc(storeId)}/qr-codes` })).data
}

/** The merchant admin or the store's manager; 409 qr_code_already_bound for a code that is not blank. */
export async function bindQrCode (storeId: string, input: BindQrCodeInput): Promise<StoreQrCodeDto> {
  return await api<StoreQrCodeDto>({ path: `/v1/mobile/stores/${enc(storeId)}/qr-codes/bind`, method: 'POST', data: input })
}
