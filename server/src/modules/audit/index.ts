export { AuditLog, diff, type AuditEntry } from './audit'
export { auditLog, type AuditRow } from './audit.schema'
