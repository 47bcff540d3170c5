/*
 * The customer pages send an unknown payer to WeChat OAuth (a full-page navigation that comes back).
 * Coming back still unknown within a minute means the cookie did not stick: the page stops with a
 * message instead of looping. The mark lives in sessionStorage, per page (`mark`) and subject (`id`).
 */

const AUTH_LOOP_MS = 60_000

/** True when this page already sent the payer to OAuth for `id` within the last minute. */
export function authLoop (mark: string, id: string, now: number = Date.now()): boolean {
  try {
    const m = JSON.parse(sessionStorage.getItem(mark) ?? 'null') as { code?: string, at?: number } | null
    return m?.code === id && typeof m.at === 'number' && now - m.at < AUTH_LOOP_MS
  } catch {
    return false
  }
}

/** Records a trip to OAuth for `id` (null: the payer is known, forget it). */
export function markAuth (mark: string, id: string | null, now: number = Date.now()): void {
  try {
    if (id === null) sessionStorage.removeItem(mark)
    else sessionStorage.setItem(mark, JSON.stringify({ code: id, at: now }))
  } catch { /* private mode: no loop guard */ }
}
