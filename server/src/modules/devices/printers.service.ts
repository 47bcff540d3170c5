import { and, asc, eq, isNull } from 'drizzle-orm'
import {
  AppError, CLOUD_PRINTER_BRAND_LABELS, PRINTER_STATE_LABELS,
  type AddCloudPrinterBody, type CloudDeviceDeletedDto, type CloudPrintDto, type CloudPrinterDto, type List, type PrinterState, type UpdateCloudPrinterBody,
} from '@yima/shared'
import type { DeviceOutcome, PrintDocument, PrinterAdapter, PrinterCondition } from '../../channels/devices'
import type { Executor, Tx } from '../../db/client'
import { PermanentJobError, type JobContext, type JobHandler } from '../../outbox'
import { auditedBy, type Caller } from '../tenancy/caller'
import { scopeWhere, type Scope } from '../tenancy/scope'
import { stores } from '../tenancy/tenancy.schema'
import type { NewDelivery } from '../notify/ledger'
import type { DeliveryRow } from '../notify/notify.schema'
import type { OrderRow, RefundRow } from '../payments/payment.schema'
import { findOrderInScope, findRefund } from '../payments/payment.repo'
import type { PaymentEvents } from '../payments/payment.service'
import { cloudPrinters, type CloudPrinterRow, type PrinterBrand } from './devices.schema'
import { deviceTarget, qrCodeOfStore, servesOrder, storeInScope, vendorError, type CloudDeviceDeps } from './printers.common'
import { orderDetail, paymentReceipt, receiptFacts, refundFacts, refundReceipt } from './printers.receipts'

export const PRINT_TOPIC = 'devices.print'

/**
 * After the first attempt, 15 s … 1 h apart: about two hours of tries, long enough for someone to
 * power the printer on or change the roll, short enough that an old receipt does not surprise
 * anyone the next morning. Entry 0 is never used (the outbox looks up by the failed attempt).
 */
export const PRINT_BACKOFF_MS: readonly number[] = [0, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000]
export const PRINT_MAX_ATTEMPTS = PRINT_BACKOFF_MS.length

/** The job: the delivery to carry out, and the text when a caller wrote it (handover summaries). */
export interface PrintJob { deliveryId: string, doc?: PrintDocument }

/** What the ledger says when the printer cannot print (the merchant reads it). */
const NOT_READY: Partial<Record<PrinterCondition, string>> = { offline: '打印机离线', paper_out: '打印机缺纸' }

const SUBJECT_TITLES: Record<NewDelivery['subject'], string> = {
  payment: '收款小票', refund: '退款小票', handover: '交接班汇总', summary: '交易汇总', order_detail: '订单详情',
}

const printerScope = { sp: cloudPrinters.spId, ssp: cloudPrinters.sspId, merchant: cloudPrinters.merchantId, store: cloudPrinters.storeId }
const live = isNull(cloudPrinters.deletedAt)

/** Only one-code payments print (S6, seed 004: 云打印机只打印一码支付成功的小票); micropay has its cashier's own. */
const receipted = (order: OrderRow): boolean => order.tradeType === 'one_code' && order.storeId !== null

export function cloudPrinterDto (r: CloudPrinterRow): CloudPrinterDto {
  const state = r.state as PrinterState
  return {
    id: r.id,
    storeId: r.storeId,
    qrCodeId: r.qrCodeId,
    brand: r.brand,
    brandLabel: CLOUD_PRINTER_BRAND_LABELS[r.brand],
    sn: r.sn,
    name: r.name,
    copies: r.copies,
    enabled: r.enabled,
    state,
    stateLabel: PRINTER_STATE_LABELS[state] ?? r.state,
    stateCheckedAt: r.stateCheckedAt?.toISOString() ?? null,
    hasKey: r.keySealed !== null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

/** The audited fields: never the sealed key (an edit of it is not possible anyway). */
const auditable = (r: CloudPrinterRow): Record<string, unknown> =>
  ({ storeId: r.storeId, qrCodeId: r.qrCodeId, brand: r.brand, sn: r.sn, name: r.name, copies: r.copies, enabled: r.enabled, deletedAt: r.deletedAt })

/** A failed attempt the outbox should retry (the ledger row already says why). */
class PrintNotDone extends Error {
  override readonly name = 'PrintNotDone'
}

/**
 * Cloud printers (S6): added at the vendor with the key on their label, bound to a store or one of
 * its codes, and fed receipts through the delivery ledger (N2): one row and one outbox job per
 * printer and event, written in the payment's transaction.
 */
export class PrinterService {
  constructor (private readonly deps: CloudDeviceDeps) {}

  /** Receipts for PaymentService, in the transaction of the payment or refund. */
  readonly events: PaymentEvents = {
    paid: async (tx, order) => { if (receipted(order)) await this.#enqueueFor(tx, order, 'payment', order.id) },
    refunded: async (tx, refund, order) => { if (receipted(order)) await this.#enqueueFor(tx, order, 'refund', refund.id) },
  }

  async store (scope: Scope, storeId: string): ReturnType<typeof storeInScope> { return await storeInScope(this.deps.db, scope, storeId) }

  /** A live printer in the caller's scope; 404 otherwise. */
  async row (scope: Scope, id: string): Promise<CloudPrinterRow> {
    const [row] = await this.deps.db.select().from(cloudPrinters).where(and(eq(cloudPrinters.id, id), live, scopeWhere(scope, printerScope)))
    if (row === undefined) throw new AppError('not_found', 'cloud_printer_not_found', undefined, { param: 'id' })
    return row
  }

  async list (caller: Caller, storeId: string): Promise<List<CloudPrinterDto>> {
    const store = await this.store(caller.scope, storeId)
    const rows = await this.deps.db.select().from(cloudPrinters).where(and(eq(cloudPrinters.storeId, store.id), live)).orderBy(asc(cloudPrinters.createdAt), asc(cloudPrinters.id))
    return { object: 'list', data: rows.map(cloudPrinterDto), hasMore: false }
  }

  /**
   * Adds the printer at its vendor (the platform's account, with the key on the label), then to the
   * store, its key sealed; then asks how it is. An SN already in use in yima is refused before the
   * vendor is called.
   */
  async add (caller: Caller, storeId: string, body: AddCloudPrinterBody): Promise<CloudPrinterDto> {
    const store = await this.store(caller.scope, storeId)
    const adapter = this.#adapter(body.brand)
    const qrCodeId = await qrCodeOfStore(this.deps.db, store.id, body.qrCodeId) ?? null
    await this.#refuseTaken(body.brand, body.sn)
    const bound = await adapter.bind({ sn: body.sn, key: body.key, ...(body.name === undefined ? {} : { name: body.name }) })
    if (bound.kind !== 'ok') throw vendorError(bound)
    const id = this.deps.newId('prn')
    const now = this.deps.clock.now()
    const row = await this.deps.db.transaction(async (tx) => {
      const [r] = await tx.insert(cloudPrinters).values({
        id,
        spId: store.spId,
        sspId: store.sspId,
        merchantId: store.merchantId,
        storeId: store.id,
        qrCodeId,
        brand: body.brand,
        sn: body.sn,
        keySealed: this.deps.box.seal(body.key, `cloud_printers.key:${id}`),
        name: body.name ?? null,
        copies: body.copies ?? 1,
        enabled: body.enabled ?? true,
        state: 'unknown',
        createdAt: now,
        updatedAt: now,
      }).onConflictDoNothing().returning()
      // Another request added the same SN meanwhile: it holds it.
      if (r === undefined) throw new AppError('conflict', 'device_already_bound', undefined, { param: 'sn' })
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cloud_printer.added', target: { type: 'cloud_printer', id }, tenantId: store.spId, after: auditable(r) })
      return r
    })
    // The first state for the list; a vendor that does not answer leaves it unknown.
    const condition = await adapter.status(row.sn)
    return cloudPrinterDto(condition.kind === 'ok' ? await this.#noteState(row, condition.value) : row)
  }

  /** Name, copies, on/off, and which code it serves (null = the whole store). */
  async update (caller: Caller, id: string, body: UpdateCloudPrinterBody): Promise<CloudPrinterDto> {
    const before = await this.row(caller.scope, id)
    const qrCodeId = await qrCodeOfStore(this.deps.db, before.storeId, body.qrCodeId)
    const patch = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.copies === undefined ? {} : { copies: body.copies }),
      ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      ...(qrCodeId === undefined ? {} : { qrCodeId }),
    }
    const after = await this.deps.db.transaction(async (tx) => {
      const [r] = await tx.update(cloudPrinters).set({ ...patch, updatedAt: this.deps.clock.now() })
        .where(and(eq(cloudPrinters.id, before.id), eq(cloudPrinters.updatedAt, before.updatedAt), live)).returning()
      if (r === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cloud_printer.updated', target: { type: 'cloud_printer', id: r.id }, tenantId: r.spId, before: auditable(before), after: auditable(r) })
      return r
    })
    return cloudPrinterDto(after)
  }

  /**
   * Removes the printer from the store (the row stays: the ledger names it) and from the platform's
   * vendor account. A vendor that cannot be told is no reason to keep it: adding it again later
   * still works (feie.ts, yly.ts accept the platform's own earlier binding).
   */
  async remove (caller: Caller, id: string): Promise<CloudDeviceDeletedDto> {
    const before = await this.row(caller.scope, id)
    const now = this.deps.clock.now()
    await this.deps.db.transaction(async (tx) => {
      const [r] = await tx.update(cloudPrinters).set({ deletedAt: now, enabled: false, updatedAt: now }).where(and(eq(cloudPrinters.id, before.id), live)).returning()
      if (r === undefined) throw new AppError('not_found', 'cloud_printer_not_found', undefined, { param: 'id' })
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cloud_printer.removed', target: { type: 'cloud_printer', id: r.id }, tenantId: r.spId, before: auditable(before), after: auditable(r) })
    })
    const adapter = this.deps.vendors.printers[before.brand as 'feie' | 'yly']
    const unbound = adapter === undefined ? undefined : await adapter.unbind(before.sn)
    return { id: before.id, deleted: true, vendorUnbound: unbound?.kind === 'ok' }
  }

  /** Asks the vendor how the printer is (online, offline, out of paper) and records it. */
  async check (caller: Caller, id: string): Promise<CloudPrinterDto> {
    const row = await this.row(caller.scope, id)
    const condition = await this.#adapter(row.brand).status(row.sn)
    if (condition.kind !== 'ok') throw vendorError(condition)
    return cloudPrinterDto(await this.#noteState(row, condition.value))
  }

  /**
   * Prints `lines` on the store's own printers (those bound to no QR code: seed 000, 交易汇总 prints
   * on 门店绑定的云打印机, not a code's), for the handover summary, the transaction summary and
   * the like. One ledger row per printer for (subject, subjectId); calling again reprints once the
   * earlier print has finished. Returns the deliveries, empty when the store has no printer.
   */
  async printText (exec: Executor, storeId: string, subject: NewDelivery['subject'], subjectId: string, lines: readonly string[], o: { title?: string } = {}): Promise<DeliveryRow[]> {
    const doc: PrintDocument = { title: o.title ?? SUBJECT_TITLES[subject], lines }
    return await exec.transaction(async (tx) => await this.#queue(tx, storeId, subject, subjectId, { doc }))
  }

  /**
   * `POST /v1/orders/:id/print`: the order's details (or one of its refunds' receipt) on the store's
   * own printers, rendered when the job runs. 409 `no_store_printer` when it has none enabled.
   */
  async printOrder (scope: Scope, orderId: string, refundId?: string): Promise<List<CloudPrintDto>> {
    const order = await findOrderInScope(this.deps.db, scope, orderId)
    if (order === undefined) throw new AppError('not_found', 'order_not_found')
    let refund: RefundRow | undefined
    if (refundId !== undefined) {
      refund = await findRefund(this.deps.db, refundId)
      if (refund?.orderId !== order.id) throw new AppError('not_found', 'order_not_found', '退款单不存在', { param: 'refundId' })
    }
    const storeId = order.storeId
    if (storeId === null) throw new AppError('conflict', 'no_store_printer')
    const rows = await this.deps.db.transaction(async (tx) =>
      await this.#queue(tx, storeId, refund === undefined ? 'order_detail' : 'refund', refund?.id ?? order.id, {}))
    if (rows.length === 0) throw new AppError('conflict', 'no_store_printer')
    return { object: 'list', data: rows.map((r) => ({ deliveryId: r.id, printerId: r.recipientId, target: r.target, status: r.status })), hasMore: false }
  }

  handler (): JobHandler<PrintJob> {
    return {
      backoffMs: PRINT_BACKOFF_MS,
      maxAttempts: PRINT_MAX_ATTEMPTS,
      // A status query, a print and perhaps a token fetch, each with the vendor timeout.
      timeoutMs: 30_000,
      handle: async (job, ctx) => await this.#print(job, ctx),
    }
  }

  async #enqueueFor (tx: Tx, order: OrderRow, subject: 'payment' | 'refund', subjectId: string): Promise<void> {
    const printers = await tx.select().from(cloudPrinters)
      .where(and(servesOrder(cloudPrinters, order), eq(cloudPrinters.enabled, true), live))
    for (const p of printers) {
      const d: NewDelivery = {
        spId: p.spId,
        sspId: p.sspId,
        merchantId: p.merchantId,
        storeId: p.storeId,
        subject,
        subjectId,
        channel: 'print',
        recipientKind: 'printer',
        recipientId: p.id,
        target: deviceTarget(CLOUD_PRINTER_BRAND_LABELS[p.brand], p),
      }
      const row = await this.deps.ledger.enqueue(tx, d, PRINT_TOPIC)
      // A refund receipt printed on request while the refund was processing must not stand in for
      // the one its success prints. (A payment's event comes once: nothing to reopen there.)
      if (row === undefined && subject === 'refund') await this.deps.ledger.reopen(tx, d, PRINT_TOPIC)
    }
  }

  /** One delivery per store-level printer: new, reopened for a reprint, or the one still under way. */
  async #queue (tx: Tx, storeId: string, subject: NewDelivery['subject'], subjectId: string, extra: { doc?: PrintDocument }): Promise<DeliveryRow[]> {
    const [store] = await tx.select({ id: stores.id }).from(stores).where(and(eq(stores.id, storeId), isNull(stores.deletedAt)))
    if (store === undefined) return []
    const printers = await tx.select().from(cloudPrinters)
      .where(and(eq(cloudPrinters.storeId, storeId), isNull(cloudPrinters.qrCodeId), eq(cloudPrinters.enabled, true), live))
      .orderBy(asc(cloudPrinters.createdAt))
    const out: DeliveryRow[] = []
    for (const p of printers) {
      const d: NewDelivery = {
        spId: p.spId,
        sspId: p.sspId,
        merchantId: p.merchantId,
        storeId: p.storeId,
        subject,
        subjectId,
        channel: 'print',
        recipientKind: 'printer',
        recipientId: p.id,
        target: deviceTarget(CLOUD_PRINTER_BRAND_LABELS[p.brand], p),
      }
      const row = await this.deps.ledger.enqueue(tx, d, PRINT_TOPIC, undefined, extra) ??
        (await this.deps.ledger.reopen(tx, d, PRINT_TOPIC, extra))?.row
      if (row !== undefined) out.push(row)
    }
    return out
  }

  /**
   * One attempt: ask the printer's state first, so a job is not handed to an offline printer (the
   * vendor would hold it, and a retry of ours would then print it twice); print; record. A job the
   * vendor accepted counts as sent, even if the printer goes offline before printing it: the vendor
   * cloud holds it and prints it when the printer is back (Feie, Yilianyun).
   */
  async #print (job: PrintJob, ctx: JobContext): Promise<Record<string, unknown>> {
    const { ledger } = this.deps
    const d = await ledger.get(this.deps.db, job.deliveryId)
    if (d === undefined) throw new PermanentJobError(`delivery ${job.deliveryId} does not exist`)
    if (d.status === 'sent') return { skipped: 'already sent' }
    // Offline marks the row failed while the job keeps trying, so every outcome may follow it.
    const settle = async (outcome: Parameters<typeof ledger.settle>[2]): Promise<void> => { await ledger.settle(this.deps.db, d.id, outcome, ['pending', 'failed']) }
    const giveUp = async (error: string): Promise<never> => {
      await settle({ status: 'failed', error })
      throw new PermanentJobError(error)
    }
    const retry = async (error: string): Promise<never> => {
      const final = await ledger.lastAttempt(this.deps.db, ctx.jobId, ctx.attempt)
      await settle({ status: final || d.status === 'failed' ? 'failed' : 'pending', error })
      throw new PrintNotDone(error)
    }
    const refused = async (o: Exclude<DeviceOutcome<unknown>, { kind: 'ok' }>): Promise<never> =>
      o.kind === 'retryable' ? await retry(`打印机厂商接口暂时不可用（${o.reason}）`) : await giveUp(o.message)

    const [p] = await this.deps.db.select().from(cloudPrinters).where(eq(cloudPrinters.id, d.recipientId))
    if (p === undefined || p.deletedAt !== null || !p.enabled) {
      await settle({ status: 'failed', error: '打印机已删除或已停用' })
      return { skipped: 'printer removed or disabled' }
    }
    const adapter = this.deps.vendors.printers[p.brand as 'feie' | 'yly']
    if (adapter === undefined) return await giveUp(`平台未接入${CLOUD_PRINTER_BRAND_LABELS[p.brand]}打印机`)
    const doc = job.doc ?? await this.#render(d)
    if (doc === undefined) return await giveUp(`无法生成打印内容（${d.subject} ${d.subjectId}）`)

    const condition = await adapter.status(p.sn)
    if (condition.kind !== 'ok') return await refused(condition)
    await this.#noteState(p, condition.value)
    const notReady = NOT_READY[condition.value]
    if (notReady !== undefined) {
      // Failed as far as the merchant can see, and tried again until the printer is back.
      const final = await ledger.lastAttempt(this.deps.db, ctx.jobId, ctx.attempt)
      await settle({ status: 'failed', error: notReady })
      throw final ? new PermanentJobError(notReady) : new PrintNotDone(notReady)
    }
    const printed = await adapter.print({ sn: p.sn, doc, copies: p.copies, requestId: d.id })
    if (printed.kind !== 'ok') return await refused(printed)
    await settle({ status: 'sent' })
    return { vendorOrderId: printed.value.vendorOrderId, copies: p.copies }
  }

  /** The receipt for a delivery's subject, from the order as it stands now. */
  async #render (d: DeliveryRow): Promise<PrintDocument | undefined> {
    const { db } = this.deps
    switch (d.subject) {
      case 'payment': {
        const facts = await receiptFacts(db, d.subjectId)
        return facts === undefined ? undefined : paymentReceipt(facts)
      }
      case 'order_detail': {
        const facts = await receiptFacts(db, d.subjectId)
        return facts === undefined ? undefined : orderDetail(facts, this.deps.clock.now())
      }
      case 'refund': {
        const refund = await refundFacts(db, d.subjectId)
        const facts = refund === undefined ? undefined : await receiptFacts(db, refund.refund.orderId)
        return refund === undefined || facts === undefined ? undefined : refundReceipt(facts, refund)
      }
      default:
        // Handover and summary prints carry their text in the job (printText).
        return undefined
    }
  }

  async #noteState (row: CloudPrinterRow, condition: PrinterCondition): Promise<CloudPrinterRow> {
    const [r] = await this.deps.db.update(cloudPrinters).set({ state: condition, stateCheckedAt: this.deps.clock.now() }).where(eq(cloudPrinters.id, row.id)).returning()
    return r ?? row
  }

  /** zlbz publishes no API; a brand without platform credentials cannot be added. */
  #adapter (brand: PrinterBrand): PrinterAdapter {
    if (brand === 'zlbz') throw new AppError('invalid_request', 'device_brand_unsupported', undefined, { param: 'brand' })
    const adapter = this.deps.vendors.printers[brand]
    if (adapter === undefined) throw new AppError('unavailable', 'device_vendor_not_configured', `平台尚未接入${CLOUD_PRINTER_BRAND_LABELS[brand]}云打印机`)
    return adapter
  }

  /**
   * An SN held by a live printer is taken ("设备已被绑定"); one left behind by a deleted store is
   * released here (store deletion frees its cashier devices but knows nothing of printers).
   */
  async #refuseTaken (brand: PrinterBrand, sn: string): Promise<void> {
    const [held] = await this.deps.db.select({ id: cloudPrinters.id, storeDeletedAt: stores.deletedAt }).from(cloudPrinters)
      .innerJoin(stores, eq(stores.id, cloudPrinters.storeId))
      .where(and(eq(cloudPrinters.brand, brand), eq(cloudPrinters.sn, sn), live))
    if (held === undefined) return
    if (held.storeDeletedAt === null) throw new AppError('conflict', 'device_already_bound', undefined, { param: 'sn' })
    const now = this.deps.clock.now()
    await this.deps.db.update(cloudPrinters).set({ deletedAt: now, enabled: false, updatedAt: now }).where(and(eq(cloudPrinters.id, held.id), live))
  }
}
