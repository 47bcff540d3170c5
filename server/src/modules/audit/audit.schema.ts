import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** Who changed what, when and from where: every admin and money-relevant change (mission T, issue 4 §7). */
export const auditLog = pgTable('audit_log', {
  id: text('id').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  /** The account, staff member or system job that acted. */
  actorId: text('actor_id').notNull(),
  actorKind: text('actor_kind', { enum: ['account', 'staff', 'system', 'integrator'] }).notNull(),
  /** Dotted verb, e.g. `service_provider.updated`, `refund.created`. */
  action: text('action').notNull(),
  targetType: text('target_type').notNull(),
  targetId: text('target_id').notNull(),
  /** The tenant the target belongs to (service provider id), for scoped audit views. */
  tenantId: text('tenant_id'),
  /** Field → [before, after]; secret fields appear only as `[changed]`. */
  changes: jsonb('changes'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  requestId: text('request_id'),
}, (t) => [
  index('audit_log_target').on(t.targetType, t.targetId, t.at),
  index('audit_log_tenant').on(t.tenantId, t.at),
  index('audit_log_actor').on(t.actorId, t.at),
])

export type AuditRow = typeof auditLog.$inferSelect
