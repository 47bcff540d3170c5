// China keeps UTC+8 all year (no daylight saving), so the app shows China time whatever the
// phone's time zone is, as receipts and the server's summaries do.
const CHINA_OFFSET_MS = 8 * 3600_000

const chinaParts = (ms: number): string => new Date(ms + CHINA_OFFSET_MS).toISOString()

/** '2026-01-05 09:30' in China time. */
export function chinaDateTime (iso: string): string {
  const t = chinaParts(Date.parse(iso))
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`
}

/** '01-05 09:30' in China time: list rows, where the year is obvious. */
export function chinaShortTime (iso: string): string {
  const t = chinaParts(Date.parse(iso))
  return `${t.slice(5, 10)} ${t.slice(11, 16)}`
}

/** Today's date in China ('2026-01-05'). */
export function chinaToday (now: number = Date.now()): string {
  return chinaParts(now).slice(0, 10)
}

/** The China date `days` after `day` ('2026-01-05', -1 → '2026-01-04'). */
export function addDays (day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

const chinaIso = (ms: number): string => `${chinaParts(ms).slice(0, 19)}+08:00`

/**
 * The handover query for one China day: from its 00:00+08:00 to the next day's, or to now for today.
 * "Now" is rounded up to the next whole second so `to` is always after `from`, even at midnight.
 */
export function chinaDayRange (day: string, now: number = Date.now()): { from: string, to: string } {
  const start = Date.parse(`${day}T00:00:00+08:00`)
  const end = Math.min(start + 86_400_000, Math.floor(now / 1000) * 1000 + 1000)
  return { from: chinaIso(start), to: chinaIso(end) }
}
