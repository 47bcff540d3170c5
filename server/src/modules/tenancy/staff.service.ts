import { createHash, randomBytes } from 'node:crypto'
import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm'
import { AppError, type AddStaffBody, type QrCodeDTO, type ScanProblem, type StaffDTO, type StaffRole, type UpdateStaffBody } from '@yima/shared'
import type { Tx } from '../../db/client'
import { auditedBy, type Caller } from './caller'
import { staffDTO } from './dto'
import { inScope, scopeWhere, type Ancestry, type Scope } from './scope'
import { auditable, type TenancyDeps } from './service-providers.service'
import { activationCodes, staff, type StaffRow } from './tenancy.schema'

/** How long an activation QR stays valid; the console shows a fresh one after that. */
export const ACTIVATION_TTL_MS = 24 * 3600_000

export type EntityKind = 'sp' | 'ssp' | 'merchant' | 'store'

/** An entity whose people are managed here, with the roles it can hold. */
export interface Entity extends Ancestry { kind: EntityKind, id: string, name: string }

const ROLES_OF: Record<EntityKind, readonly StaffRole[]> = {
  sp: ['sp_admin'],
  ssp: ['ssp_admin'],
  merchant: ['merchant_admin'],
  store: ['store_manager', 'clerk'],
}

/** The staff rows that belong to exactly this entity (not to its children). */
function ofEntity (e: Entity) {
  switch (e.kind) {
    case 'sp': return and(eq(staff.spId, e.id), eq(staff.role, 'sp_admin'))
    case 'ssp': return and(eq(staff.sspId, e.id), eq(staff.role, 'ssp_admin'))
    case 'merchant': return and(eq(staff.merchantId, e.id), eq(staff.role, 'merchant_admin'))
    case 'store': return eq(staff.storeId, e.id)
  }
}

/** The people who hold the same role for the same entity: whose count the last-admin rules look at. */
function peersOf (p: StaffRow) {
  switch (p.role) {
    case 'sp_admin': return and(eq(staff.spId, p.spId), eq(staff.role, 'sp_admin'))
    case 'ssp_admin': return and(eq(staff.sspId, p.sspId ?? ''), eq(staff.role, 'ssp_admin'))
    case 'merchant_admin': return and(eq(staff.merchantId, p.merchantId ?? ''), eq(staff.role, 'merchant_admin'))
    case 'store_manager':
    case 'clerk': return and(eq(staff.storeId, p.storeId ?? ''), eq(staff.role, p.role))
  }
}

const staffScope = { sp: staff.spId, ssp: staff.sspId, merchant: staff.merchantId, store: staff.storeId }
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')
const tokenContext = (codeId: string): string => `activation_codes.token:${codeId}`

export class ScanProblemError extends Error {
  override readonly name = 'ScanProblemError'
  constructor (readonly problem: ScanProblem) { super(problem) }
}

/** Admins, managers and clerks (T4, T5): adding, removing, and activation by QR. */
export class StaffService {
  constructor (private readonly deps: TenancyDeps) {}

  async list (caller: Caller, entity: Entity): Promise<{ data: StaffDTO[] }> {
    const rows = await this.deps.db.select().from(staff)
      .where(and(ofEntity(entity), isNull(staff.deletedAt), scopeWhere(caller.scope, staffScope)))
      .orderBy(asc(staff.createdAt), asc(staff.id))
    return { data: rows.map(staffDTO) }
  }

  async add (caller: Caller, entity: Entity, role: StaffRole, input: AddStaffBody): Promise<StaffDTO> {
    if (!ROLES_OF[entity.kind].includes(role)) throw new AppError('invalid_request', 'validation_failed', '该对象不能添加此角色', { param: 'role' })
    const now = this.deps.clock.now()
    const id = this.deps.newId('stf')
    const row = await this.deps.db.transaction(async (tx) => {
      const [inserted] = await tx.insert(staff).values({
        id,
        role,
        spId: entity.spId,
        sspId: entity.sspId ?? null,
        merchantId: entity.kind === 'merchant' ? entity.id : entity.merchantId ?? null,
        storeId: entity.kind === 'store' ? entity.id : null,
        name: input.name,
        phone: input.phone ?? null,
        email: input.email ?? null,
        // 店长默认有订单退款权限 (seed 000); anyone else only when asked for.
        refundPermission: input.refundPermission ?? role === 'store_manager',
        createdAt: now,
        updatedAt: now,
      }).returning()
      if (inserted === undefined) throw new Error('insert returned nothing')
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'staff.added', target: { type: 'staff', id }, tenantId: entity.spId, after: auditable(inserted) })
      return inserted
    })
    return staffDTO(row)
  }

  async row (scope: Scope, id: string): Promise<StaffRow> {
    const [row] = await this.deps.db.select().from(staff).where(and(eq(staff.id, id), isNull(staff.deletedAt), scopeWhere(scope, staffScope)))
    if (row === undefined) throw new AppError('not_found', 'staff_not_found', undefined, { param: 'id' })
    return row
  }

  async get (caller: Caller, id: string): Promise<StaffDTO> { return staffDTO(await this.row(caller.scope, id)) }

  /** Name and contact (S2); the phone is the SMS fallback for payment messages. '' clears. */
  async update (caller: Caller, id: string, input: UpdateStaffBody): Promise<StaffDTO> {
    const before = await this.row(caller.scope, id)
    const patch: Partial<typeof staff.$inferInsert> = {}
    if (input.name !== undefined) patch.name = input.name
    if (input.phone !== undefined) patch.phone = input.phone === '' ? null : input.phone
    if (input.email !== undefined) patch.email = input.email === '' ? null : input.email
    if (Object.keys(patch).length === 0) return staffDTO(before)
    return staffDTO(await this.deps.db.transaction(async (tx) => await this.#write(tx, caller, before, patch, 'staff.updated')))
  }

  /**
   * 店员退款权限 (seed 000, P5). Who may decide is the route's business (console accounts in scope;
   * on the phone the merchant admin or the store's manager, never the clerk). Revoking it from the
   * last admin of an entity who has it is refused, as deleting them would be: the peers are locked
   * first, so two concurrent revocations cannot each count on the other.
   */
  async setRefundPermission (caller: Caller, id: string, enabled: boolean): Promise<StaffDTO> {
    const target = await this.row(caller.scope, id)
    const row = await this.deps.db.transaction(async (tx) => {
      const peers = await tx.select().from(staff).where(and(peersOf(target), isNull(staff.deletedAt))).orderBy(asc(staff.id)).for('update')
      const me = peers.find((p) => p.id === id)
      if (me === undefined) throw new AppError('not_found', 'staff_not_found')
      if (me.refundPermission === enabled) return me
      if (!enabled && me.role !== 'clerk' && !peers.some((p) => p.id !== id && p.refundPermission)) throw new AppError('conflict', 'last_refund_admin', '不能取消最后一个有退款权限的管理员的退款权限')
      return await this.#write(tx, caller, me, { refundPermission: enabled }, enabled ? 'staff.refund_permission_granted' : 'staff.refund_permission_revoked')
    })
    return staffDTO(row)
  }

  /** Compare-and-set on updated_at, audited in the same transaction. */
  async #write (tx: Tx, caller: Caller, before: StaffRow, patch: Partial<typeof staff.$inferInsert>, action: string): Promise<StaffRow> {
    const [after] = await tx.update(staff).set({ ...patch, updatedAt: this.deps.clock.now() })
      .where(and(eq(staff.id, before.id), eq(staff.updatedAt, before.updatedAt), isNull(staff.deletedAt)))
      .returning()
    if (after === undefined) throw new AppError('conflict', 'concurrent_update')
    await this.deps.audit.record(tx, { ...auditedBy(caller), action, target: { type: 'staff', id: before.id }, tenantId: before.spId, before: auditable(before), after: auditable(after) })
    return after
  }

  /**
   * Removes an admin (T5). Replacing one = add, activate, delete the old; the last admin of an
   * entity and the last one allowed to refund stay. The entity's admins are locked first, so two
   * concurrent deletions cannot each believe the other admin remains.
   */
  async remove (caller: Caller, id: string): Promise<void> {
    const target = await this.row(caller.scope, id)
    await this.deps.db.transaction(async (tx) => {
      const peers = await tx.select().from(staff).where(and(peersOf(target), isNull(staff.deletedAt))).orderBy(asc(staff.id)).for('update')
      const me = peers.find((p) => p.id === id)
      if (me === undefined) throw new AppError('not_found', 'staff_not_found')
      const others = peers.filter((p) => p.id !== id)
      const isAdmin = target.role !== 'clerk'
      if (isAdmin && others.length === 0) throw new AppError('conflict', 'last_admin')
      if (isAdmin && me.refundPermission && !others.some((p) => p.refundPermission)) throw new AppError('conflict', 'last_refund_admin')
      const now = this.deps.clock.now()
      await tx.update(staff).set({ deletedAt: now, updatedAt: now }).where(eq(staff.id, id))
      // Codes of a removed person must not activate anything.
      await tx.update(activationCodes).set({ expiresAt: now }).where(and(eq(activationCodes.staffId, id), isNull(activationCodes.usedAt)))
      await this.deps.audit.record(tx, { ...auditedBy(caller), action: 'staff.removed', target: { type: 'staff', id }, tenantId: target.spId, before: auditable(me) })
    })
  }

  /**
   * The person's activation QR: the live code if there is one (so a QR already sent keeps
   * working), else a new one. An activated person has none.
   */
  async activationQr (caller: Caller, id: string): Promise<QrCodeDTO & { staffId: string }> {
    const person = await this.row(caller.scope, id)
    if (person.activatedAt !== null) throw new AppError('conflict', 'staff_already_activated')
    const now = this.deps.clock.now()
    const [live] = await this.deps.db.select().from(activationCodes)
      .where(and(eq(activationCodes.staffId, id), isNull(activationCodes.usedAt), gt(activationCodes.expiresAt, now)))
      .orderBy(desc(activationCodes.expiresAt)).limit(1)
    if (live !== undefined) {
      const token = this.deps.box.open(live.tokenSealed, tokenContext(live.id)).reveal()
      return { staffId: id, url: this.activationUrl(token), expiresAt: live.expiresAt.toISOString() }
    }
    const token = randomBytes(24).toString('base64url')
    const codeId = this.deps.newId('act')
    const expiresAt = new Date(now.getTime() + ACTIVATION_TTL_MS)
    await this.deps.db.insert(activationCodes).values({
      id: codeId, staffId: id, spId: person.spId, tokenHash: sha256(token), tokenSealed: this.deps.box.seal(token, tokenContext(codeId)), expiresAt, createdAt: now,
    })
    return { staffId: id, url: this.activationUrl(token), expiresAt: expiresAt.toISOString() }
  }

  activationUrl (token: string): string { return `${this.deps.publicUrl}/scan/activate?t=${token}` }

  /** The code behind a scanned token, or the problem page to show. Does not use it up. */
  async peek (token: string): Promise<{ codeId: string, person: StaffRow }> {
    const [code] = await this.deps.db.select().from(activationCodes).where(eq(activationCodes.tokenHash, sha256(token)))
    if (code === undefined) throw new ScanProblemError('code_unknown')
    if (code.usedAt !== null) throw new ScanProblemError('code_used')
    if (code.expiresAt <= this.deps.clock.now()) throw new ScanProblemError('code_expired')
    const [person] = await this.deps.db.select().from(staff).where(eq(staff.id, code.staffId))
    if (person === undefined || person.deletedAt !== null) throw new ScanProblemError('code_unknown')
    if (person.activatedAt !== null) throw new ScanProblemError('code_used')
    return { codeId: code.id, person }
  }

  /** Uses the code up and binds the openid to the person, both compare-and-set in one transaction. */
  async activate (token: string, o: { appId: string, openid: string, spId: string, origin?: Caller['origin'] }): Promise<StaffRow> {
    const { codeId, person } = await this.peek(token)
    if (person.spId !== o.spId) throw new ScanProblemError('code_foreign')
    const now = this.deps.clock.now()
    return await this.deps.db.transaction(async (tx) => {
      const used = await tx.update(activationCodes).set({ usedAt: now, usedByOpenid: o.openid })
        .where(and(eq(activationCodes.id, codeId), isNull(activationCodes.usedAt), gt(activationCodes.expiresAt, now)))
        .returning({ id: activationCodes.id })
      if (used.length === 0) throw new ScanProblemError('code_used')
      const [activated] = await tx.update(staff).set({ wxAppId: o.appId, wxOpenid: o.openid, activatedAt: now, updatedAt: now })
        .where(and(eq(staff.id, person.id), isNull(staff.activatedAt), isNull(staff.deletedAt)))
        .returning()
      if (activated === undefined) throw new ScanProblemError('code_used')
      // Other live codes of the same person die with this activation.
      await tx.update(activationCodes).set({ expiresAt: now }).where(and(eq(activationCodes.staffId, person.id), isNull(activationCodes.usedAt)))
      await this.deps.audit.record(tx, { actor: { id: person.id, kind: 'staff' }, action: 'staff.activated', target: { type: 'staff', id: person.id }, tenantId: person.spId, after: { activatedAt: now.toISOString() }, ...(o.origin === undefined ? {} : { origin: o.origin }) })
      return activated
    })
  }

  /** Whether the code was used by this openid: a repeated callback after a successful activation. */
  async usedBy (token: string, openidHint?: string): Promise<boolean> {
    const [code] = await this.deps.db.select().from(activationCodes).where(eq(activationCodes.tokenHash, sha256(token)))
    return code?.usedAt != null && (openidHint === undefined || code.usedByOpenid === openidHint)
  }

  /** The people an openid acts as for an entity: the management QR lets them in (T4). */
  async rolesFor (entity: Entity, appId: string, openid: string): Promise<StaffRow[]> {
    return await this.deps.db.select().from(staff)
      .where(and(ofEntity(entity), eq(staff.wxAppId, appId), eq(staff.wxOpenid, openid), isNull(staff.deletedAt), sql`${staff.activatedAt} is not null`))
  }

  inScope (scope: Scope, e: Entity): boolean { return inScope(scope, e) }
}
