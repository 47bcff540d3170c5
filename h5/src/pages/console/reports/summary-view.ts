import { fen, formatFen, SUMMARY_FIGURES, type SummaryDto, type SummaryFigure, type SummaryFigures, type SummaryGroup, type SummaryGroupDto } from '@yima/shared'
import type { Bar } from '../../../components/bar-chart'
import { addDays, chinaDayHour, chinaDayStart } from './range'

const HOUR_MS = 3600_000

/** The eight figures in the contract's order. */
export const FIGURES = Object.keys(SUMMARY_FIGURES) as SummaryFigure[]
const COUNTS: ReadonlySet<SummaryFigure> = new Set(['tradeCount', 'refundCount'])

/** A figure for people: money to the fen, counts in 笔. */
export const figureText = (key: SummaryFigure, figures: SummaryFigures): string =>
  COUNTS.has(key) ? `${figures[key]} 笔` : formatFen(fen(figures[key]))

/** The order filter a summary group stands for, to open its orders. */
export const GROUP_FILTER: Partial<Record<SummaryGroup, 'storeId' | 'staffId' | 'deviceId' | 'qrCodeId'>> = { store: 'storeId', staff: 'staffId', device: 'deviceId', qr_code: 'qrCodeId' }

/**
 * One bar per day (or hour) of the summary's range, empty ones included, whatever buckets the
 * server returned. A group's key is its bucket's start; its label (`2026-01-05`,
 * `2026-01-05 09:00`) is matched too, in case a key does not parse.
 */
export function chartBars (s: SummaryDto): Bar[] {
  const from = Date.parse(s.from)
  const to = Date.parse(s.to)
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
    return s.groups.map((g, i) => ({ key: g.key ?? String(i), label: g.label, value: g.tradeFen, text: formatFen(fen(g.tradeFen)) }))
  }
  const byTime = new Map<number, SummaryGroupDto>()
  const byLabel = new Map<string, SummaryGroupDto>()
  for (const g of s.groups) {
    if (g.key !== null && !Number.isNaN(Date.parse(g.key))) byTime.set(Date.parse(g.key), g)
    byLabel.set(g.label, g)
  }
  const bar = (key: string, label: string, ms: number, contractLabel: string): Bar => {
    const g = byTime.get(ms) ?? byLabel.get(contractLabel)
    const value = g?.tradeFen ?? 0
    return { key, label, value, text: formatFen(fen(value)) }
  }
  const first = chinaDayHour(from)
  const last = chinaDayHour(to - 1)
  const bars: Bar[] = []
  if (s.groupBy === 'day') {
    for (let day = first.day; day <= last.day; day = addDays(day, 1)) bars.push(bar(day, day.slice(5), chinaDayStart(day), day))
    return bars
  }
  const oneDay = first.day === last.day
  for (let ms = Math.floor((from - chinaDayStart(first.day)) / HOUR_MS) * HOUR_MS + chinaDayStart(first.day); ms < to; ms += HOUR_MS) {
    const { day, hour } = chinaDayHour(ms)
    const hh = String(hour).padStart(2, '0')
    bars.push(bar(`${day} ${hh}`, oneDay ? `${hh}时` : `${day.slice(5)} ${hh}时`, ms, `${day} ${hh}:00`))
  }
  return bars
}
