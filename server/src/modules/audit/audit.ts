import { isDeepStrictEqual } from 'node:util'
import type { IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Executor } from '../../db/client'
import { auditLog } from './audit.schema'

export interface AuditEntry {
  actor: { id: string, kind: 'account' | 'staff' | 'system' | 'integrator' }
  action: string
  target: { type: string, id: string }
  tenantId?: string
  /** The record before and after; only fields that differ are kept. */
  before?: Record<string, unknown>
  after?: Record<string, unknown>
  /** Fields whose values must never be written (keys, certificates, passwords): recorded as `[changed]`. */
  secretFields?: readonly string[]
  origin?: { ip?: string, userAgent?: string, requestId?: string }
}

/** Field → [before, after] for the fields that differ, secrets masked. */
export function diff (before: Record<string, unknown> = {}, after: Record<string, unknown> = {}, secretFields: readonly string[] = []): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {}
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[field]
    const b = after[field]
    if (isDeepStrictEqual(a, b)) continue
    out[field] = secretFields.includes(field) ? ['[secret]', '[changed]'] : [a ?? null, b ?? null]
  }
  return out
}

/**
 * Writes audit entries. Call `record` with the transaction that makes the change, so an entry
 * exists exactly when the change does.
 */
export class AuditLog {
  constructor (private readonly deps: { clock: Clock, newId: IdGenerator }) {}

  async record (exec: Executor, e: AuditEntry): Promise<void> {
    await exec.insert(auditLog).values({
      id: this.deps.newId('aud'),
      at: this.deps.clock.now(),
      actorId: e.actor.id,
      actorKind: e.actor.kind,
      action: e.action,
      targetType: e.target.type,
      targetId: e.target.id,
      tenantId: e.tenantId ?? null,
      changes: e.before === undefined && e.after === undefined ? null : diff(e.before, e.after, e.secretFields),
      ip: e.origin?.ip ?? null,
      userAgent: e.origin?.userAgent?.slice(0, 300) ?? null,
      requestId: e.origin?.requestId ?? null,
    })
  }
}
