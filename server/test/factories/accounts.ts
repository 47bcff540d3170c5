import { randomBytes } from 'node:crypto'
import { createIdGenerator } from '@yima/shared'
import { systemClock, type Clock } from '../../src/clock'
import type { Database } from '../../src/db/client'
import { IdentityService, type AccountView } from '../../src/modules/identity'
import { Secret } from '../../src/secret'

/** A console account with a known password; unique login unless one is given. */
export async function createAccount (database: Database, o: { login?: string, password?: string, clock?: Clock } = {}): Promise<AccountView & { password: string }> {
  const password = o.password ?? `pw-${randomBytes(6).toString('hex')}`
  const identity = new IdentityService({ db: database.db, clock: o.clock ?? systemClock, newId: createIdGenerator(), sessionSecret: new Secret('unused-here'.padEnd(48, 'x')) })
  const account = await identity.createAccount({ login: o.login ?? `user-${randomBytes(4).toString('hex')}`, password, displayName: '测试管理员' })
  return { ...account, password }
}
