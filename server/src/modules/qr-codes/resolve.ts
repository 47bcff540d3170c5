import { and, eq, isNull } from 'drizzle-orm'
import { AppError, type ErrorCode, type Fen, type ScanProblem } from '@yima/shared'
import type { Db } from '../../db/client'
import { merchants, serviceProviders, staff, stores } from '../tenancy/tenancy.schema'
import { CODE_PATTERN, codeUrl } from './code'
import { qrCodes, type QrKind } from './qr-codes.schema'

/** What a scanned code pays into: everything the pay page and order creation need. */
export interface ResolvedQr {
  qrCodeId: string
  code: string
  url: string
  kind: Exclude<QrKind, 'blank'>
  name: string | null
  serviceProvider: { id: string, shortName: string, logoUrl: string | null }
  subServiceProviderId: string | null
  merchant: { id: string, name: string, shortName: string, logoUrl: string | null }
  /** paymentTypes and goodsTag: what the store takes and the voucher tag its orders carry (S1). */
  store: { id: string, name: string, branchName: string | null, paymentTypes: string[], goodsTag: string | null }
  /** Staff codes: the clerk who is told about (and credited with) the payment. */
  staff?: { id: string, name: string }
  /** Fixed-amount codes: the amount is unit price × the quantity the customer picks (S4). */
  unitPriceFen?: Fen
  /** Printed blank (空码) and bound later: orders from it are Cloud Pay's source_type 3 (bound QR). */
  fromBatch: boolean
}

/** Why a code cannot take a payment. Each has an API error code and a scan problem page. */
export const QR_PROBLEMS = {
  unknown: { error: 'qr_code_not_found', type: 'not_found', page: 'qr_unknown' },
  unbound: { error: 'qr_code_unbound', type: 'conflict', page: 'qr_unbound' },
  disabled: { error: 'qr_code_disabled', type: 'conflict', page: 'qr_disabled' },
  // The code is fine; its store takes no payments for now (P1 门店已停止收款).
  closed: { error: 'store_closed', type: 'conflict', page: 'store_closed' },
} as const satisfies Record<string, { error: ErrorCode, type: AppError['type'], page: ScanProblem }>
export type QrProblem = keyof typeof QR_PROBLEMS

export type Inspection = { ok: true, qr: ResolvedQr } | { ok: false, problem: QrProblem }

export const qrProblemError = (problem: QrProblem): AppError =>
  new AppError(QR_PROBLEMS[problem].type, QR_PROBLEMS[problem].error, undefined, { param: 'code' })

/**
 * Code → store, merchant, SP (and clerk), without scope: the code is the customer's only key and
 * it is public. Payments call `resolve`; the pages call `inspect` to pick a problem page.
 */
export class QrResolver {
  constructor (private readonly deps: { db: Db, publicUrl: string }) {}

  async inspect (code: string): Promise<Inspection> {
    const normalized = code.trim().toLowerCase()
    // Not one of ours: no need to ask the database.
    if (!CODE_PATTERN.test(normalized)) return { ok: false, problem: 'unknown' }
    const [qr] = await this.deps.db.select().from(qrCodes).where(eq(qrCodes.code, normalized))
    if (qr === undefined) return { ok: false, problem: 'unknown' }
    if (qr.status === 'disabled') return { ok: false, problem: 'disabled' }
    if (qr.kind === 'blank' || qr.storeId === null || qr.merchantId === null) return { ok: false, problem: 'unbound' }
    const [found] = await this.deps.db.select({ sp: serviceProviders, merchant: merchants, store: stores })
      .from(stores)
      .innerJoin(merchants, eq(merchants.id, stores.merchantId))
      .innerJoin(serviceProviders, eq(serviceProviders.id, stores.spId))
      .where(eq(stores.id, qr.storeId))
    if (found === undefined) return { ok: false, problem: 'unbound' }
    // A deleted store (S1) keeps its row for its orders but takes nothing more: its codes show
    // 门店已停止收款, as a closed store's do (deletion also closes it; this holds either way).
    if (found.store.status === 'closed' || found.store.deletedAt !== null) return { ok: false, problem: 'closed' }
    // A clerk who has left no longer gets the messages: the code keeps working for the store.
    const [person] = qr.staffId === null
      ? []
      : await this.deps.db.select({ id: staff.id, name: staff.name }).from(staff)
        .where(and(eq(staff.id, qr.staffId), eq(staff.storeId, found.store.id), isNull(staff.deletedAt)))
    const { sp, merchant, store } = found
    return {
      ok: true,
      qr: {
        qrCodeId: qr.id,
        code: qr.code,
        url: codeUrl(this.deps.publicUrl, qr.code),
        kind: qr.kind,
        name: qr.name,
        serviceProvider: { id: sp.id, shortName: sp.shortName, logoUrl: sp.logoUrl },
        subServiceProviderId: store.sspId,
        merchant: { id: merchant.id, name: merchant.name, shortName: merchant.shortName, logoUrl: merchant.logoUrl },
        store: { id: store.id, name: store.name, branchName: store.branchName, paymentTypes: store.paymentTypes, goodsTag: store.goodsTag },
        ...(person === undefined ? {} : { staff: person }),
        ...(qr.kind === 'fixed_amount' && qr.unitPriceFen !== null ? { unitPriceFen: qr.unitPriceFen } : {}),
        fromBatch: qr.batchId !== null,
      },
    }
  }

  /** The code's target, or the AppError for why it cannot be paid (for order creation). */
  async resolve (code: string): Promise<ResolvedQr> {
    const r = await this.inspect(code)
    if (!r.ok) throw qrProblemError(r.problem)
    return r.qr
  }
}

/** What the customer's pay page may know: names, no ids. */
export interface PublicQrDTO {
  code: string
  url: string
  kind: ResolvedQr['kind']
  name: string | null
  serviceProvider: { shortName: string, logoUrl: string | null }
  merchant: { name: string, shortName: string, logoUrl: string | null }
  store: { name: string, branchName: string | null }
  staff: { name: string } | null
  unitPriceFen: Fen | null
}

export const publicQrDTO = (q: ResolvedQr): PublicQrDTO => ({
  code: q.code,
  url: q.url,
  kind: q.kind,
  name: q.name,
  serviceProvider: { shortName: q.serviceProvider.shortName, logoUrl: q.serviceProvider.logoUrl },
  merchant: { name: q.merchant.name, shortName: q.merchant.shortName, logoUrl: q.merchant.logoUrl },
  store: { name: q.store.name, branchName: q.store.branchName },
  staff: q.staff === undefined ? null : { name: q.staff.name },
  unitPriceFen: q.unitPriceFen ?? null,
})
