/** Display helpers for the console: times, rebate ratios, safe query parameters. */

const pad = (n: number): string => String(n).padStart(2, '0')

/** `2024-05-01 14:03` in the viewer's time zone; '—' for null or unparsable input. */
export function formatTime (iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** Basis points as a percentage without float noise: 38 → '0.38', 1250 → '12.5', null → ''. */
export function bpToPercent (bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return ''
  const whole = Math.floor(bp / 100)
  const frac = String(bp % 100).padStart(2, '0').replace(/0+$/, '')
  return frac === '' ? String(whole) : `${whole}.${frac}`
}

/** '0.38' → 38; '' → undefined; anything that is not 0–100 with at most two decimals → null. */
export function percentToBp (input: string): number | undefined | null {
  const s = input.trim().replace(/%$/, '').trim()
  if (s === '') return undefined
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(s)
  if (m === null) return null
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return bp <= 10000 ? bp : null
}

export const PERCENT_ERROR = '返佣比例为 0–100 之间的数字，最多两位小数'

/**
 * A query parameter as Taro's H5 router hands it over: still percent-encoded (it parses with
 * `decode: false`). Decodes once; a malformed escape is returned as is.
 */
export function queryParam (params: Record<string, string | undefined> | undefined, key: string): string | undefined {
  const raw = params?.[key]
  if (raw === undefined || raw === '') return undefined
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '))
  } catch {
    return raw
  }
}
