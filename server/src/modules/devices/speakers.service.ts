import { and, asc, eq, isNull } from 'drizzle-orm'
import {
  AppError, CLOUD_SPEAKER_BRAND_LABELS,
  type AddCloudSpeakerBody, type CloudDeviceDeletedDto, type CloudSpeakerDto, type List, type UpdateCloudSpeakerBody,
} from '@yima/shared'
import type { SpeakerAdapter } from '../../channels/devices'
import type { Tx } from '../../db/client'
import { PermanentJobError, type JobContext, type JobHandler } from '../../outbox'
import { orders, type OrderRow } from '../payments/payment.schema'
import type { PaymentEvents } from '../payments/payment.service'
import { auditedBy, type Caller } from '../tenancy/caller'
import { scopeWhere, type Scope } from '../tenancy/scope'
import { stores } from '../tenancy/tenancy.schema'
import { cloudSpeakers, type CloudSpeakerRow, type SpeakerBrand } from './devices.schema'
import { deviceTarget, qrCodeOfStore, servesOrder, storeInScope, vendorError, type CloudDeviceDeps } from './printers.common'
import { announcement } from './printers.receipts'

export const ANNOUNCE_TOPIC = 'devices.announce'

/**
 * "微信收款12.50元" helps only while the customer stands at the counter: a vendor hiccup is retried
 * for about a minute, then the announcement is given up (the receipt and the clerk's message
 * remain). Entry 0 is never used.
 */
export const ANNOUNCE_BACKOFF_MS: readonly number[] = [0, 5_000, 15_000, 30_000]
export const ANNOUNCE_MAX_ATTEMPTS = ANNOUNCE_BACKOFF_MS.length

export interface AnnounceJob { deliveryId: string }

const speakerScope = { sp: cloudSpeakers.spId, ssp: cloudSpeakers.sspId, merchant: cloudSpeakers.merchantId, store: cloudSpeakers.storeId }
const live = isNull(cloudSpeakers.deletedAt)

export function cloudSpeakerDto (r: CloudSpeakerRow): CloudSpeakerDto {
  return {
    id: r.id,
    storeId: r.storeId,
    qrCodeId: r.qrCodeId,
    brand: r.brand,
    brandLabel: CLOUD_SPEAKER_BRAND_LABELS[r.brand],
    sn: r.sn,
    name: r.name,
    volume: r.volume,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

const auditable = (r: CloudSpeakerRow): Record<string, unknown> =>
  ({ storeId: r.storeId, qrCodeId: r.qrCodeId, brand: r.brand, sn: r.sn, name: r.name, volume: r.volume, enabled: r.enabled, deletedAt: r.deletedAt })

class AnnounceNotDone extends Error {
  override readonly name = 'AnnounceNotDone'
}

/**
 * Cloud speakers (S7): bound at the vendor to the merchant, per store or per QR code, announcing
 * every one-code payment they serve through the delivery ledger (N2), with the speaker's volume.
 */
export class SpeakerService {
  constructor (private readonly deps: CloudDeviceDeps) {}

  /** Announcements for PaymentService, in the payment's transaction. Refunds are not announced. */
  readonly events: PaymentEvents = {
    paid: async (tx, order) => { if (order.tradeType === 'one_code' && order.storeId !== null) await this.#enqueueFor(tx, order) },
    refunded: async () => {},
  }

  async row (scope: Scope, id: string): Promise<CloudSpeakerRow> {
    const [row] = await this.deps.db.select().from(cloudSpeakers).where(and(eq(cloudSpeakers.id, id), live, scopeWhere(scope, speakerScope)))
    if (row === undefined) throw new AppError('not_found', 'cloud_speaker_not_found', undefined, { param: 'id' })
    return row
  }

  async list (caller: Caller, storeId: string): Promise<List<CloudSpeakerDto>> {
    const store = await storeInScope(this.deps.db, caller.scope, storeId)
    const rows = await this.deps.db.select().from(cloudSpeakers).where(and(eq(cloudSpeakers.storeId, store.id), live)).orderBy(asc(cloudSpeakers.createdAt), asc(cloudSpeakers.id))
    return { object: 'list', data: rows.map(cloudSpeakerDto), hasMore: false }
  }

  /** Binds the speaker at the vendor to the merchant (BRHK's user id), then adds it to the store. */
  async add (caller: Caller, storeId: string, body: AddCloudSpeakerBody): Promise<CloudSpeakerDto> {
    const store = await storeInScope(this.deps.db, caller.scope, storeId)
    const adapter = this.#adapter(body.brand)
    const qrCodeId = await qrCodeOfStore(this.deps.db, store.id, body.qrCodeId) ?? null
    await this.#refuseTaken(body.brand, body.sn)
    const bound = await adapter.bind({ sn: body.sn, userId: store.merchantId })
    if (bound.kind !== 'ok') throw vendorError(bound)
    const id = this.deps.newId('spk')
    const now = this.deps.clock.now()
    const row = await this.deps.db.transaction(async (tx) => {
      const [r] = await tx.insert(cloudSpeakers).values({
        id,
        spId: store.spId,
        sspId: store.sspId,
        merchantId: store.merchantId,
        storeId: store.id,
        qrCodeId,
        brand: body.brand,
        sn: body.sn,
        name: body.name ?? null,
        volume: body.volume ?? 60,
        enabled: body.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      }).onConflictDoNothing().returning()
      if (r === undefined) throw new AppError('conflict', 'device_already_bound', undefined, { param: 'sn' })
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cloud_speaker.added', target: { type: 'cloud_speaker', id }, tenantId: store.spId, after: auditable(r) })
      return r
    })
    return cloudSpeakerDto(row)
  }

  /** Name, volume (sent with the next announcement: BRHK sets it per push), on/off, which code. */
  async update (caller: Caller, id: string, body: UpdateCloudSpeakerBody): Promise<CloudSpeakerDto> {
    const before = await this.row(caller.scope, id)
    const qrCodeId = await qrCodeOfStore(this.deps.db, before.storeId, body.qrCodeId)
    const patch = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.volume === undefined ? {} : { volume: body.volume }),
      ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      ...(qrCodeId === undefined ? {} : { qrCodeId }),
    }
    const after = await this.deps.db.transaction(async (tx) => {
      const [r] = await tx.update(cloudSpeakers).set({ ...patch, updatedAt: this.deps.clock.now() })
        .where(and(eq(cloudSpeakers.id, before.id), eq(cloudSpeakers.updatedAt, before.updatedAt), live)).returning()
      if (r === undefined) throw new AppError('conflict', 'concurrent_update')
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cloud_speaker.updated', target: { type: 'cloud_speaker', id: r.id }, tenantId: r.spId, before: auditable(before), after: auditable(r) })
      return r
    })
    return cloudSpeakerDto(after)
  }

  /** Removes the speaker from the store and unbinds it at the vendor (forced: no user id needed). */
  async remove (caller: Caller, id: string): Promise<CloudDeviceDeletedDto> {
    const before = await this.row(caller.scope, id)
    const now = this.deps.clock.now()
    await this.deps.db.transaction(async (tx) => {
      const [r] = await tx.update(cloudSpeakers).set({ deletedAt: now, enabled: false, updatedAt: now }).where(and(eq(cloudSpeakers.id, before.id), live)).returning()
      if (r === undefined) throw new AppError('not_found', 'cloud_speaker_not_found', undefined, { param: 'id' })
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'cloud_speaker.removed', target: { type: 'cloud_speaker', id: r.id }, tenantId: r.spId, before: auditable(before), after: auditable(r) })
    })
    const adapter = this.deps.vendors.speakers[before.brand as 'brhk']
    const unbound = adapter === undefined ? undefined : await adapter.unbind(before.sn)
    return { id: before.id, deleted: true, vendorUnbound: unbound?.kind === 'ok' }
  }

  handler (): JobHandler<AnnounceJob> {
    return {
      backoffMs: ANNOUNCE_BACKOFF_MS,
      maxAttempts: ANNOUNCE_MAX_ATTEMPTS,
      timeoutMs: 15_000,
      handle: async (job, ctx) => await this.#announce(job, ctx),
    }
  }

  async #enqueueFor (tx: Tx, order: OrderRow): Promise<void> {
    const speakers = await tx.select().from(cloudSpeakers).where(and(servesOrder(cloudSpeakers, order), eq(cloudSpeakers.enabled, true), live))
    for (const s of speakers) {
      await this.deps.ledger.enqueue(tx, {
        spId: s.spId,
        sspId: s.sspId,
        merchantId: s.merchantId,
        storeId: s.storeId,
        subject: 'payment',
        subjectId: order.id,
        channel: 'speaker',
        recipientKind: 'speaker',
        recipientId: s.id,
        target: deviceTarget(CLOUD_SPEAKER_BRAND_LABELS[s.brand], s),
      }, ANNOUNCE_TOPIC)
    }
  }

  /**
   * One attempt. The delivery id is BRHK's `seq`, so a retry of a push the vendor took (its answer
   * lost) is recognised as a duplicate and not said twice. An offline speaker still "takes" the
   * push: BRHK cannot tell, and neither can yima.
   */
  async #announce (job: AnnounceJob, ctx: JobContext): Promise<Record<string, unknown>> {
    const { ledger, db } = this.deps
    const d = await ledger.get(db, job.deliveryId)
    if (d === undefined) throw new PermanentJobError(`delivery ${job.deliveryId} does not exist`)
    if (d.status !== 'pending') return { skipped: d.status }
    const giveUp = async (error: string): Promise<never> => {
      await ledger.settle(db, d.id, { status: 'failed', error })
      throw new PermanentJobError(error)
    }
    const [s] = await db.select().from(cloudSpeakers).where(eq(cloudSpeakers.id, d.recipientId))
    if (s === undefined || s.deletedAt !== null || !s.enabled) {
      await ledger.settle(db, d.id, { status: 'failed', error: '云喇叭已删除或已停用' })
      return { skipped: 'speaker removed or disabled' }
    }
    const adapter = this.deps.vendors.speakers[s.brand as 'brhk']
    if (adapter === undefined) return await giveUp(`平台未接入${CLOUD_SPEAKER_BRAND_LABELS[s.brand]}云喇叭`)
    const [order] = await db.select({ payPlatform: orders.payPlatform, amountFen: orders.amountFen }).from(orders).where(eq(orders.id, d.subjectId))
    if (order === undefined) return await giveUp(`订单 ${d.subjectId} 不存在`)
    const said = await adapter.announce({ sn: s.sn, platform: order.payPlatform, amountFen: order.amountFen, volume: s.volume, seq: d.id })
    if (said.kind === 'ok') {
      await ledger.settle(db, d.id, { status: 'sent' })
      return { text: announcement(order), volume: s.volume }
    }
    if (said.kind === 'permanent') return await giveUp(said.message)
    const error = `云喇叭厂商接口暂时不可用（${said.reason}）`
    const final = await ledger.lastAttempt(db, ctx.jobId, ctx.attempt)
    await ledger.settle(db, d.id, { status: final ? 'failed' : 'pending', error })
    throw new AnnounceNotDone(error)
  }

  #adapter (brand: SpeakerBrand): SpeakerAdapter {
    if (brand === 'zlbz') throw new AppError('invalid_request', 'device_brand_unsupported', undefined, { param: 'brand' })
    const adapter = this.deps.vendors.speakers[brand]
    if (adapter === undefined) throw new AppError('unavailable', 'device_vendor_not_configured', `平台尚未接入${CLOUD_SPEAKER_BRAND_LABELS[brand]}云喇叭`)
    return adapter
  }

  async #refuseTaken (brand: SpeakerBrand, sn: string): Promise<void> {
    const [held] = await this.deps.db.select({ id: cloudSpeakers.id, storeDeletedAt: stores.deletedAt }).from(cloudSpeakers)
      .innerJoin(stores, eq(stores.id, cloudSpeakers.storeId))
      .where(and(eq(cloudSpeakers.brand, brand), eq(cloudSpeakers.sn, sn), live))
    if (held === undefined) return
    if (held.storeDeletedAt === null) throw new AppError('conflict', 'device_already_bound', undefined, { param: 'sn' })
    const now = this.deps.clock.now()
    await this.deps.db.update(cloudSpeakers).set({ deletedAt: now, enabled: false, updatedAt: now }).where(and(eq(cloudSpeakers.id, held.id), live))
  }
}
