import { inArray } from 'drizzle-orm'
import {
  AppError, fenToYuanString, type CloudPrintDto, fen, summaryFigures, SUMMARY_FIGURES, type IdGenerator, type SummaryDto, type SummaryFigures,
  type SummaryGroup, type SummaryGroupDto, type SummaryQuery,
} from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import { cashierDevices } from '../devices/devices.schema'
import type { PrinterService } from '../devices/printers.service'
import { qrCodes } from '../qr-codes/qr-codes.schema'
import { chinaTime } from '../shifts/handover'
import type { Scope } from '../tenancy/scope'
import { staff, stores, type StoreRow } from '../tenancy/tenancy.schema'
import { summaryCounters } from './summary.repo'

export interface ReportsDeps { db: Db, clock: Clock, newId: IdGenerator, printers: Pick<PrinterService, 'printText'> }

const NONE_LABELS: Record<'store' | 'staff' | 'device' | 'qr_code', string> = { store: '未关联门店', staff: '未关联店员', device: '非设备收款', qr_code: '非二维码收款' }

/** Transaction summaries (R1) for the console and the staff app: figures, groups and their names, and the printed slip. */
export class ReportsService {
  constructor (private readonly d: ReportsDeps) {}

  async summary (scope: Scope, q: SummaryQuery): Promise<SummaryDto> {
    const groupBy = q.groupBy ?? null
    const where = { scope, ...(q.merchantId === undefined ? {} : { merchantId: q.merchantId }), ...(q.storeId === undefined ? {} : { storeId: q.storeId }) }
    const [totals, grouped] = await Promise.all([
      summaryCounters(this.d.db, where, q.from, q.to, null),
      groupBy === null ? Promise.resolve(null) : summaryCounters(this.d.db, where, q.from, q.to, groupBy),
    ])
    const total = summaryFigures(totals.get('') ?? { tradeCount: 0, tradeFen: 0, discountFen: 0, settlementFen: 0, refundCount: 0, refundFen: 0, refundSettlementFen: 0 })
    const groups: SummaryGroupDto[] = []
    if (grouped !== null && groupBy !== null) {
      const labels = await this.#labels(groupBy, [...grouped.keys()])
      for (const [key, counters] of grouped) groups.push({ key: key === '' ? null : key, label: labels.get(key) ?? key, ...summaryFigures(counters) })
      // Time buckets in time order; everything else biggest takings first.
      groups.sort(groupBy === 'day' || groupBy === 'hour' ? (a, b) => Number(a.key) - Number(b.key) : (a, b) => b.tradeFen - a.tradeFen || a.label.localeCompare(b.label, 'zh-CN'))
      if (groupBy === 'day' || groupBy === 'hour') for (const g of groups) g.key = new Date(Number(g.key) * 1000).toISOString()
    }
    return { from: q.from.toISOString(), to: q.to.toISOString(), total, groupBy, groups }
  }

  /**
   * Prints a store's summary (and, asked, its per-clerk lines) on the store's own printers — not
   * those bound to one QR code (seed 000). 409 `no_store_printer` when it has none enabled.
   */
  async print (store: StoreRow, scope: Scope, q: { from: Date, to: Date, groupBy?: 'staff' }): Promise<CloudPrintDto[]> {
    const s = await this.summary(scope, { from: q.from, to: q.to, storeId: store.id, ...(q.groupBy === undefined ? {} : { groupBy: q.groupBy }) })
    const lines = summaryLines(s, store.name, this.d.clock.now())
    const rows = await this.d.printers.printText(this.d.db, store.id, 'summary', this.d.newId('sum'), lines, { title: '交易汇总' })
    if (rows.length === 0) throw new AppError('conflict', 'no_store_printer')
    return rows.map((r) => ({ deliveryId: r.id, printerId: r.recipientId, target: r.target, status: r.status }))
  }

  /** What each group key stands for, by name. */
  async #labels (groupBy: SummaryGroup, keys: string[]): Promise<Map<string, string>> {
    const ids = keys.filter((k) => k !== '')
    const labels = new Map<string, string>()
    if (groupBy === 'day' || groupBy === 'hour') {
      for (const k of ids) {
        const text = chinaTime(new Date(Number(k) * 1000))
        labels.set(k, groupBy === 'day' ? text.slice(0, 10) : `${text.slice(0, 13)}:00`)
      }
      return labels
    }
    labels.set('', NONE_LABELS[groupBy])
    if (ids.length === 0) return labels
    const rows = groupBy === 'store'
      ? await this.d.db.select({ id: stores.id, name: stores.name }).from(stores).where(inArray(stores.id, ids))
      : groupBy === 'staff'
        ? await this.d.db.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, ids))
        : groupBy === 'device'
          ? await this.d.db.select({ id: cashierDevices.id, name: cashierDevices.sn }).from(cashierDevices).where(inArray(cashierDevices.id, ids))
          : await this.d.db.select({ id: qrCodes.id, name: qrCodes.name }).from(qrCodes).where(inArray(qrCodes.id, ids))
    for (const r of rows) labels.set(r.id, r.name ?? r.id)
    return labels
  }
}

const yuan = (n: number): string => `${fenToYuanString(fen(n))} 元`

/** The slip: the range, the eight figures, then one block per clerk when grouped. */
export function summaryLines (s: SummaryDto, storeName: string, now: Date): string[] {
  const figures = (f: SummaryFigures): string[] => [
    `${SUMMARY_FIGURES.tradeCount.label}：${f.tradeCount}`,
    `${SUMMARY_FIGURES.tradeFen.label}：${yuan(f.tradeFen)}`,
    `${SUMMARY_FIGURES.discountFen.label}：${yuan(f.discountFen)}`,
    `${SUMMARY_FIGURES.settlementFen.label}：${yuan(f.settlementFen)}`,
    `${SUMMARY_FIGURES.refundCount.label}：${f.refundCount}`,
    `${SUMMARY_FIGURES.refundFen.label}：${yuan(f.refundFen)}`,
    `${SUMMARY_FIGURES.refundSettlementFen.label}：${yuan(f.refundSettlementFen)}`,
    `${SUMMARY_FIGURES.realReceivedFen.label}：${yuan(f.realReceivedFen)}`,
  ]
  return [
    `门店：${storeName}`,
    `开始：${chinaTime(new Date(s.from))}`,
    `结束：${chinaTime(new Date(s.to))}`,
    '--------------------------------',
    ...figures(s.total),
    ...s.groups.flatMap((g) => ['--------------------------------', `店员：${g.label}`, ...figures(g)]),
    '--------------------------------',
    `打印时间：${chinaTime(now)}`,
  ]
}
