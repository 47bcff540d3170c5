import Router from '@koa/router'
import { and, inArray, isNull, or } from 'drizzle-orm'
import type { DefaultContext } from 'koa'
import { fen, STAFF_ROLE_LABELS, type MobileMeDto, type StoreTakingsDto, type TodayTakingsDto } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { OpenAPIRegistry } from '../../docs/openapi'
import type { AppState } from '../../http/context'
import { mobileSession, rolesOf } from '../tenancy/mobile'
import { documenter } from '../tenancy/route-doc'
import type { ScanTokens } from '../tenancy/scan-tokens'
import { merchants, stores, type StaffRow } from '../tenancy/tenancy.schema'
import { chinaDay } from './handover'
import { openShiftOf, windowTotals } from './shifts.repo'

const isWorker = (r: StaffRow): boolean => r.role === 'clerk' || r.role === 'store_manager'

/**
 * The staff app's home: who the signed-in WeChat user is (every role, with the names to show and
 * whether they are on duty), and today's takings of the stores they may see the takings of.
 */
export function homeRoutes (d: { db: Db, clock: Clock, tokens: ScanTokens }, openapi: OpenAPIRegistry): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  const doc = documenter(openapi, '上下班与交接班')
  const mobile = mobileSession(d)

  const onDutyStaff = async (roles: readonly StaffRow[]): Promise<Set<string>> => {
    const open = await Promise.all(roles.filter(isWorker).map(async (r) => {
      const shift = await openShiftOf(d.db, r.id)
      return shift !== undefined && shift.storeId === r.storeId ? r.id : undefined
    }))
    return new Set(open.filter((id): id is string => id !== undefined))
  }

  doc('get', '/v1/mobile/me', '当前微信用户的全部身份（商户管理员、店长、店员）及是否在班', { mobile: true })
  router.get('/v1/mobile/me', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const merchantIds = [...new Set(roles.flatMap((r) => r.merchantId === null ? [] : [r.merchantId]))]
    const storeIds = [...new Set(roles.flatMap((r) => r.storeId === null ? [] : [r.storeId]))]
    const [merchantRows, storeRows, onDuty] = await Promise.all([
      merchantIds.length === 0 ? [] : d.db.select({ id: merchants.id, name: merchants.name }).from(merchants).where(inArray(merchants.id, merchantIds)),
      storeIds.length === 0 ? [] : d.db.select({ id: stores.id, name: stores.name }).from(stores).where(inArray(stores.id, storeIds)),
      onDutyStaff(roles),
    ])
    const merchantName = new Map(merchantRows.map((m) => [m.id, m.name]))
    const storeName = new Map(storeRows.map((s) => [s.id, s.name]))
    const body: MobileMeDto = {
      name: roles[0]?.name ?? '',
      roles: roles.map((r) => ({
        staffId: r.id,
        role: r.role,
        roleLabel: STAFF_ROLE_LABELS[r.role],
        name: r.name,
        merchantId: r.merchantId,
        merchantName: r.merchantId === null ? null : merchantName.get(r.merchantId) ?? null,
        storeId: r.storeId,
        storeName: r.storeId === null ? null : storeName.get(r.storeId) ?? null,
        refundPermission: r.refundPermission,
        onDuty: onDuty.has(r.id),
      })),
    }
    ctx.body = body
  })

  doc('get', '/v1/mobile/takings/today', '今日收款（门店码收款，按交接班的口径）：商户管理员看全部门店，店长看本店，店员仅在班时看本店', { mobile: true })
  router.get('/v1/mobile/takings/today', mobile, async (ctx) => {
    const roles = rolesOf(ctx)
    const onDuty = await onDutyStaff(roles)
    // A clerk's right to the store's figures ends at clock-out (H3); managers and admins always see theirs.
    const storeIds = roles.flatMap((r) => (r.role === 'store_manager' || (r.role === 'clerk' && onDuty.has(r.id))) && r.storeId !== null ? [r.storeId] : [])
    const merchantIds = roles.flatMap((r) => r.role === 'merchant_admin' && r.merchantId !== null ? [r.merchantId] : [])
    const visible = storeIds.length + merchantIds.length === 0
      ? []
      : await d.db.select({ id: stores.id, name: stores.name }).from(stores).where(and(isNull(stores.deletedAt), or(
        storeIds.length === 0 ? undefined : inArray(stores.id, storeIds),
        merchantIds.length === 0 ? undefined : inArray(stores.merchantId, merchantIds),
      )))
    const day = chinaDay(d.clock.now())
    const perStore: StoreTakingsDto[] = await Promise.all(visible.map(async (s) => {
      const [totals] = await windowTotals(d.db, s.id, [{ from: day.from, to: day.to }])
      const t = totals?.all ?? { paymentCount: 0, paymentFen: fen(0), refundCount: 0, refundFen: fen(0) }
      return { storeId: s.id, storeName: s.name, paymentCount: t.paymentCount, paymentFen: t.paymentFen, refundCount: t.refundCount, refundFen: t.refundFen, netFen: t.paymentFen - t.refundFen }
    }))
    const sum = (k: 'paymentCount' | 'paymentFen' | 'refundCount' | 'refundFen' | 'netFen'): number => perStore.reduce((n, s) => n + s[k], 0)
    const body: TodayTakingsDto = {
      date: day.date,
      stores: perStore.sort((a, b) => a.storeName.localeCompare(b.storeName, 'zh-CN')),
      total: { paymentCount: sum('paymentCount'), paymentFen: sum('paymentFen'), refundCount: sum('refundCount'), refundFen: sum('refundFen'), netFen: sum('netFen') },
    }
    ctx.body = body
  })
  return router
}
