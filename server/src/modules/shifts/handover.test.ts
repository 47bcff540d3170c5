import fc from 'fast-check'
import { fen } from '@yima/shared'
import { chinaTime, handoverWindows, NO_TOTALS, summaryText, windowsTouching, type HandoverWindow, type ShiftRecord } from './handover'

/** 2026-01-05 (day 5) in China time: `at('09:30')`, `at('09:30', 6)` for the next day. */
const at = (hhmm: string, day = 5): Date => new Date(`2026-01-${String(day).padStart(2, '0')}T${hhmm}:00+08:00`)
const shift = (id: string, clockIn: Date, clockOut: Date | null, staffId = `stf_${id}`): ShiftRecord => ({ id, staffId, clockInAt: clockIn, clockOutAt: clockOut })

/** Windows as [shift id or '-', kind, from, to] with times in China time, for readable expectations. */
const show = (ws: HandoverWindow[]): Array<[string, string, string, string | null]> =>
  ws.map((w) => [w.shift?.id ?? '-', w.kind, chinaTime(w.from), w.to === null ? null : chinaTime(w.to)])

describe('the handover rule, case by case (seed 000 交接班说明)', () => {
  it('runs a clerk\'s window from the previous clerk\'s clock-out to their own clock-out', () => {
    const ws = handoverWindows([shift('A', at('08:00'), at('14:00')), shift('B', at('13:30'), at('22:00'))])
    expect(show(ws)).toEqual([
      ['A', 'closed', '2026-01-05 08:00', '2026-01-05 14:00'],
      ['B', 'closed', '2026-01-05 14:00', '2026-01-05 22:00'],
      // Everyone has clocked out: what comes in now is for whoever clocks out next.
      ['-', 'unassigned', '2026-01-05 22:00', null],
    ])
  })

  it('gives the time nobody was on duty to the next clerk who clocks out', () => {
    const ws = handoverWindows([shift('A', at('08:00'), at('12:00')), shift('B', at('14:00'), at('22:00'))])
    expect(show(ws)[1]).toEqual(['B', 'closed', '2026-01-05 12:00', '2026-01-05 22:00'])
  })

  it('is not affected by a forgotten clock-in (the clerk clocked in late)', () => {
    const onTime = handoverWindows([shift('A', at('08:00'), at('14:00')), shift('B', at('14:00'), at('22:00'))])
    const late = handoverWindows([shift('A', at('08:00'), at('14:00')), shift('B', at('21:55'), at('22:00'))])
    expect(show(late)).toEqual(show(onTime))
    expect(show(late)[1]).toEqual(['B', 'closed', '2026-01-05 14:00', '2026-01-05 22:00'])
  })

  it('ends a forgotten clock-out at the next clerk\'s clock-in, whose window then starts at their own clock-in', () => {
    const ws = handoverWindows([
      shift('Z', at('06:00'), at('08:00')),
      shift('A', at('08:05'), null),
      shift('B', at('14:00'), at('22:00')),
    ])
    expect(show(ws)).toEqual([
      ['Z', 'closed', '2026-01-05 06:00', '2026-01-05 08:00'],
      ['A', 'forgot_clock_out', '2026-01-05 08:00', '2026-01-05 14:00'],
      ['B', 'closed', '2026-01-05 14:00', '2026-01-05 22:00'],
      ['-', 'unassigned', '2026-01-05 22:00', null],
    ])
  })

  it('keeps the store\'s latest clock-in, still open, on duty until now', () => {
    const ws = handoverWindows([shift('A', at('08:00'), at('14:00')), shift('B', at('13:50'), null)])
    expect(show(ws)).toEqual([
      ['A', 'closed', '2026-01-05 08:00', '2026-01-05 14:00'],
      ['B', 'on_duty', '2026-01-05 14:00', null],
    ])
  })

  it('starts the first window at the earliest clock-in', () => {
    expect(show(handoverWindows([shift('A', at('09:00'), at('17:00'))]))).toEqual([
      ['A', 'closed', '2026-01-05 09:00', '2026-01-05 17:00'],
      ['-', 'unassigned', '2026-01-05 17:00', null],
    ])
    // B came first and is still there: A, who leaves first, starts at B's clock-in.
    expect(show(handoverWindows([shift('A', at('09:00'), at('17:00')), shift('B', at('08:00'), at('18:00'))]))[0])
      .toEqual(['A', 'closed', '2026-01-05 08:00', '2026-01-05 17:00'])
    expect(handoverWindows([])).toEqual([])
  })

  it('lets clerks on duty together take turns by clock-out', () => {
    expect(show(handoverWindows([shift('A', at('09:00'), at('17:00')), shift('B', at('10:00'), at('18:00'))]))).toEqual([
      ['A', 'closed', '2026-01-05 09:00', '2026-01-05 17:00'],
      ['B', 'closed', '2026-01-05 17:00', '2026-01-05 18:00'],
      ['-', 'unassigned', '2026-01-05 18:00', null],
    ])
    // Three at once, one popping in for two hours.
    expect(show(handoverWindows([
      shift('A', at('09:00'), at('18:00')),
      shift('B', at('10:00'), at('12:00')),
      shift('C', at('11:00'), at('20:00')),
    ])).slice(0, 3)).toEqual([
      ['B', 'closed', '2026-01-05 09:00', '2026-01-05 12:00'],
      ['A', 'closed', '2026-01-05 12:00', '2026-01-05 18:00'],
      ['C', 'closed', '2026-01-05 18:00', '2026-01-05 20:00'],
    ])
  })

  it('treats an open shift someone clocked in after as forgotten, until its late clock-out corrects it', () => {
    // A is open, B came for an hour: as the data stands, A forgot.
    expect(show(handoverWindows([shift('A', at('09:00'), null), shift('B', at('10:00'), at('11:00'))]))).toEqual([
      ['A', 'forgot_clock_out', '2026-01-05 09:00', '2026-01-05 10:00'],
      ['B', 'closed', '2026-01-05 10:00', '2026-01-05 11:00'],
      ['-', 'unassigned', '2026-01-05 11:00', null],
    ])
    // A clocks out at 17:00 after all: an ordinary overlap.
    expect(show(handoverWindows([shift('A', at('09:00'), at('17:00')), shift('B', at('10:00'), at('11:00'))])).slice(0, 2)).toEqual([
      ['B', 'closed', '2026-01-05 09:00', '2026-01-05 11:00'],
      ['A', 'closed', '2026-01-05 11:00', '2026-01-05 17:00'],
    ])
    // Two open at once: the earlier one is taken as forgotten, the latest is on duty.
    expect(show(handoverWindows([shift('A', at('09:00'), null), shift('B', at('10:00'), null)]))).toEqual([
      ['A', 'forgot_clock_out', '2026-01-05 09:00', '2026-01-05 10:00'],
      ['B', 'on_duty', '2026-01-05 10:00', null],
    ])
  })

  it('never cuts a window at midnight; a range reports every window it touches, whole', () => {
    const ws = handoverWindows([
      shift('D', at('14:00'), at('22:00')),
      shift('N', at('21:50'), at('06:00', 6)),
      shift('M', at('06:00', 6), at('14:00', 6)),
    ])
    expect(show(ws)[1]).toEqual(['N', 'closed', '2026-01-05 22:00', '2026-01-06 06:00'])
    const day5 = windowsTouching(ws, at('00:00'), at('00:00', 6)).map((w) => w.shift?.id ?? '-')
    const day6 = windowsTouching(ws, at('00:00', 6), at('00:00', 7)).map((w) => w.shift?.id ?? '-')
    expect(day5).toEqual(['D', 'N'])
    expect(day6).toEqual(['N', 'M', '-'])
    expect(windowsTouching(ws, at('00:00', 8), at('00:00', 9)).map((w) => w.kind)).toEqual(['unassigned'])
    expect(windowsTouching(ws, at('00:00', 4), at('00:00', 5))).toEqual([])
  })

  it('orders simultaneous clock-outs by clock-in; the later one gets an empty window, reported where it lies', () => {
    const ws = handoverWindows([shift('B', at('10:00'), at('17:00')), shift('A', at('09:00'), at('17:00'))])
    expect(show(ws).slice(0, 2)).toEqual([
      ['A', 'closed', '2026-01-05 09:00', '2026-01-05 17:00'],
      ['B', 'closed', '2026-01-05 17:00', '2026-01-05 17:00'],
    ])
    expect(windowsTouching(ws, at('17:00'), at('18:00')).map((w) => w.shift?.id ?? '-')).toEqual(['B', '-'])
  })

  it('reads a clock-out before its clock-in (clock skew) as the clock-in', () => {
    expect(show(handoverWindows([shift('A', at('09:00'), at('08:59'))]))[0]).toEqual(['A', 'closed', '2026-01-05 09:00', '2026-01-05 09:00'])
  })
})

describe('summaryText', () => {
  it('prints a handover as receipt lines in yuan', () => {
    const [w] = handoverWindows([shift('A', at('08:00'), null), shift('B', at('14:00'), at('22:00'))])
    if (w === undefined) throw new Error('no window')
    const lines = summaryText({
      ...w,
      staffName: '王小明',
      totals: { paymentCount: 3, paymentFen: fen(123456), refundCount: 1, refundFen: fen(5) },
      byChannel: { wechat_pay: { paymentCount: 2, paymentFen: fen(123400), refundCount: 1, refundFen: fen(5) }, alipay: { paymentCount: 1, paymentFen: fen(56), refundCount: 0, refundFen: fen(0) } },
    }, { storeName: '一号店' })
    expect(lines).toEqual([
      '门店：一号店',
      '店员：王小明',
      '状态：未下班打卡（按下一位店员上班时间交班）',
      '起：2026-01-05 08:00',
      '止：2026-01-05 14:00',
      '上班打卡：2026-01-05 08:00',
      '下班打卡：未打卡',
      '--------------------------------',
      '收款：3 笔  1234.56 元',
      '  微信支付：2 笔  1234.00 元',
      '  支付宝：1 笔  0.56 元',
      '退款：1 笔  0.05 元',
      '  微信支付：1 笔  0.05 元',
      '实收：1234.51 元',
    ])
  })

  it('says so for the unassigned window', () => {
    const w = handoverWindows([shift('A', at('08:00'), at('14:00'))])[1]
    if (w === undefined) throw new Error('no window')
    const lines = summaryText({ ...w, staffName: null, totals: NO_TOTALS, byChannel: { wechat_pay: NO_TOTALS, alipay: NO_TOTALS } }, { now: at('15:00') })
    expect(lines.slice(0, 4)).toEqual(['店员：（无）', '状态：待交班（下一位下班打卡的店员接收）', '起：2026-01-05 14:00', '止：2026-01-05 15:00'])
    expect(lines.at(-1)).toBe('实收：0.00 元')
  })
})

describe('the handover rule, as properties', () => {
  const T0 = at('00:00').getTime()
  const MIN = 60_000
  /** Up to 8 shifts over three days, at minute resolution (so ties happen), some still open. */
  const shifts = (o: { open: boolean }) => fc.array(fc.record({
    start: fc.integer({ min: 0, max: 3 * 24 * 60 }),
    length: fc.integer({ min: 0, max: 16 * 60 }),
    open: o.open ? fc.boolean() : fc.constant(false),
  }), { maxLength: 8 }).map((xs) => xs.map((x, i) => shift(`s${i}`, new Date(T0 + x.start * MIN), x.open ? null : new Date(T0 + (x.start + x.length) * MIN))))
  const inside = (w: HandoverWindow, t: number): boolean => w.from.getTime() <= t && (w.to === null || t < w.to.getTime())
  const earliest = (xs: ShiftRecord[]): number => Math.min(...xs.map((s) => s.clockInAt.getTime()))

  it('makes consecutive windows: each ends where the next starts, only the last is open', () => {
    fc.assert(fc.property(shifts({ open: true }), (xs) => {
      const ws = handoverWindows(xs)
      if (xs.length === 0) return ws.length === 0
      return ws.every((w, i) => {
        const next = ws[i + 1]
        if (next === undefined) return w.to === null
        return w.to !== null && w.to.getTime() === next.from.getTime() && w.from <= w.to
      }) && ws[0]?.from.getTime() === earliest(xs)
    }))
  })

  it('gives every shift exactly one window, plus one unassigned window exactly when the latest clock-in is closed', () => {
    fc.assert(fc.property(shifts({ open: true }), (xs) => {
      const ws = handoverWindows(xs)
      if (xs.length === 0) return true
      const ids = ws.flatMap((w) => w.shift === null ? [] : [w.shift.id]).sort()
      const latest = [...xs].sort((a, b) => b.clockInAt.getTime() - a.clockInAt.getTime() || (a.id < b.id ? 1 : -1))[0]
      const unassigned = ws.filter((w) => w.kind === 'unassigned').length
      const onDuty = ws.filter((w) => w.kind === 'on_duty')
      expect(ids).toEqual(xs.map((s) => s.id).sort())
      expect(unassigned).toBe(latest?.clockOutAt === null ? 0 : 1)
      expect(onDuty.map((w) => w.shift?.id)).toEqual(latest?.clockOutAt === null ? [latest.id] : [])
    }))
  })

  it('puts every payment after the first clock-in in exactly one window', () => {
    fc.assert(fc.property(shifts({ open: true }), fc.array(fc.integer({ min: 0, max: 5 * 24 * 60 * 60 }), { maxLength: 20 }), (xs, paid) => {
      const ws = handoverWindows(xs)
      return paid.map((s) => T0 + s * 1000).every((t) => {
        const holders = ws.filter((w) => inside(w, t)).length
        return xs.length === 0 || t < earliest(xs) ? holders === 0 : holders === 1
      })
    }))
  })

  it('without forgetting, gives a payment to the first clerk to clock out after it (the seed\'s rule, checked directly)', () => {
    fc.assert(fc.property(shifts({ open: false }), fc.array(fc.integer({ min: 0, max: 5 * 24 * 60 }), { maxLength: 20 }), (xs, paid) => {
      const ws = handoverWindows(xs)
      expect(ws.every((w) => w.kind === 'closed' || w.kind === 'unassigned')).toBe(true)
      for (const t of paid.map((m) => T0 + m * MIN)) {
        if (xs.length === 0 || t < earliest(xs)) continue
        const owner = ws.find((w) => inside(w, t))?.shift ?? null
        const outs = xs.map((s) => ({ s, out: Math.max(s.clockOutAt?.getTime() ?? 0, s.clockInAt.getTime()) })).filter((x) => x.out > t)
        const firstOut = Math.min(...outs.map((x) => x.out))
        const expected = outs.filter((x) => x.out === firstOut).map((x) => x.s.id)
        // Simultaneous clock-outs: the earlier clock-in takes the window, the other an empty one.
        if (expected.length === 0) expect(owner).toBeNull()
        else expect(expected).toContain(owner?.id)
      }
    }))
  })

  it('keeps every clerk\'s own payments theirs when shifts follow one another', () => {
    const sequential = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 600 }), length: fc.integer({ min: 1, max: 600 }), forgot: fc.boolean() }), { minLength: 1, maxLength: 8 })
    fc.assert(fc.property(sequential, (parts) => {
      let t = T0
      const xs = parts.map((p, i) => {
        const clockIn = new Date(t + p.gap * MIN)
        t = clockIn.getTime() + p.length * MIN
        return shift(`s${i}`, clockIn, p.forgot ? null : new Date(t))
      })
      const ws = handoverWindows(xs)
      xs.forEach((s, i) => {
        const w = ws.find((x) => x.shift?.id === s.id)
        const prev = ws[ws.findIndex((x) => x.shift?.id === s.id) - 1]
        const next = xs[i + 1]
        expect(w?.from.getTime()).toBe(prev?.to?.getTime() ?? s.clockInAt.getTime())
        if (s.clockOutAt !== null) {
          // Rule 1: from the previous handover to the own clock-out, which covers the own shift.
          expect(w?.to?.getTime()).toBe(s.clockOutAt.getTime())
          expect(w !== undefined && w.from <= s.clockInAt).toBe(true)
        } else if (next !== undefined) {
          // Rule 3: to the next clerk's clock-in; the next clerk's window starts there.
          expect(w).toMatchObject({ kind: 'forgot_clock_out', to: next.clockInAt })
          expect(ws.find((x) => x.shift?.id === next.id)?.from).toEqual(next.clockInAt)
        } else {
          expect(w).toMatchObject({ kind: 'on_duty', to: null })
        }
      })
    }))
  })

  it('does not depend on the order of its input', () => {
    fc.assert(fc.property(shifts({ open: true }).chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }))), ([xs, shuffled]) => {
      expect(show(handoverWindows(shuffled))).toEqual(show(handoverWindows(xs)))
    }))
  })

  it('reports, for any range, exactly the windows that share time with it', () => {
    fc.assert(fc.property(shifts({ open: true }), fc.integer({ min: 0, max: 4 * 24 * 60 }), fc.integer({ min: 1, max: 24 * 60 }), (xs, start, length) => {
      const ws = handoverWindows(xs)
      const from = T0 + start * MIN
      const to = from + length * MIN
      const touched = new Set(windowsTouching(ws, new Date(from), new Date(to)))
      for (const w of ws) {
        const shares = w.from.getTime() < to && (w.to === null || w.to.getTime() > from)
        const emptyInside = w.to !== null && w.from.getTime() === w.to.getTime() && w.from.getTime() >= from && w.from.getTime() < to
        expect(touched.has(w)).toBe(shares || emptyInside)
      }
    }))
  })
})
