import type { AuditEntry } from '../audit'
import type { Scope } from './scope'

/** Who is acting, what they may see, and where the request came from (for the audit log). */
export interface Caller {
  actor: AuditEntry['actor']
  scope: Scope
  origin?: AuditEntry['origin']
}

/** The who and where of an audit entry, from the caller. */
export const auditedBy = (caller: Caller): Pick<AuditEntry, 'actor'> & Partial<Pick<AuditEntry, 'origin'>> =>
  ({ actor: caller.actor, ...(caller.origin === undefined ? {} : { origin: caller.origin }) })
