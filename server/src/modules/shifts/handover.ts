import { fen, fenToYuanString, subFen, type Fen, type HandoverKind, type PayPlatform } from '@yima/shared'

/**
 * The handover rule (H2, seed 000 交接班说明), as a pure function of a store's clock-ins and
 * clock-outs. The seed says:
 *
 *   1. A clerk's summary runs from the previous clerk's clock-out to this clerk's clock-out, so
 *      that no payment the store takes falls outside every shift.
 *   2. Forgot to clock in: the same rule; the summary is not affected.
 *   3. Forgot to clock out: from the previous clerk's clock-out to the next clerk's clock-in; the
 *      next clerk's summary then runs from their own clock-in to their own clock-out.
 *
 * Read precisely, the handovers are points on the store's timeline and every window runs from one
 * handover to the next:
 *
 * - Each shift has one handover point, its **end**: its clock-out; or, without a clock-out, the
 *   next clock-in at the store after its own (rule 3: the clerk forgot, the next one took over);
 *   or none, when it is open and nobody clocked in after it (the clerk on duty now).
 * - Ends are sorted (ties by clock-in, then id) and each shift's window is [previous end, own end).
 *   Rule 1 is this sentence; rule 3's "next clerk from their own clock-in" follows from it, since
 *   the forgotten shift's end is that clock-in.
 * - Rule 2: the clock-in never bounds a window except the very first one (below), so a late
 *   clock-in (the clerk forgot, then clocked in when they noticed) changes nothing. A clock-out
 *   without any clock-in cannot be recorded (`not_on_duty`); clocking in and straight out again is
 *   the late form of it.
 * - Several clerks on duty at once: the windows do not overlap, they take turns by clock-out. With
 *   A 09:00–17:00 and B 10:00–18:00, A's window ends at 17:00 and holds B's morning payments too;
 *   B's runs 17:00–18:00. Whoever clocks out first hands over everything taken so far.
 * - The first window: there is no previous clock-out, so it starts at the earliest clock-in given.
 *   Before the store's first clock-in nobody was ever on duty, and nothing is attributed.
 * - Open shifts: an open shift with a later clock-in after it is treated as forgotten (rule 3). An
 *   open shift that is the store's latest clock-in is `on_duty`: its window runs from the last end
 *   to now and grows. If the latest clock-in is closed, payments after the last end are
 *   `unassigned` (待交班): they belong to whoever clocks out next, and are shown so nothing is
 *   lost meanwhile. Windows touched by an open shift are provisional: a late clock-out turns a
 *   forgotten shift back into a closed one and moves the ends.
 * - Day boundaries: none. Windows are instants, never cut at midnight; a night shift's window is
 *   one window, reported whole by every range that touches it (see `windowsTouching`). Callers
 *   choose the day's edges in their own time zone (China: UTC+8).
 * - A clock-out earlier than its clock-in (clock skew) is read as the clock-in.
 *
 * Consequences the tests check: windows are consecutive ([from, to) with each `to` the next
 * `from`), so they never overlap and cover everything from the earliest clock-in on; there is
 * exactly one window per shift plus at most one `unassigned`; and the result does not depend on
 * the order of the input.
 */

export interface ShiftRecord {
  id: string
  staffId: string
  clockInAt: Date
  clockOutAt: Date | null
}

export interface HandoverWindow<S extends ShiftRecord = ShiftRecord> {
  /** Null only for `unassigned`. */
  shift: S | null
  kind: HandoverKind
  from: Date
  /** Exclusive; null while still open (`on_duty`, `unassigned`). */
  to: Date | null
}

const byClockIn = (a: ShiftRecord, b: ShiftRecord): number =>
  a.clockInAt.getTime() - b.clockInAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** The store's handover windows, in order: ended ones by end, then the open one (on duty or unassigned). */
export function handoverWindows<S extends ShiftRecord> (shifts: readonly S[]): Array<HandoverWindow<S>> {
  const sorted = [...shifts].sort(byClockIn)
  const first = sorted[0]
  if (first === undefined) return []
  const ended: Array<{ shift: S, kind: 'closed' | 'forgot_clock_out', end: Date }> = []
  let current: S | undefined
  sorted.forEach((shift, i) => {
    if (shift.clockOutAt !== null) {
      ended.push({ shift, kind: 'closed', end: shift.clockOutAt < shift.clockInAt ? shift.clockInAt : shift.clockOutAt })
      return
    }
    const next = sorted[i + 1]
    if (next !== undefined) ended.push({ shift, kind: 'forgot_clock_out', end: next.clockInAt })
    else current = shift
  })
  ended.sort((a, b) => a.end.getTime() - b.end.getTime() || byClockIn(a.shift, b.shift))
  let from = first.clockInAt
  const windows: Array<HandoverWindow<S>> = ended.map(({ shift, kind, end }) => {
    const w = { shift, kind, from, to: end }
    from = end
    return w
  })
  windows.push(current === undefined
    ? { shift: null, kind: 'unassigned', from, to: null }
    : { shift: current, kind: 'on_duty', from, to: null })
  return windows
}

/**
 * The windows a query for [from, to) reports: those sharing time with it, and an empty window (a
 * clock-out at the same instant as the previous one) lying in it. Each is reported whole.
 */
export function windowsTouching<S extends ShiftRecord> (windows: ReadonlyArray<HandoverWindow<S>>, from: Date, to: Date): Array<HandoverWindow<S>> {
  return windows.filter((w) => w.from < to && (w.to === null || w.to > from || w.from >= from))
}

export interface HandoverTotals {
  paymentCount: number
  paymentFen: Fen
  refundCount: number
  refundFen: Fen
}

export const NO_TOTALS: HandoverTotals = { paymentCount: 0, paymentFen: fen(0), refundCount: 0, refundFen: fen(0) }

/** One window with what came in and went out during it: what a clerk hands over. */
export interface ShiftSummary<S extends ShiftRecord = ShiftRecord> extends HandoverWindow<S> {
  staffName: string | null
  totals: HandoverTotals
  byChannel: Record<PayPlatform, HandoverTotals>
}

export const netFen = (t: HandoverTotals): Fen => subFen(t.paymentFen, t.refundFen)

const CHINA_OFFSET_MS = 8 * 3600_000

/** 2026-01-05 09:30 in China time (UTC+8 all year, no daylight saving), as receipts and messages show it. */
export function chinaTime (d: Date): string {
  const t = new Date(d.getTime() + CHINA_OFFSET_MS).toISOString()
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`
}

/** The calendar day in China that `now` falls on, as an instant range [from, to). */
export function chinaDay (now: Date): { date: string, from: Date, to: Date } {
  const date = new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10)
  const from = new Date(`${date}T00:00:00+08:00`)
  return { date, from, to: new Date(from.getTime() + 24 * 3600_000) }
}

const KIND_LABELS: Record<HandoverKind, string> = {
  closed: '已交班',
  forgot_clock_out: '未下班打卡（按下一位店员上班时间交班）',
  on_duty: '在班中（汇总截至打印时）',
  unassigned: '待交班（下一位下班打卡的店员接收）',
}

const CHANNEL_LABELS: Record<PayPlatform, string> = { wechat_pay: '微信支付', alipay: '支付宝' }

/**
 * A handover summary as plain receipt lines (cloud printers print text, ~32 columns), without a
 * title: the printers module prints them under its own (交接班汇总); nothing here knows about
 * devices. `now` stands in for an open window's end.
 */
export function summaryText (s: ShiftSummary, o: { storeName?: string, now?: Date } = {}): string[] {
  const yuan = (f: Fen): string => `${fenToYuanString(f)} 元`
  const end = s.to ?? o.now
  const lines = [
    ...(o.storeName === undefined ? [] : [`门店：${o.storeName}`]),
    `店员：${s.staffName ?? (s.shift === null ? '（无）' : s.shift.staffId)}`,
    `状态：${KIND_LABELS[s.kind]}`,
    `起：${chinaTime(s.from)}`,
    `止：${end === undefined ? '至今' : chinaTime(end)}`,
  ]
  if (s.shift !== null) {
    lines.push(`上班打卡：${chinaTime(s.shift.clockInAt)}`)
    lines.push(`下班打卡：${s.shift.clockOutAt === null ? '未打卡' : chinaTime(s.shift.clockOutAt)}`)
  }
  lines.push('--------------------------------')
  lines.push(`收款：${s.totals.paymentCount} 笔  ${yuan(s.totals.paymentFen)}`)
  for (const [platform, label] of Object.entries(CHANNEL_LABELS) as Array<[PayPlatform, string]>) {
    const t = s.byChannel[platform]
    lines.push(`  ${label}：${t.paymentCount} 笔  ${yuan(t.paymentFen)}`)
  }
  lines.push(`退款：${s.totals.refundCount} 笔  ${yuan(s.totals.refundFen)}`)
  for (const [platform, label] of Object.entries(CHANNEL_LABELS) as Array<[PayPlatform, string]>) {
    const t = s.byChannel[platform]
    if (t.refundCount > 0) lines.push(`  ${label}：${t.refundCount} 笔  ${yuan(t.refundFen)}`)
  }
  lines.push(`实收：${yuan(netFen(s.totals))}`)
  return lines
}
