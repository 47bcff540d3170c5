import { and, eq } from 'drizzle-orm'
import { auditLog } from '../../../src/modules/audit/audit.schema'
import { stores } from '../../../src/modules/tenancy/tenancy.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { cpayWorld } from '../../factories/cloudpay'
import { paidOrderAt } from '../../factories/stores'

/*
 * The store and sub-merchant endpoints through the envelope (cloudpay-api.md §7, §8):
 * set_sub_mch_shop_info (upsert and is_all replace, devices and staff), query_sub_mch_shop_info,
 * sdk_query_sub_mch_info without key material, and the clients' monitoring reports.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

type Shop = Record<string, any>
interface Shops { total_count: number, shop_infos: Shop[] }

describe('set_sub_mch_shop_info and query_sub_mch_shop_info', () => {
  it('creates a store with its devices and staff, updates by out_shop_id, and lists them', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const ids = { out_mch_id: w.sp.outMchId, out_sub_mch_id: w.merchant.outSubMchId }
    const created = await w.client.call<{ set_shop_infos: Shop[] }>('set_sub_mch_shop_info', {
      ...ids,
      is_all: false,
      shop_infos: [{
        shop_name: '南山二店',
        branch_name: '海岸城',
        province: '广东省',
        city: '深圳市',
        district: '南山区',
        address: '文心五路 33 号',
        phone: '075586000000',
        device_infos: [{ device_id: 'POS-0001', device_name: '前台收银机', device_shift_type: 2 }],
        staff_infos: [{ staff_id: 'clerk-a', staff_name: '李店长', shop_manager: true }, { staff_id: 'clerk-b', staff_name: '赵收银' }],
      }],
    })
    expect(created).toMatchObject({ status: 0, signed: true })
    const [shop] = created.payload.set_shop_infos
    expect(shop).toMatchObject({ out_shop_id: expect.stringMatching(/^.{20}$/), shop_name: '南山二店' })

    // Again, with the out_shop_id and the same people: updated, nothing doubled.
    const again = await w.client.call('set_sub_mch_shop_info', {
      ...ids,
      shop_infos: [{ out_shop_id: shop?.out_shop_id, shop_name: '南山二店（新）', device_infos: [{ device_id: 'POS-0001' }], staff_infos: [{ staff_name: '李店长' }] }],
    })
    expect(again.status).toBe(0)

    const q = await w.client.call<Shops>('query_sub_mch_shop_info', { ...ids, page_num: 1, page_size: 10 })
    expect(q.status).toBe(0)
    expect(q.payload.total_count).toBe(2)
    const listed = q.payload.shop_infos.find((s) => s.out_shop_id === shop?.out_shop_id)
    expect(listed).toMatchObject({ shop_name: '南山二店（新）', branch_name: '海岸城', address: '广东省深圳市南山区文心五路 33 号', phone: '075586000000', fee_type: 'CNY' })
    expect(listed?.device_infos).toEqual([{ device_id: expect.stringMatching(/^dev_/), device_name: '前台收银机', device_shift_type: 2, sn_code: 'POS-0001' }])
    expect(listed?.staff_infos).toEqual([
      expect.objectContaining({ staff_id: expect.stringMatching(/^stf_/), staff_name: '李店长', shop_manager: true, refund_auth: true }),
      expect.objectContaining({ staff_name: '赵收银', shop_manager: false, refund_auth: false }),
    ])
    // Paging.
    const page2 = await w.client.call<Shops>('query_sub_mch_shop_info', { ...ids, page_num: 2, page_size: 1 })
    expect(page2.payload).toMatchObject({ total_count: 2 })
    expect(page2.payload.shop_infos).toHaveLength(1)

    // The audit log says the integrator did it.
    const [entry] = await database.get().db.select().from(auditLog).where(and(eq(auditLog.action, 'store.created'), eq(auditLog.actorId, `cpay:${w.merchant.outSubMchId}`)))
    expect(entry).toMatchObject({ actorKind: 'integrator' })
  })

  it('answers the store code URL when the store has one', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const qr = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)
    const r = await w.client.call<{ set_shop_infos: Shop[] }>('set_sub_mch_shop_info', { out_sub_mch_id: w.merchant.outSubMchId, shop_infos: [{ out_shop_id: w.store.outShopId }] })
    expect(r.payload.set_shop_infos[0]).toMatchObject({ out_shop_id: w.store.outShopId, out_shop_id_url: qr.body.url })
  })

  it('refuses another merchant out_shop_id and changes nothing', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const other = await cpayWorld(live, database.get(), channels.get())
    const r = await w.client.call('set_sub_mch_shop_info', {
      out_sub_mch_id: w.merchant.outSubMchId,
      shop_infos: [{ shop_name: '不该建出来' }, { out_shop_id: other.store.outShopId, shop_name: '抢别人的店' }],
    })
    expect(r).toMatchObject({ status: 101, internalStatus: 3 })
    const [theirs] = await database.get().db.select().from(stores).where(eq(stores.id, other.store.id))
    expect(theirs?.name).toBe(other.store.name)
    const mine = await w.client.call<Shops>('query_sub_mch_shop_info', { out_sub_mch_id: w.merchant.outSubMchId })
    expect(mine.payload.total_count).toBe(1)
  })

  it('is_all replaces the store list: unlisted stores are deleted, or closed when they had a transaction this month', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const ids = { out_sub_mch_id: w.merchant.outSubMchId }
    const add = async (name: string): Promise<string> =>
      (await w.client.call<{ set_shop_infos: Shop[] }>('set_sub_mch_shop_info', { ...ids, shop_infos: [{ shop_name: name }] })).payload.set_shop_infos[0]?.out_shop_id
    const quiet = await add('没有交易的店')
    const busy = await add('有交易的店')
    const [busyRow] = await database.get().db.select().from(stores).where(eq(stores.outShopId, busy))
    await paidOrderAt(database.get(), w.merchant, busyRow?.id ?? '', new Date())

    const r = await w.client.call<{ set_shop_infos: Shop[], removed_shop_infos: Shop[] }>('set_sub_mch_shop_info', { ...ids, is_all: true, shop_infos: [{ out_shop_id: w.store.outShopId }, { shop_name: '新开的店' }] })
    expect(r.status).toBe(0)
    expect(r.payload.set_shop_infos.map((s) => s.shop_name)).toEqual([w.store.name, '新开的店'])
    expect(r.payload.removed_shop_infos).toEqual(expect.arrayContaining([
      { out_shop_id: quiet, deleted: true },
      expect.objectContaining({ out_shop_id: busy, deleted: false, is_closed: true }),
    ]))
    const q = await w.client.call<Shops>('query_sub_mch_shop_info', { ...ids, page_size: 10 })
    expect(q.payload.shop_infos.map((s) => [s.shop_name, s.is_closed])).toEqual([[w.store.name, false], ['有交易的店', true], ['新开的店', false]])
  })
})

describe('sdk_query_sub_mch_info and client reports', () => {
  it('describes the merchant with its order prefix and no key material', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const r = await w.client.call<{ total_count: number, sub_mch_infos: Shop[] }>('sdk_query_sub_mch_info', { out_sub_mch_id: w.merchant.outSubMchId, page_num: 1, page_size: 1 })
    expect(r).toMatchObject({ status: 0, signed: true })
    expect(r.payload.total_count).toBe(1)
    expect(r.payload.sub_mch_infos[0]).toMatchObject({ pay_platform: 1, out_mch_id: w.sp.outMchId })
    expect(r.payload.sub_mch_infos[0]?.sub_mch_infos[0]).toMatchObject({
      cloud_cashier_id: w.merchant.orderPrefix,
      out_sub_mch_id: w.merchant.outSubMchId,
      company_name: w.merchant.name,
      authen_type: 1,
    })
    expect(r.responseContent).not.toContain(w.credentials.authenKey)
    expect(r.responseContent).not.toMatch(/authen_key|private_key|PRIVATE KEY/)
  })

  it('takes monitoring and configuration reports, and refuses a wrong authen_code', async () => {
    const w = await cpayWorld(live, database.get(), channels.get())
    const monitor = await w.client.call('upload_client_monitor_info', {
      out_mch_id: w.sp.outMchId,
      out_sub_mch_id: w.merchant.outSubMchId,
      out_shop_id: w.store.outShopId,
      order_client: { device_id: 'POS-1', machine_no: 'AA-BB' },
      uncompressed_monitor_info: { client_int_results: [{ interface: 100, status: 0, time_cost: 120 }] },
    })
    expect(monitor).toMatchObject({ status: 0, payload: { interval: 60 } })
    const conf = await w.client.call('upload_client_conf_info', { out_sub_mch_id: w.merchant.outSubMchId, machine_info: '{"os":"Windows"}' })
    expect(conf).toMatchObject({ status: 0, payload: { nonce_str: expect.any(String) } })
    const { requestContent } = w.client.envelope({ out_sub_mch_id: w.merchant.outSubMchId })
    const wrong = await w.client.send('sdk_query_sub_mch_info', JSON.stringify({ request_content: requestContent, authen_info: { a: { authen_type: 1, authen_code: 'A'.repeat(64) } } }))
    expect(wrong).toMatchObject({ status: 101, internalStatus: 7, signed: false })
  })
})
