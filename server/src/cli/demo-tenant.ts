/* eslint-disable @typescript-eslint/no-redeclare -- the zod schema and the type it infers share one name, the zod idiom */
import { AlipaySettingsInput, fen, WechatPaySettingsInput } from '@yima/shared'
import { z } from 'zod'
import { QrCodeService } from '../modules/qr-codes'
import type { Caller } from '../modules/tenancy/caller'
import type { Services } from '../services'
import type { Db } from '../db/client'
import type { Clock } from '../clock'
import type { IdGenerator } from '@yima/shared'

/** What the sandbox prints as YIMA_DEMO (sandbox/src/demo.ts): this run's keys and a sub-merchant it knows. */
export const DemoSettings = z.object({
  subMchId: z.string(),
  wechatPay: WechatPaySettingsInput,
  alipay: AlipaySettingsInput,
})
export type DemoSettings = z.infer<typeof DemoSettings>

export interface DemoTenant { spId: string, merchantId: string, storeId: string, storeCode: string, fixedCode: string }

/**
 * A service provider paying through the sandbox, one merchant, one store, a store code and a
 * fixed-amount code: the demo of `npm start` and the tenant of `npm run bench -- pay`.
 */
export async function createDemoTenant (d: { db: Db, clock: Clock, newId: IdGenerator, publicUrl: string, services: Services }, caller: Caller, settings: DemoSettings): Promise<DemoTenant> {
  const { sps, merchants } = d.services.tenancy
  const codes = new QrCodeService({ db: d.db, clock: d.clock, newId: d.newId, audit: d.services.audit, publicUrl: d.publicUrl, tenancy: d.services.tenancy })
  const sp = await sps.create(caller, {
    name: '易码演示服务商有限公司',
    shortName: '易码演示',
    adminName: '演示管理员',
    adminPhone: '13800000000',
    wechatPay: settings.wechatPay,
    alipay: settings.alipay,
  })
  const { merchant } = await merchants.create(caller, {
    serviceProviderId: sp.id,
    name: '深圳市易码演示餐饮有限公司',
    shortName: '演示餐厅',
    adminName: '演示店主',
    adminEmail: 'owner@demo.yima.invalid',
    wechatSubMchId: settings.subMchId,
  })
  const store = await merchants.createStore(caller, merchant.id, { name: '演示餐厅', branchName: '科技园店', address: '深圳市南山区科技园' })
  const storeCode = await codes.create(caller, store.id, { kind: 'store', name: '收银台' })
  const fixedCode = await codes.create(caller, store.id, { kind: 'fixed_amount', name: '咖啡', unitPriceFen: fen(1800) })
  return { spId: sp.id, merchantId: merchant.id, storeId: store.id, storeCode: storeCode.code, fixedCode: fixedCode.code }
}
