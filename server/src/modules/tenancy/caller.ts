import type { AuditEntry } from '../audit'
import type { Scope } from './scope'

/** Who is acting, what they may see, and where the request came from (for the audit log). */
export interface Caller {
  actor: AuditEntry['actor']
  scope: Scope
  origin?: AuditEntry['origin']
}
