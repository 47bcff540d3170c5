import type { Fen } from '@yima/shared'
import { codeUrl, displayCode } from './code'
import type { QrBatchRow, QrCodeRow, QrKind, QrStatus } from './qr-codes.schema'

export const QR_KIND_LABELS: Record<QrKind, string> = { store: '门店收款码', staff: '店员收款码', blank: '空码', fixed_amount: '定额二维码' }

export interface QrCodeDTO {
  id: string
  code: string
  /** `abcd-efgh-jkmn`, as printed under the QR. */
  displayCode: string
  /** What the QR encodes; never changes. */
  url: string
  kind: QrKind
  kindLabel: string
  name: string | null
  status: QrStatus
  serviceProviderId: string
  subServiceProviderId: string | null
  merchantId: string | null
  storeId: string | null
  staffId: string | null
  unitPriceFen: Fen | null
  batchId: string | null
  boundAt: string | null
  createdAt: string
  updatedAt: string
}

export interface QrBatchDTO { id: string, serviceProviderId: string, count: number, title: string, createdAt: string }

const iso = (d: Date | null): string | null => d === null ? null : d.toISOString()

export function qrCodeDTO (publicUrl: string, r: QrCodeRow): QrCodeDTO {
  return {
    id: r.id,
    code: r.code,
    displayCode: displayCode(r.code),
    url: codeUrl(publicUrl, r.code),
    kind: r.kind,
    kindLabel: QR_KIND_LABELS[r.kind],
    name: r.name,
    status: r.status,
    serviceProviderId: r.spId,
    subServiceProviderId: r.sspId,
    merchantId: r.merchantId,
    storeId: r.storeId,
    staffId: r.staffId,
    unitPriceFen: r.unitPriceFen,
    batchId: r.batchId,
    boundAt: iso(r.boundAt),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

export const qrBatchDTO = (r: QrBatchRow): QrBatchDTO =>
  ({ id: r.id, serviceProviderId: r.spId, count: r.count, title: r.title, createdAt: r.createdAt.toISOString() })
