import { and, eq, isNull } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { accounts, sessions, type AccountRow, type SessionRow } from './identity.schema'

export async function insertAccount (exec: Executor, row: typeof accounts.$inferInsert): Promise<AccountRow | undefined> {
  const [inserted] = await exec.insert(accounts).values(row).onConflictDoNothing({ target: accounts.login }).returning()
  return inserted
}

export async function findAccountByLogin (exec: Executor, login: string): Promise<AccountRow | undefined> {
  const [row] = await exec.select().from(accounts).where(eq(accounts.login, login))
  return row
}

export async function findAccount (exec: Executor, id: string): Promise<AccountRow | undefined> {
  const [row] = await exec.select().from(accounts).where(eq(accounts.id, id))
  return row
}

export async function touchLogin (exec: Executor, id: string, at: Date): Promise<void> {
  await exec.update(accounts).set({ lastLoginAt: at }).where(eq(accounts.id, id))
}

export async function insertSession (exec: Executor, row: typeof sessions.$inferInsert): Promise<void> {
  await exec.insert(sessions).values(row)
}

export async function findSession (exec: Executor, id: string): Promise<SessionRow | undefined> {
  const [row] = await exec.select().from(sessions).where(eq(sessions.id, id))
  return row
}

/** Compare-and-set: replaces the refresh hash only if it is still `from` on a live session. */
export async function rotateRefresh (exec: Executor, o: { id: string, from: string, to: string, at: Date }): Promise<boolean> {
  const rows = await exec.update(sessions)
    .set({ refreshHash: o.to, previousRefreshHash: o.from, lastUsedAt: o.at })
    .where(and(eq(sessions.id, o.id), eq(sessions.refreshHash, o.from), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id })
  return rows.length === 1
}

export async function revokeSession (exec: Executor, id: string, at: Date, reason: string): Promise<void> {
  await exec.update(sessions).set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
}
