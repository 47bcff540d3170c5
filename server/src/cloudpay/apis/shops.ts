import { and, asc, count, desc, eq, inArray, isNull } from 'drizzle-orm'
import { AppError, CASHIER_DEVICE_TYPES, CLOUDPAY_DEVICE_SHIFT_TYPE, CreateStoreBody, DEVICE_SN, UpdateStoreBody, type CashierDeviceType } from '@yima/shared'
import type { Logger } from '../../logger'
import { CashierDeviceService } from '../../modules/devices/cashier-devices.service'
import { cashierDevices, type CashierDeviceRow } from '../../modules/devices/devices.schema'
import { codeUrl } from '../../modules/qr-codes/code'
import { qrCodes } from '../../modules/qr-codes/qr-codes.schema'
import type { Caller } from '../../modules/tenancy/caller'
import { EMPTY_SCOPE } from '../../modules/tenancy/scope'
import { staff, stores, type StaffRow, type StoreRow } from '../../modules/tenancy/tenancy.schema'
import { CpayError } from '../envelope'
import { unixSeconds } from '../order-content'
import type { CpayApis, CpayCall } from '../router'
import type { CpayApiDeps } from './index'
import { paging, strField } from './lists.query'

/*
 * The store and sub-merchant endpoints (cloudpay-api.md §7 ShopInfo / DeviceInfo / StaffInfo /
 * SubMchInfo, §8): set and query a merchant's stores with their devices and people, describe the
 * merchant, and take the clients' monitoring and configuration reports. Changes go through the
 * tenancy and device services, as the console's do, by a caller acting for the merchant alone.
 */

type Json = Record<string, unknown>

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : {})
const list = (c: Json, name: string): Json[] => {
  const v = c[name]
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new CpayError(101, 1, `参数${name}错误.`)
  return v.map(obj)
}

/**
 * The integrator, for the services and the audit log: the merchant's own scope, and an actor
 * naming the Cloud Pay API and the sub-merchant whose key signed the call.
 */
const integrator = (call: CpayCall): Caller => ({
  actor: { id: `cpay:${call.merchant.outSubMchId}`, kind: 'integrator' },
  scope: { ...EMPTY_SCOPE, merchantIds: [call.merchant.id] },
})

/** A form the services would refuse (name too long, bad phone) is the client's mistake: 101 with the reason. */
function parsed<T> (r: { success: true, data: T } | { success: false, error: { issues: Array<{ message: string, path: PropertyKey[] }> } }, field: string): T {
  if (r.success) return r.data
  const issue = r.error.issues[0]
  throw new CpayError(101, 1, `参数${field}错误: ${issue?.message ?? ''}`.trim())
}

/** ShopInfo → yima's store fields. Province/city/district are joined into the address (yima keeps one line). */
function storeFields (s: Json): { name?: string, branchName?: string, address?: string, phone?: string } {
  const text = (k: string): string | undefined => typeof s[k] === 'string' && s[k] !== '' ? s[k] : undefined
  const address = ['province', 'city', 'district', 'address'].map(text).filter((x) => x !== undefined).join('')
  const name = text('shop_name')
  const branch = text('branch_name')
  const phone = text('phone')
  return {
    ...(name === undefined ? {} : { name }),
    ...(branch === undefined ? {} : { branchName: branch }),
    ...(address === '' ? {} : { address }),
    ...(phone === undefined ? {} : { phone }),
  }
}

/** device_shift_type (new) → yima's device type; the old device_type says nothing of the hardware. */
function deviceType (info: Json): CashierDeviceType {
  const shift = info.device_shift_type
  const found = CASHIER_DEVICE_TYPES.find((t) => CLOUDPAY_DEVICE_SHIFT_TYPE[t] === shift)
  return found ?? 'cloud_cashier'
}

const deviceInfo = (r: CashierDeviceRow): Json => ({
  device_id: r.id,
  device_name: r.name ?? r.sn,
  device_shift_type: CLOUDPAY_DEVICE_SHIFT_TYPE[r.type],
  sn_code: r.sn,
})

const staffInfo = (r: StaffRow): Json => ({
  staff_id: r.id,
  staff_name: r.name,
  shop_manager: r.role === 'store_manager',
  receive_one_code_pay_notify: r.receiveMessages,
  refund_auth: r.refundPermission,
})

export function shopApis (d: CpayApiDeps, o: { logger?: Logger } = {}): CpayApis {
  const tenancy = d.services.tenancy
  const devices = new CashierDeviceService({ db: d.db, clock: d.clock, newId: d.newId, audit: d.services.audit, publicUrl: d.publicUrl, tenancy })

  /** The merchant's live stores, by out_shop_id. */
  const storesOf = async (merchantId: string): Promise<StoreRow[]> =>
    await d.db.select().from(stores).where(and(eq(stores.merchantId, merchantId), isNull(stores.deletedAt))).orderBy(asc(stores.createdAt), asc(stores.id))

  /** The store's active store code (门店收款码), as the URL customers scan; null without one. */
  const storeCodeUrls = async (storeIds: string[]): Promise<Map<string, string>> => {
    if (storeIds.length === 0) return new Map()
    const rows = await d.db.select({ storeId: qrCodes.storeId, code: qrCodes.code }).from(qrCodes)
      .where(and(inArray(qrCodes.storeId, storeIds), eq(qrCodes.kind, 'store'), eq(qrCodes.status, 'active')))
      .orderBy(desc(qrCodes.createdAt))
    const out = new Map<string, string>()
    for (const r of rows) if (r.storeId !== null && !out.has(r.storeId)) out.set(r.storeId, codeUrl(d.publicUrl, r.code))
    return out
  }

  const peopleOf = async (storeIds: string[]): Promise<{ staff: Map<string, StaffRow[]>, devices: Map<string, CashierDeviceRow[]> }> => {
    const [people, devs] = storeIds.length === 0
      ? [[], []]
      : await Promise.all([
        d.db.select().from(staff).where(and(inArray(staff.storeId, storeIds), isNull(staff.deletedAt))).orderBy(asc(staff.createdAt), asc(staff.id)),
        d.db.select().from(cashierDevices).where(and(inArray(cashierDevices.storeId, storeIds), isNull(cashierDevices.unboundAt))).orderBy(asc(cashierDevices.boundAt), asc(cashierDevices.id)),
      ])
    const group = <R extends { storeId: string | null }>(rows: R[]): Map<string, R[]> => {
      const m = new Map<string, R[]>()
      for (const r of rows) if (r.storeId !== null) m.set(r.storeId, [...(m.get(r.storeId) ?? []), r])
      return m
    }
    return { staff: group(people), devices: group(devs) }
  }

  /**
   * The devices listed for a store: one already bound there (named by yima's device id or its SN)
   * stays; any other is bound with `device_id` as its SN. Devices not listed are left alone.
   */
  const syncDevices = async (caller: Caller, store: StoreRow, infos: Json[]): Promise<void> => {
    if (infos.length === 0) return
    const bound = await d.db.select().from(cashierDevices).where(and(eq(cashierDevices.storeId, store.id), isNull(cashierDevices.unboundAt)))
    for (const info of infos) {
      const id = strField(info, 'device_id')
      if (id === undefined) throw new CpayError(101, 1, '参数device_id错误.')
      if (bound.some((r) => r.id === id || r.sn === id)) continue
      if (!DEVICE_SN.test(id)) throw new CpayError(101, 1, `参数device_id错误: ${id}`)
      const name = strField(info, 'device_name')
      await devices.add(caller, store.id, { type: deviceType(info), sn: id, ...(name === undefined ? {} : { name: name.slice(0, 40) }) })
    }
  }

  /**
   * The people listed for a store: one named by yima's staff id, or else by the same name, is kept
   * (its name updated); anyone else is added, as store manager when `shop_manager`, else clerk.
   * People not listed are left alone: removing staff has rules (the last admin) the console owns.
   */
  const syncStaff = async (caller: Caller, store: StoreRow, infos: Json[]): Promise<void> => {
    if (infos.length === 0) return
    const people = await d.db.select().from(staff).where(and(eq(staff.storeId, store.id), isNull(staff.deletedAt)))
    const entity = { kind: 'store' as const, id: store.id, name: store.name, spId: store.spId, sspId: store.sspId, merchantId: store.merchantId, storeId: store.id }
    for (const info of infos) {
      const id = strField(info, 'staff_id')
      const name = strField(info, 'staff_name')
      const known = people.find((p) => p.id === id) ?? people.find((p) => name !== undefined && p.name === name)
      if (known !== undefined) {
        if (name !== undefined && name !== known.name) await tenancy.staff.update(caller, known.id, { name })
        continue
      }
      if (name === undefined) throw new CpayError(101, 1, '参数staff_name错误.')
      await tenancy.staff.add(caller, entity, info.shop_manager === true ? 'store_manager' : 'clerk', { name: name.slice(0, 40) })
    }
  }

  const shopInfos = async (rows: StoreRow[]): Promise<Json[]> => {
    const ids = rows.map((r) => r.id)
    const [urls, people] = await Promise.all([storeCodeUrls(ids), peopleOf(ids)])
    return rows.map((r) => ({
      out_shop_id: r.outShopId,
      ...(urls.has(r.id) ? { out_shop_id_url: urls.get(r.id) } : {}),
      shop_name: r.name,
      ...(r.branchName === null ? {} : { branch_name: r.branchName }),
      ...(r.address === null ? {} : { address: r.address }),
      ...(r.phone === null ? {} : { phone: r.phone }),
      fee_type: r.currency,
      ...(r.goodsTag === null ? {} : { goods_tag: r.goodsTag }),
      receive_notify_after_duty: false,
      is_closed: r.status === 'closed',
      create_time: unixSeconds(r.createdAt),
      update_time: unixSeconds(r.updatedAt),
      ...(r.wxSubMchId === null ? {} : { wxpay_shop_info_ext: { ext_sub_mch_id: r.wxSubMchId } }),
      device_infos: (people.devices.get(r.id) ?? []).map(deviceInfo),
      staff_infos: (people.staff.get(r.id) ?? []).map(staffInfo),
    }))
  }

  return {
    set_sub_mch_shop_info: {
      payloadKey: 'set_shop_info',
      handle: async (call) => {
        const c = call.content
        const infos = list(c, 'shop_infos')
        const isAll = c.is_all === true || c.is_all === 1
        if (infos.length === 0 && !isAll) throw new CpayError(101, 1, '参数shop_infos错误.')
        const caller = integrator(call)
        const mine = await storesOf(call.merchant.id)
        const byOutId = new Map(mine.map((s) => [s.outShopId, s]))
        // Every store named must be the merchant's own before anything changes.
        const plan = infos.map((info) => {
          const outShopId = strField(info, 'out_shop_id')
          const existing = outShopId === undefined ? undefined : byOutId.get(outShopId)
          if (outShopId !== undefined && existing === undefined) throw new CpayError(101, 3, `参数out_shop_id错误: ${outShopId}`)
          const fields = storeFields(info)
          const form = existing === undefined
            ? parsed(CreateStoreBody.safeParse(fields), 'shop_name')
            : parsed(UpdateStoreBody.safeParse(fields), 'shop_infos')
          return { info, existing, form }
        })
        const written: StoreRow[] = []
        for (const p of plan) {
          const dto = p.existing === undefined
            ? await tenancy.stores.create(caller, call.merchant.id, p.form as CreateStoreBody)
            : await tenancy.stores.update(caller, p.existing.id, p.form)
          const row = await tenancy.stores.row(caller.scope, dto.id)
          await syncDevices(caller, row, list(p.info, 'device_infos'))
          await syncStaff(caller, row, list(p.info, 'staff_infos'))
          written.push(row)
        }
        // is_all: the stores not listed go. One with a transaction in the last month cannot be
        // deleted (seed 004): it is closed instead, and the answer says so.
        const removed: Json[] = []
        if (isAll) {
          const kept = new Set(written.map((s) => s.id))
          for (const s of mine.filter((x) => !kept.has(x.id))) {
            try {
              await tenancy.stores.remove(caller, s.id)
              removed.push({ out_shop_id: s.outShopId, deleted: true })
            } catch (err) {
              if (!(err instanceof AppError && err.code === 'store_has_recent_transactions')) throw err
              if (s.status !== 'closed') await tenancy.stores.update(caller, s.id, { status: 'closed' })
              removed.push({ out_shop_id: s.outShopId, deleted: false, is_closed: true, description: '门店近一个月内有交易，不能删除，已停止收款.' })
            }
          }
        }
        const urls = await storeCodeUrls(written.map((s) => s.id))
        return {
          set_shop_infos: written.map((s, i) => ({
            ...(typeof plan[i]?.info.shop_id === 'string' ? { shop_id: plan[i]?.info.shop_id } : {}),
            out_shop_id: s.outShopId,
            ...(urls.has(s.id) ? { out_shop_id_url: urls.get(s.id) } : {}),
            shop_name: s.name,
          })),
          ...(isAll ? { removed_shop_infos: removed } : {}),
        }
      },
    },

    query_sub_mch_shop_info: {
      payloadKey: 'query_shop_info',
      handle: async (call) => {
        const { offset, limit } = paging(call.content)
        const where = and(eq(stores.merchantId, call.merchant.id), isNull(stores.deletedAt))
        const [rows, [total]] = await Promise.all([
          d.db.select().from(stores).where(where).orderBy(asc(stores.createdAt), asc(stores.id)).limit(limit).offset(offset),
          d.db.select({ n: count() }).from(stores).where(where),
        ])
        return { total_count: Number(total?.n ?? 0), shop_infos: await shopInfos(rows) }
      },
    },

    sdk_query_sub_mch_info: {
      payloadKey: 'query_sub_mch_info',
      handle: async (call) => {
        const m = call.merchant
        const sp = call.sp
        // SubMchInfo without key material: the 认证密钥 and the signing key never leave the server.
        const subMch: Json = {
          sub_mch_id: m.wxSubMchId,
          company_name: m.name,
          merchant_name: m.shortName,
          ...(m.remark === null ? {} : { desc: m.remark }),
          cloud_cashier_id: m.orderPrefix,
          out_sub_mch_id: m.outSubMchId,
          ...(m.logoUrl === null ? {} : { logo: m.logoUrl }),
          admin_email: m.adminEmail,
          ...(m.adUrl === null ? {} : { ad_page_url: m.adUrl }),
          ...(m.adImageUrl === null ? {} : { one_code_pay_ad_info: { picture: m.adImageUrl, ...(m.adUrl === null ? {} : { url: m.adUrl }) } }),
          is_use_cpay_shop_system: true,
          authen_type: 1,
          sign_type: 1,
          wxpay_sub_mch_info_ext: { direct: m.wxChannel === 'direct' },
          ...(m.alipayUserId === null ? {} : { alipay_sub_mch_info_ext: { user_id: m.alipayUserId } }),
        }
        // One entry per platform the SP takes, each naming the merchant under it (§8).
        const platforms: Json[] = [
          { pay_platform: 1, ...(sp.wxMchId === null ? {} : { mch_id: sp.wxMchId }), company_name: sp.name, out_mch_id: sp.outMchId, sub_mch_infos: [subMch] },
          ...(sp.alipayPid === null ? [] : [{ pay_platform: 2, mch_id: sp.alipayPid, company_name: sp.name, out_mch_id: sp.outMchId, sub_mch_infos: [subMch] }]),
        ]
        return { total_count: 1, sub_mch_infos: platforms }
      },
    },

    upload_client_monitor_info: {
      payloadKey: 'upload_client_monitor_info',
      handle: async (call) => {
        const c = call.content
        const info = obj(c.uncompressed_monitor_info)
        const results = list(info, 'client_int_results')
        // Counts only: the reports carry logs and order numbers that have no place in the server log.
        o.logger?.info({
          api: call.api,
          outSubMchId: call.merchant.outSubMchId,
          outShopId: call.store?.outShopId,
          deviceId: strField(obj(c.order_client), 'device_id'),
          compressed: c.is_compress === true,
          results: results.length,
          failures: results.filter((r) => r.status !== 0).length,
        }, 'cloud pay client monitor report')
        return { interval: 60 }
      },
    },

    upload_client_conf_info: {
      payloadKey: 'upload_client_conf_info',
      // The machine configuration is acknowledged, not kept.
      handle: async () => await Promise.resolve({}),
    },
  }
}
