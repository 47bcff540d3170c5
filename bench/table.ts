// The one table `npm run bench` ends with: every figure beside its baseline, measured in the same run.

/** A measured value, or why there is none (a section not run, a figure the engine cannot give). */
export type Cell = number | string

export interface Row { figure: string, yima: Cell, baseline: Cell, unit: string }

/** Collects rows as sections measure them (each also printed at once, so a long run shows progress). */
export class Table {
  readonly rows: Row[] = []

  add (figure: string, yima: Cell, baseline: Cell, unit: string): void {
    const row = { figure, yima, baseline, unit }
    this.rows.push(row)
    process.stdout.write(`  ${figure}: ${show(yima)} ${unit}  (baseline ${show(baseline)})\n`)
  }

  /** Throughput, p50 and p99 of one load, as three rows. */
  load (figure: string, yima: Stats, baseline: Stats): void {
    this.add(`${figure}: throughput`, yima.rate, baseline.rate, '/s')
    this.add(`${figure}: p50`, yima.p50, baseline.p50, 'ms')
    this.add(`${figure}: p99`, yima.p99, baseline.p99, 'ms')
  }

  /** A section that did not run: one row saying how to run it. */
  skipped (figure: string, why: string): void {
    this.rows.push({ figure: `${figure}: ${why}`, yima: '—', baseline: '—', unit: '' })
  }

  render (engine: string): string {
    const head: Row = { figure: 'figure', yima: 'yima', baseline: 'baseline', unit: 'unit' }
    const cells = [head, ...this.rows].map((r) => [r.figure, show(r.yima), show(r.baseline), r.unit])
    const width = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => (c[i] ?? '').length)))
    const line = (c: string[]): string => c.map((s, i) => i === 1 || i === 2 ? s.padStart(width[i] ?? 0) : s.padEnd(width[i] ?? 0)).join(' | ').trimEnd()
    const rule = width.map((w) => '-'.repeat(w)).join('-|-')
    return [`engine: ${engine}, node ${process.version}`, '', line(cells[0] ?? []), rule, ...cells.slice(1).map(line)].join('\n')
  }
}

export interface Stats { rate: number, p50: number, p99: number }

/** Nearest-rank quantile of unsorted samples. */
export function quantile (xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5)

/** Integers with thousands separators; small values with one decimal (two below 10). */
function show (c: Cell): string {
  if (typeof c === 'string') return c
  if (!Number.isFinite(c)) return '—'
  if (Number.isInteger(c) || Math.abs(c) >= 100) return Math.round(c).toLocaleString('en')
  return c.toFixed(Math.abs(c) >= 10 ? 1 : 2)
}
