import { AppError, MAX_HANDOVER_RANGE_DAYS, type IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { StaffRow } from '../tenancy/tenancy.schema'
import { chinaTime, handoverWindows, windowsTouching, type HandoverWindow, type ShiftSummary } from './handover'
import { closeShift, openShift, openShiftOf, shiftById, staffNames, storeShifts, windowTotals } from './shifts.repo'
import type { StaffShiftRow } from './shifts.schema'

export interface ShiftsDeps { db: Db, clock: Clock, newId: IdGenerator }

const DAY_MS = 24 * 3600_000

/**
 * Clocking in and out (H1) and the handover summaries (H2). Callers decide who the person is (a
 * WeChat session, the pay page's payer cookie); this service decides whether that person may
 * clock in at the store and keeps one open shift per person.
 */
export class ShiftsService {
  constructor (private readonly d: ShiftsDeps) {}

  /**
   * Opens a shift. Only the store's own clerks and its manager work shifts; admins above the store
   * do not. A second clock-in while on duty is refused, not merged, so the clerk sees it.
   */
  async clockIn (person: StaffRow, store: { id: string, merchantId: string }): Promise<StaffShiftRow> {
    assertWorksShifts(person, store.id)
    const now = this.d.clock.now()
    const opened = await openShift(this.d.db, {
      // ID_PREFIXES (shared/src/ids.ts) has no shift entry yet; the generator only joins prefix and ULID.
      id: this.d.newId('shf'),
      staffId: person.id,
      storeId: store.id,
      merchantId: store.merchantId,
      clockInAt: now,
      createdAt: now,
    })
    if (opened !== undefined) return opened
    const open = await openShiftOf(this.d.db, person.id)
    throw new AppError('conflict', 'already_on_duty', open === undefined ? undefined : `已在班（${chinaTime(open.clockInAt)} 上班打卡）：无需重复打卡；如上次忘记下班打卡，请先下班打卡再上班`)
  }

  /** Closes the person's open shift at this store. */
  async clockOut (person: StaffRow, storeId: string): Promise<StaffShiftRow> {
    assertWorksShifts(person, storeId)
    const closed = await closeShift(this.d.db, person.id, storeId, this.d.clock.now())
    if (closed === undefined) throw new AppError('conflict', 'not_on_duty', '不在班：没有需要下班打卡的班次')
    return closed
  }

  async openShift (staffId: string): Promise<StaffShiftRow | undefined> {
    return await openShiftOf(this.d.db, staffId)
  }

  /**
   * The handover summaries of the store for [from, to): every window touching the range, whole,
   * in order (see handover.ts). `staffIds` keeps only those people's windows (a clerk sees their own).
   */
  async summaries (storeId: string, range: { from: Date, to: Date }, o: { staffIds?: readonly string[] } = {}): Promise<Array<ShiftSummary<StaffShiftRow>>> {
    if (!(range.from < range.to)) throw new AppError('invalid_request', 'validation_failed', '结束时间必须晚于开始时间', { param: 'to' })
    if (range.to.getTime() - range.from.getTime() > MAX_HANDOVER_RANGE_DAYS * DAY_MS) throw new AppError('invalid_request', 'handover_range_too_long', undefined, { param: 'to' })
    const windows = windowsTouching(handoverWindows(await storeShifts(this.d.db, storeId)), range.from, range.to)
      .filter((w) => o.staffIds === undefined || (w.shift !== null && o.staffIds.includes(w.shift.staffId)))
    return await this.#summarize(storeId, windows)
  }

  /** One shift's summary, e.g. to print at clock-out; undefined for an unknown id. */
  async summaryOfShift (shiftId: string): Promise<ShiftSummary<StaffShiftRow> | undefined> {
    const shift = await shiftById(this.d.db, shiftId)
    if (shift === undefined) return undefined
    const window = handoverWindows(await storeShifts(this.d.db, shift.storeId)).find((w) => w.shift?.id === shift.id)
    if (window === undefined) return undefined
    const [summary] = await this.#summarize(shift.storeId, [window])
    return summary
  }

  async #summarize (storeId: string, windows: Array<HandoverWindow<StaffShiftRow>>): Promise<Array<ShiftSummary<StaffShiftRow>>> {
    const totals = await windowTotals(this.d.db, storeId, windows)
    const names = await staffNames(this.d.db, windows.flatMap((w) => w.shift === null ? [] : [w.shift.staffId]))
    return windows.map((w, i) => {
      const t = totals[i]
      if (t === undefined) throw new Error('window without totals')
      return { ...w, staffName: w.shift === null ? null : names.get(w.shift.staffId) ?? null, totals: t.all, byChannel: t.byChannel }
    })
  }
}

function assertWorksShifts (person: StaffRow, storeId: string): void {
  const works = (person.role === 'clerk' || person.role === 'store_manager') && person.storeId === storeId &&
    person.activatedAt !== null && person.deletedAt === null
  if (!works) throw new AppError('permission', 'clock_in_not_permitted')
}
