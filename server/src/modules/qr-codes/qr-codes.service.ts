import { and, asc, desc, eq, type SQL } from 'drizzle-orm'
import { AppError, formatFen, type IdGenerator, type List } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db, Executor } from '../../db/client'
import type { AuditLog } from '../audit'
import { auditedBy, type Caller } from '../tenancy/caller'
import type { TenancyServices } from '../tenancy/routes'
import { EMPTY_SCOPE, requireSpLevel, scopeWhere, type Scope } from '../tenancy/scope'
import type { StoreRow } from '../tenancy/tenancy.schema'
import type { BindByCodeBody, BindQrCodeBody, CreateQrBatchBody, CreateQrCodeBody, QrCodeListQuery, UpdateQrCodeBody } from './bodies'
import { codeUrl, newCode } from './code'
import { qrBatchDTO, qrCodeDTO, type QrBatchDTO, type QrCodeDTO } from './dto'
import type { Plate } from './plates/plates'
import { qrBatches, qrCodes, type QrBatchRow, type QrCodeRow, type QrStatus } from './qr-codes.schema'

export interface QrCodeDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  audit: AuditLog
  publicUrl: string
  tenancy: Pick<TenancyServices, 'sps' | 'merchants' | 'staff'>
}

const codeScope = { sp: qrCodes.spId, ssp: qrCodes.sspId, merchant: qrCodes.merchantId, store: qrCodes.storeId }
/** A list is one screen or one print run; a batch is at most 1000. */
const LIST_LIMIT = 1000
/** Fresh codes collide about never (59 bits); a retry makes "about" into "never in practice". */
const INSERT_TRIES = 3

/** For rows reached through a code the caller already proved they may see. */
const ALL: Scope = { ...EMPTY_SCOPE, all: true }
/** Under every plate: customers should know both wallets work. */
export const PLATE_FOOTER = '微信 / 支付宝 扫码付款'

const uniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: unknown, cause?: { code?: unknown } }
  return e?.code === '23505' || e?.cause?.code === '23505'
}

/** The audited part of a row: timestamps change on every write and say nothing. */
const snapshot = (r: QrCodeRow): Record<string, unknown> => {
  const { createdAt: _c, updatedAt: _u, ...rest } = r
  return { ...rest, boundAt: r.boundAt?.toISOString() ?? null }
}

/** The tenant and target columns of a code bound to this store (and clerk). */
const boundTo = (store: StoreRow, staff: { id: string, name: string } | undefined) => ({
  sspId: store.sspId,
  merchantId: store.merchantId,
  storeId: store.id,
  kind: staff === undefined ? 'store' as const : 'staff' as const,
  staffId: staff?.id ?? null,
})

/**
 * QR codes for paying (S1, S3, S4): store and clerk codes, fixed-amount codes, the SP's blank
 * batches and their binding. Every query goes through the caller's scope, so console accounts and
 * WeChat users (merchant admin, store manager, clerk) use the same methods and see only their part.
 */
export class QrCodeService {
  constructor (private readonly deps: QrCodeDeps) {}

  #dto (r: QrCodeRow): QrCodeDTO { return qrCodeDTO(this.deps.publicUrl, r) }

  async row (scope: Scope, id: string, exec: Executor = this.deps.db): Promise<QrCodeRow> {
    const [row] = await exec.select().from(qrCodes).where(and(eq(qrCodes.id, id), scopeWhere(scope, codeScope)))
    if (row === undefined) throw new AppError('not_found', 'qr_code_not_found', undefined, { param: 'id' })
    return row
  }

  async get (caller: Caller, id: string): Promise<QrCodeDTO> { return this.#dto(await this.row(caller.scope, id)) }

  async list (caller: Caller, f: QrCodeListQuery): Promise<List<QrCodeDTO>> {
    const where: SQL[] = [scopeWhere(caller.scope, codeScope)]
    if (f.storeId !== undefined) where.push(eq(qrCodes.storeId, f.storeId))
    if (f.merchantId !== undefined) where.push(eq(qrCodes.merchantId, f.merchantId))
    if (f.batchId !== undefined) where.push(eq(qrCodes.batchId, f.batchId))
    if (f.kind !== undefined) where.push(eq(qrCodes.kind, f.kind))
    if (f.status !== undefined) where.push(eq(qrCodes.status, f.status))
    const rows = await this.deps.db.select().from(qrCodes).where(and(...where))
      .orderBy(desc(qrCodes.createdAt), desc(qrCodes.id)).limit(LIST_LIMIT + 1)
    return { object: 'list', data: rows.slice(0, LIST_LIMIT).map((r) => this.#dto(r)), hasMore: rows.length > LIST_LIMIT }
  }

  /** A store code, a clerk's code or a fixed-amount code of a store in the caller's scope. */
  async create (caller: Caller, storeId: string, input: CreateQrCodeBody): Promise<QrCodeDTO> {
    const store = await this.deps.tenancy.merchants.store(caller.scope, storeId)
    const staff = input.kind === 'staff' ? await this.#staffOf(caller.scope, store, input.staffId) : undefined
    const now = this.deps.clock.now()
    const row = await this.#retryOnCollision(async () => await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(qrCodes).values({
        id: this.deps.newId('qr'),
        code: newCode(),
        spId: store.spId,
        ...boundTo(store, staff),
        kind: input.kind,
        name: input.name ?? staff?.name ?? null,
        unitPriceFen: input.kind === 'fixed_amount' ? input.unitPriceFen : null,
        createdAt: now,
        updatedAt: now,
      }).returning()
      if (inserted === undefined) throw new Error('insert returned nothing')
      await this.#audit(tx, caller, 'qr_code.created', inserted, undefined, inserted)
      return inserted
    }))
    return this.#dto(row)
  }

  /** The SP prints blank codes (空码, S3); they belong to the SP alone until bound. */
  async createBatch (caller: Caller, input: CreateQrBatchBody): Promise<QrBatchDTO> {
    const sp = await this.deps.tenancy.sps.row(caller.scope, input.serviceProviderId)
    requireSpLevel(caller.scope, sp.id)
    const now = this.deps.clock.now()
    const batch = await this.#retryOnCollision(async () => await this.deps.db.transaction(async (tx) => {
      const [b] = await tx.insert(qrBatches).values({
        id: this.deps.newId('qrb'), spId: sp.id, count: input.count, title: input.title ?? sp.shortName, createdBy: caller.actor.id, createdAt: now,
      }).returning()
      if (b === undefined) throw new Error('insert returned nothing')
      await tx.insert(qrCodes).values(Array.from({ length: input.count }, () => ({
        id: this.deps.newId('qr'), code: newCode(), spId: sp.id, kind: 'blank' as const, batchId: b.id, createdAt: now, updatedAt: now,
      })))
      // One entry for the batch: a thousand identical "created" lines would bury everything else.
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'qr_batch.created', target: { type: 'qr_batch', id: b.id }, tenantId: sp.id, after: { count: b.count, title: b.title } })
      return b
    }))
    return qrBatchDTO(batch)
  }

  async batchRow (scope: Scope, id: string): Promise<QrBatchRow> {
    const [row] = await this.deps.db.select().from(qrBatches).where(and(eq(qrBatches.id, id), scopeWhere(scope, { sp: qrBatches.spId })))
    if (row === undefined) throw new AppError('not_found', 'qr_batch_not_found', undefined, { param: 'id' })
    return row
  }

  async getBatch (caller: Caller, id: string): Promise<QrBatchDTO> { return qrBatchDTO(await this.batchRow(caller.scope, id)) }

  async listBatches (caller: Caller, f: { serviceProviderId?: string }): Promise<List<QrBatchDTO>> {
    const rows = await this.deps.db.select().from(qrBatches)
      .where(and(scopeWhere(caller.scope, { sp: qrBatches.spId }), f.serviceProviderId === undefined ? undefined : eq(qrBatches.spId, f.serviceProviderId)))
      .orderBy(desc(qrBatches.createdAt)).limit(LIST_LIMIT)
    return { object: 'list', data: rows.map(qrBatchDTO), hasMore: false }
  }

  /** Every code of a batch, in print order; the batch must be in scope. */
  async batchCodes (caller: Caller, id: string): Promise<{ batch: QrBatchRow, codes: QrCodeRow[] }> {
    const batch = await this.batchRow(caller.scope, id)
    const codes = await this.deps.db.select().from(qrCodes).where(eq(qrCodes.batchId, batch.id)).orderBy(asc(qrCodes.id))
    return { batch, codes }
  }

  /** What the code's plate prints: the merchant and store once bound, the SP's branding while blank. */
  async plate (caller: Caller, id: string): Promise<Plate> {
    const qr = await this.row(caller.scope, id)
    const sp = await this.deps.tenancy.sps.row(ALL, qr.spId)
    if (qr.storeId === null || qr.merchantId === null) {
      const title = qr.batchId === null ? sp.shortName : (await this.batchRow(ALL, qr.batchId)).title
      return { title, url: codeUrl(this.deps.publicUrl, qr.code), code: qr.code, footer: PLATE_FOOTER }
    }
    const merchant = await this.deps.tenancy.merchants.row(ALL, qr.merchantId)
    const store = await this.deps.tenancy.merchants.store(ALL, qr.storeId)
    const label = [store.name, qr.name, qr.unitPriceFen === null ? null : formatFen(qr.unitPriceFen)].filter((x): x is string => x !== null && x !== '')
    return { title: merchant.shortName, subtitle: label.join(' | '), url: codeUrl(this.deps.publicUrl, qr.code), code: qr.code, footer: `${PLATE_FOOTER} | ${sp.shortName}` }
  }

  /** Binds a blank code the caller can see (the SP in the console). */
  async bind (caller: Caller, id: string, input: BindQrCodeBody): Promise<QrCodeDTO> {
    const store = await this.deps.tenancy.merchants.store(caller.scope, input.storeId)
    return await this.#bind(caller, await this.row(caller.scope, id), store, input)
  }

  /**
   * Binds the blank code printed on a plate in the caller's hands (S3): a merchant admin, store
   * manager or clerk cannot see the SP's blank codes, so the code itself is the key. The store
   * must be theirs and belong to the SP that printed the code.
   */
  async bindByCode (caller: Caller, input: BindByCodeBody): Promise<QrCodeDTO> {
    const store = await this.deps.tenancy.merchants.store(caller.scope, input.storeId)
    const [row] = await this.deps.db.select().from(qrCodes).where(eq(qrCodes.code, input.code))
    if (row === undefined) throw new AppError('not_found', 'qr_code_not_found', undefined, { param: 'code' })
    return await this.#bind(caller, row, store, input)
  }

  async #bind (caller: Caller, code: QrCodeRow, store: StoreRow, input: BindQrCodeBody): Promise<QrCodeDTO> {
    if (code.spId !== store.spId) throw new AppError('invalid_request', 'qr_code_foreign', undefined, { param: 'code' })
    if (code.status === 'disabled') throw new AppError('conflict', 'qr_code_disabled')
    if (code.kind !== 'blank') throw new AppError('conflict', 'qr_code_already_bound')
    const staff = input.staffId === undefined ? undefined : await this.#staffOf(caller.scope, store, input.staffId)
    const now = this.deps.clock.now()
    const row = await this.deps.db.transaction(async (tx) => {
      // Compare-and-set on "still blank": of two people binding the same plate, one wins.
      const [after] = await tx.update(qrCodes)
        .set({ ...boundTo(store, staff), name: input.name ?? staff?.name ?? null, boundAt: now, boundBy: caller.actor.id, updatedAt: now })
        .where(and(eq(qrCodes.id, code.id), eq(qrCodes.kind, 'blank'), eq(qrCodes.status, 'active')))
        .returning()
      if (after === undefined) throw new AppError('conflict', 'qr_code_already_bound')
      await this.#audit(tx, caller, 'qr_code.bound', after, code, after)
      return after
    })
    return this.#dto(row)
  }

  /** Back to blank (S3 "删除即解绑"): same code, same URL, bindable again. Only printed blank codes. */
  async unbind (caller: Caller, id: string): Promise<QrCodeDTO> {
    const before = await this.row(caller.scope, id)
    if (before.batchId === null) throw new AppError('conflict', 'qr_code_not_blank')
    if (before.kind === 'blank') return this.#dto(before)
    const now = this.deps.clock.now()
    const row = await this.deps.db.transaction(async (tx) => {
      const [after] = await tx.update(qrCodes)
        .set({ kind: 'blank', sspId: null, merchantId: null, storeId: null, staffId: null, name: null, boundAt: null, boundBy: null, updatedAt: now })
        .where(and(eq(qrCodes.id, id), eq(qrCodes.updatedAt, before.updatedAt)))
        .returning()
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.#audit(tx, caller, 'qr_code.unbound', after, before, after)
      return after
    })
    return this.#dto(row)
  }

  /** Rename (any bound code) and, for a fixed-amount code, change its unit price. */
  async update (caller: Caller, id: string, input: UpdateQrCodeBody): Promise<QrCodeDTO> {
    const before = await this.row(caller.scope, id)
    if (before.kind === 'blank') throw new AppError('conflict', 'qr_code_unbound')
    if (input.unitPriceFen !== undefined && before.kind !== 'fixed_amount') {
      throw new AppError('invalid_request', 'validation_failed', '只有定额二维码有单价', { param: 'unitPriceFen' })
    }
    return await this.#write(caller, before, {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.unitPriceFen === undefined ? {} : { unitPriceFen: input.unitPriceFen }),
    }, input.unitPriceFen === undefined ? 'qr_code.renamed' : 'qr_code.updated')
  }

  async setStatus (caller: Caller, id: string, status: QrStatus): Promise<QrCodeDTO> {
    const before = await this.row(caller.scope, id)
    if (before.status === status) return this.#dto(before)
    return await this.#write(caller, before, { status }, status === 'disabled' ? 'qr_code.disabled' : 'qr_code.enabled')
  }

  async #write (caller: Caller, before: QrCodeRow, patch: Partial<typeof qrCodes.$inferInsert>, action: string): Promise<QrCodeDTO> {
    const row = await this.deps.db.transaction(async (tx) => {
      // Unchanged since it was read, so a bind or unbind in between is not overwritten blindly.
      const [after] = await tx.update(qrCodes).set({ ...patch, updatedAt: this.deps.clock.now() })
        .where(and(eq(qrCodes.id, before.id), eq(qrCodes.updatedAt, before.updatedAt)))
        .returning()
      if (after === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.#audit(tx, caller, action, after, before, after)
      return after
    })
    return this.#dto(row)
  }

  /** A clerk or manager of this very store: a code must not notify someone elsewhere. */
  async #staffOf (scope: Scope, store: StoreRow, staffId: string): Promise<{ id: string, name: string }> {
    const person = await this.deps.tenancy.staff.row(scope, staffId)
    if (person.storeId !== store.id || (person.role !== 'clerk' && person.role !== 'store_manager')) {
      throw new AppError('invalid_request', 'qr_staff_not_in_store', undefined, { param: 'staffId' })
    }
    return { id: person.id, name: person.name }
  }

  async #audit (exec: Executor, caller: Caller, action: string, target: QrCodeRow, before: QrCodeRow | undefined, after: QrCodeRow): Promise<void> {
    await this.deps.audit.record(exec, {
      ...auditedBy(caller),
      action,
      target: { type: 'qr_code', id: target.id },
      tenantId: target.spId,
      ...(before === undefined ? {} : { before: snapshot(before) }),
      after: snapshot(after),
    })
  }

  async #retryOnCollision<T> (run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run()
      } catch (err) {
        if (!uniqueViolation(err) || attempt >= INSERT_TRIES) throw err
      }
    }
  }
}
