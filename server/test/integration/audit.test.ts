import { eq } from 'drizzle-orm'
import { createIdGenerator } from '@yima/shared'
import { ManualClock } from '../../src/clock'
import { AuditLog, auditLog } from '../../src/modules/audit'
import { useTestDatabase } from '../helpers/database'

const database = useTestDatabase()

describe('audit log', () => {
  it('writes an entry exactly when the change it records commits', async () => {
    const { db } = database.get()
    const audit = new AuditLog({ clock: new ManualClock(), newId: createIdGenerator() })
    const entry = {
      actor: { id: 'acc_A', kind: 'account' as const },
      action: 'service_provider.updated',
      target: { type: 'service_provider', id: 'sp_1' },
      tenantId: 'sp_1',
      before: { name: '旧名', apiV3Key: 'abcdefghijABCDEFGHIJ0123456789ab' },
      after: { name: '新名', apiV3Key: 'ZYXWVUTSRQzyxwvutsrq9876543210ab' },
      secretFields: ['apiV3Key'],
      origin: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0', requestId: 'req_1' },
    }
    await expect(db.transaction(async (tx) => {
      await audit.record(tx, entry)
      throw new Error('the update failed')
    })).rejects.toThrow()
    expect(await db.select().from(auditLog)).toEqual([])

    await db.transaction(async (tx) => { await audit.record(tx, entry) })
    const rows = await db.select().from(auditLog).where(eq(auditLog.targetId, 'sp_1'))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      actorId: 'acc_A',
      actorKind: 'account',
      action: 'service_provider.updated',
      tenantId: 'sp_1',
      ip: '203.0.113.9',
      requestId: 'req_1',
      changes: { name: ['旧名', '新名'], apiV3Key: ['[secret]', '[changed]'] },
    })
    expect(rows[0]?.id).toMatch(/^aud_/)
    expect(JSON.stringify(rows)).not.toMatch(/abcdefghij|ZYXWVUTSRQ/)
  })
})
