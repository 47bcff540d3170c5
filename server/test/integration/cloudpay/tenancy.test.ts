import { inArray, sql } from 'drizzle-orm'
import { cashierDevices } from '../../../src/modules/devices/devices.schema'
import { staff } from '../../../src/modules/tenancy'
import { CloudPayClient, type CloudPayResponse } from '../../../src/cloudpay/client'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { WECHAT_CODE } from '../../helpers/payments'
import { cpayWorld, type CpayWorld } from '../../factories/cloudpay'

/*
 * Tenancy through /cpay: merchant A's correctly signed client, holding tenant B's numbers, stores,
 * staff and devices (B under another SP, and C under A's own SP). Every answer refuses or holds
 * nothing of B's, and nothing in the database changes.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => {
  await live.pushTicket()
  live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const ORDER_CLIENT = { machine_no: '32-62-A8-14-B3-C0', terminal_type: 1, device_id: 'POS-01', sdk_version: 'javasdk1.6', spbill_create_ip: '127.0.0.1', sub_terminal_type: 0 }
type Payload = Record<string, any>
const unix = (d: Date): number => Math.floor(d.getTime() / 1000)

async function fingerprint (): Promise<string> {
  const parts: string[] = []
  for (const t of ['orders', 'refunds', 'stores', 'staff', 'cashier_devices', 'merchants', 'audit_log', 'outbox_jobs']) {
    const r = await db().db.execute(sql.raw(`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from ${t} t`))
    parts.push(`${t}=${String((r.rows[0] as { h: string }).h)}`)
  }
  return parts.join(':')
}

/** One merchant's rows (orders, refunds, stores, staff, devices). */
async function tenantRows (merchantId: string): Promise<string> {
  const parts: string[] = []
  for (const q of [
    sql`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from orders t where merchant_id = ${merchantId}`,
    sql`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from refunds t where order_id in (select id from orders where merchant_id = ${merchantId})`,
    sql`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from stores t where merchant_id = ${merchantId}`,
    sql`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from staff t where merchant_id = ${merchantId} or store_id in (select id from stores where merchant_id = ${merchantId})`,
    sql`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from cashier_devices t where merchant_id = ${merchantId}`,
  ]) parts.push(String(((await db().db.execute(q)).rows[0] as { h: string }).h))
  return parts.join(':')
}

interface Victim {
  w: CpayWorld
  paid: string
  paidTxn: string
  refundNo: string
  pending: string
  native: string
  shop: { outShopId: string, name: string, staffIds: string[], deviceIds: string[], deviceSn: string }
}

/** A tenant with a paid order (refunded in part), a micropay still paying, an unpaid native order, and a second store with staff and a device. */
async function victim (o: { owner?: CpayWorld['owner'], sp?: CpayWorld['sp'] } = {}): Promise<Victim> {
  const w = await cpayWorld(live, db(), c(), o)
  const sn = `POS-${w.merchant.orderPrefix}`
  const oc = { ...ORDER_CLIENT, device_id: sn, staff_id: w.adminId }
  const paid = w.orderNo('p')
  const pay = await w.client.call<Payload>('micro_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: paid, total_fee: 1250, author_code: WECHAT_CODE, fee_type: 'CNY', body: '乙的午餐' }, order_client: oc })
  expect(pay.status).toBe(0)
  const refundNo = `${paid}r`.slice(0, 32)
  expect((await w.client.call('refund', { pay_mch_key: w.mchKey(), refund_content: { out_trade_no: paid, out_refund_no: refundNo, total_fee: 1250, refund_fee: 100, refund_fee_type: 'CNY' }, order_client: oc })).status).toBe(0)
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/codepay/next', { result: 'USERPAYING_TIMEOUT' })).status).toBe(200)
  const pending = w.orderNo('u')
  expect((await w.client.call('micro_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: pending, total_fee: 300, author_code: WECHAT_CODE, fee_type: 'CNY', body: '乙' }, order_client: oc })).status).toBe(0)
  const native = w.orderNo('n')
  expect((await w.client.call('scan_code_pay', { pay_mch_key: w.mchKey(), pay_content: { out_trade_no: native, total_fee: 300, fee_type: 'CNY', body: '乙' }, order_client: oc })).status).toBe(0)
  const name = `乙的秘密店${w.merchant.orderPrefix}`
  const set = await w.client.call<{ set_shop_infos: Payload[] }>('set_sub_mch_shop_info', {
    out_sub_mch_id: w.merchant.outSubMchId,
    shop_infos: [{ shop_name: name, device_infos: [{ device_id: sn, device_name: '乙收银机' }], staff_infos: [{ staff_id: 'b-clerk', staff_name: '乙店员' }] }],
  })
  expect(set.status).toBe(0)
  const outShopId = String(set.payload.set_shop_infos[0]?.out_shop_id)
  const q = await w.client.call<{ shop_infos: Payload[] }>('query_sub_mch_shop_info', { out_sub_mch_id: w.merchant.outSubMchId, page_size: 10 })
  const mine = q.payload.shop_infos.find((s) => s.out_shop_id === outShopId)
  expect([mine?.staff_infos?.length, mine?.device_infos?.length]).toEqual([1, 1])
  return {
    w,
    paid,
    paidTxn: String(pay.payload.order_content.transaction_id),
    refundNo,
    pending,
    native,
    shop: { outShopId, name, staffIds: (mine?.staff_infos ?? []).map((s: Payload) => String(s.staff_id)), deviceIds: (mine?.device_infos ?? []).map((d: Payload) => String(d.device_id)), deviceSn: sn },
  }
}

type Probe = [label: string, run: () => Promise<CloudPayResponse<Payload>>]

function probes (a: CpayWorld, b: Victim): Probe[] {
  const key = a.mchKey()
  const range = { start_time: unix(new Date(Date.now() - 86400_000)), end_time: unix(new Date(Date.now() + 86400_000)) }
  const ids = { out_mch_id: a.sp.outMchId, out_sub_mch_id: a.merchant.outSubMchId }
  const aRefundNo = a.orderNo('x')
  const refundContent = (outRefundNo: string) => ({ out_trade_no: b.paid, out_refund_no: outRefundNo, total_fee: 1250, refund_fee: 100, refund_fee_type: 'CNY' })
  const onBShop = a.client.mchKey({ out_shop_id: b.w.store.outShopId, pay_platform: 1 })
  // A's keys (HMAC and RSA) under B's out_sub_mch_id.
  const posing = new CloudPayClient({ baseUrl: live.url, authenKey: a.credentials.authenKey, outMchId: b.w.sp.outMchId, outSubMchId: b.w.merchant.outSubMchId, signingPrivateKey: a.credentials.signingPrivateKey })
  const posingKey = posing.mchKey({ out_shop_id: b.w.store.outShopId, pay_platform: 1 })
  return [
    // B's order numbers.
    ['query_order B paid', async () => await a.client.call('query_order', { out_trade_no: b.paid, pay_mch_key: a.client.mchKey({ out_shop_id: a.store.outShopId }), order_client: ORDER_CLIENT })],
    ['query_order B pending', async () => await a.client.call('query_order', { out_trade_no: b.pending, pay_mch_key: key, order_client: ORDER_CLIENT })],
    ['refund B paid (B refund no)', async () => await a.client.call('refund', { pay_mch_key: key, refund_content: refundContent(`${b.paid}z`.slice(0, 32)), order_client: ORDER_CLIENT })],
    ['refund B paid (A refund no, RSA)', async () => await a.client.call('refund', { pay_mch_key: key, refund_content: refundContent(aRefundNo), order_client: ORDER_CLIENT }, { rsa: {} })],
    ['refund B paid (B existing refund no)', async () => await a.client.call('refund', { pay_mch_key: key, refund_content: { ...refundContent(b.refundNo) }, order_client: ORDER_CLIENT })],
    ['refund B paid as admin v2', async () => await a.client.call('refund', { api_version: 2, pay_mch_key: { ...key, is_sub_mch_admin: true }, refund_content: refundContent(aRefundNo), order_client: { ...ORDER_CLIENT, staff_id: b.w.adminId } })],
    ['reverse B pending (RSA)', async () => await a.client.call('reverse', { out_trade_no: b.pending, pay_mch_key: key, order_client: ORDER_CLIENT }, { rsa: {} })],
    ['reverse B pending (HMAC)', async () => await a.client.call('reverse', { out_trade_no: b.pending, pay_mch_key: key, order_client: ORDER_CLIENT })],
    ['close_order B native', async () => await a.client.call('close_order', { out_trade_no: b.native, trade_type: 2, pay_mch_key: key, order_client: ORDER_CLIENT })],
    ['query_refund_order B paid', async () => await a.client.call('query_refund_order', { out_trade_no: b.paid, pay_mch_key: key, order_client: ORDER_CLIENT })],
    ['query_refund_order B refund no', async () => await a.client.call('query_refund_order', { out_trade_no: b.paid, out_refund_no: b.refundNo, pay_mch_key: key, order_client: ORDER_CLIENT })],
    // B's out_shop_id.
    ['micro_pay at B shop', async () => await a.client.call('micro_pay', { pay_mch_key: onBShop, pay_content: { out_trade_no: a.orderNo('s'), total_fee: 1, author_code: WECHAT_CODE, fee_type: 'CNY', body: '偷' }, order_client: ORDER_CLIENT })],
    ['scan_code_pay at B shop', async () => await a.client.call('scan_code_pay', { pay_mch_key: onBShop, pay_content: { out_trade_no: a.orderNo('s'), total_fee: 1, fee_type: 'CNY', body: '偷' }, order_client: ORDER_CLIENT })],
    ['query_order A number at B shop', async () => await a.client.call('query_order', { out_trade_no: b.paid, pay_mch_key: onBShop, order_client: ORDER_CLIENT })],
    ['query_order_list B shop', async () => await a.client.call('query_order_list', { ...ids, out_shop_id: b.w.store.outShopId, ...range, order_type: 3, status: 1 })],
    ['query_order_list B second shop', async () => await a.client.call('query_order_list', { ...ids, out_shop_id: b.shop.outShopId, ...range, order_type: 3, status: 1 })],
    ['query_order_list_overview B shop', async () => await a.client.call('query_order_list_overview', { ...ids, out_shop_id: b.w.store.outShopId, ...range })],
    ['client_order_detail B shop', async () => await a.client.call('client_order_detail', { ...ids, out_shop_id: b.w.store.outShopId, ...range, query_order_type: 1, page_size: 10, enable_overview: true })],
    ['set_sub_mch_shop_info upsert B store', async () => await a.client.call('set_sub_mch_shop_info', { ...ids, shop_infos: [{ out_shop_id: b.w.store.outShopId, shop_name: '抢来的店', staff_infos: [{ staff_name: '甲' }] }] })],
    ['set_sub_mch_shop_info upsert B second store, is_all', async () => await a.client.call('set_sub_mch_shop_info', { ...ids, is_all: true, shop_infos: [{ out_shop_id: a.store.outShopId }, { out_shop_id: b.shop.outShopId, device_infos: [{ device_id: b.shop.deviceSn }] }] })],
    ['set_sub_mch_shop_info claims B device SN for A store', async () => await a.client.call('set_sub_mch_shop_info', { ...ids, shop_infos: [{ out_shop_id: a.store.outShopId, device_infos: [{ device_id: b.shop.deviceSn, device_name: '抢来的机器' }] }] })],
    ['query_sub_mch_shop_info B shop', async () => await a.client.call('query_sub_mch_shop_info', { ...ids, out_shop_id: b.shop.outShopId, page_size: 10 })],
    ['query_sub_mch_shop_info', async () => await a.client.call('query_sub_mch_shop_info', { ...ids, page_size: 10 })],
    // B's staff and devices in filters.
    ...b.shop.staffIds.concat(b.w.adminId).map((s): Probe => [`query_order_list staff ${s}`, async () => await a.client.call('query_order_list', { ...ids, ...range, order_type: 3, status: 1, staff_id: s })]),
    ...b.shop.deviceIds.concat(b.shop.deviceSn).map((d): Probe => [`query_order_list device ${d}`, async () => await a.client.call('query_order_list', { ...ids, ...range, order_type: 3, status: 1, device_id: d })]),
    ['client_order_detail B staff', async () => await a.client.call('client_order_detail', { ...ids, ...range, query_order_type: 1, page_size: 10, staff_id: b.w.adminId })],
    ['client_sub_mch_sales_overview B device', async () => await a.client.call('client_sub_mch_sales_overview', { ...ids, ...range, stat_type: 1, device_id: b.shop.deviceSn })],
    // A's key under B's out_sub_mch_id: authentication fails.
    ...(['query_order', 'refund', 'reverse', 'close_order', 'query_refund_order', 'micro_pay'] as const).flatMap((api): Probe[] => {
      const content = { out_trade_no: api === 'micro_pay' ? b.w.orderNo('m') : b.paid, pay_mch_key: posingKey, order_client: ORDER_CLIENT, refund_content: refundContent(`${b.paid}y`.slice(0, 32)), pay_content: { out_trade_no: b.w.orderNo('m'), total_fee: 1, author_code: WECHAT_CODE, fee_type: 'CNY', body: '冒' } }
      return [
        [`${api} posing as B (HMAC)`, async () => await posing.call(api, content)],
        [`${api} posing as B (RSA)`, async () => await posing.call(api, content, { rsa: {} })],
      ]
    }),
    ['query_order_list posing as B', async () => await posing.call('query_order_list', { out_sub_mch_id: b.w.merchant.outSubMchId, ...range })],
    ['set_sub_mch_shop_info posing as B', async () => await posing.call('set_sub_mch_shop_info', { out_sub_mch_id: b.w.merchant.outSubMchId, shop_infos: [{ out_shop_id: b.w.store.outShopId, shop_name: '冒名' }] })],
    ['query_sub_mch_shop_info posing as B', async () => await posing.call('query_sub_mch_shop_info', { out_sub_mch_id: b.w.merchant.outSubMchId })],
    ['sdk_query_sub_mch_info posing as B', async () => await posing.call('sdk_query_sub_mch_info', { out_sub_mch_id: b.w.merchant.outSubMchId })],
  ]
}

describe('no /cpay request crosses merchants', () => {
  it('A\'s correctly signed client with B\'s ids: refused or empty-handed, and nothing written', async () => {
    const a = await cpayWorld(live, db(), c())
    // A has its own order, so "empty" lists are not empty by accident.
    const aPaid = a.orderNo('a')
    expect((await a.client.call('micro_pay', { pay_mch_key: a.mchKey(), pay_content: { out_trade_no: aPaid, total_fee: 500, author_code: WECHAT_CODE, fee_type: 'CNY', body: '甲' }, order_client: ORDER_CLIENT })).status).toBe(0)
    const victims = [
      { name: 'B (another SP)', v: await victim() },
      { name: 'C (A\'s own SP)', v: await victim({ owner: a.owner, sp: a.sp }) },
    ]
    expect(victims[1]?.v.w.sp.outMchId).toBe(a.sp.outMchId)

    const crossings: string[] = []
    let checked = 0
    for (const { name, v } of victims) {
      const secrets = [v.paid, v.paidTxn, v.refundNo, v.pending, v.native, v.w.store.outShopId, v.w.store.name, v.w.store.id, v.shop.outShopId, v.shop.name, v.shop.deviceSn, v.w.adminId, v.w.merchant.id, v.w.merchant.outSubMchId, ...v.shop.staffIds, ...v.shop.deviceIds, '乙的午餐', '乙店员', '乙收银机']
      for (const [label, run] of probes(a, v)) {
        const before = await fingerprint()
        const r = await run()
        const after = await fingerprint()
        // An answer (status 0) holds none of B's ids; a refusal's description may echo the ids the caller sent, nothing more.
        const leaked = secrets.filter((s) => r.responseContent.includes(s) && (r.status === 0 || !sentIn(s, v)))
        const wrote = after !== before
        const refused = r.status !== 0
        const emptyHanded = r.status === 0 && leaked.length === 0
        if (wrote || leaked.length > 0 || !(refused || emptyHanded)) {
          const diff = before.split(':').filter((p, i) => p !== after.split(':')[i]).map((p) => p.split('=')[0]).join(',')
          crossings.push(`${name}: ${label} → ${r.status}/${r.internalStatus}${wrote ? ` (wrote ${diff})` : ''}${leaked.length > 0 ? ` (leaked ${leaked.join(',')})` : ''}`)
        }
        if (label.includes('posing as B') && (r.status !== 101 || r.internalStatus !== 7 || r.signed)) crossings.push(`${name}: ${label} → ${r.status}/${r.internalStatus}, expected 101/7 unsigned`)
        checked++
      }
    }
    expect(crossings).toEqual([])
    expect(checked).toBeGreaterThan(60)

    // B's yima staff and device ids named for A's own store: A's store may gain people and devices of
    // its own (the ids are unknown there, so read as a new SN / matched by name), B's rows stay as they were.
    for (const { name, v } of victims) {
      const before = await tenantRows(v.w.merchant.id)
      const r = await a.client.call<Payload>('set_sub_mch_shop_info', { out_sub_mch_id: a.merchant.outSubMchId, shop_infos: [{ out_shop_id: a.store.outShopId, device_infos: v.shop.deviceIds.map((d) => ({ device_id: d, device_name: '换主' })), staff_infos: v.shop.staffIds.map((id) => ({ staff_id: id, staff_name: '换主' })) }] })
      expect([name, r.status]).toEqual([name, 0])
      expect([name, await tenantRows(v.w.merchant.id)]).toEqual([name, before])
      // B's devices and staff are still bound to B's store.
      expect((await db().db.select().from(cashierDevices).where(inArray(cashierDevices.id, v.shop.deviceIds))).map((d) => [d.merchantId, d.storeId, d.unboundAt])).toEqual(v.shop.deviceIds.map(() => [v.w.merchant.id, expect.any(String), null]))
      expect((await db().db.select().from(staff).where(inArray(staff.id, v.shop.staffIds))).every((p) => p.merchantId === v.w.merchant.id && p.storeId !== a.store.id)).toBe(true)
    }

    // And A reaches its own data with the same client (the matrix is not passing by refusing everything).
    const own = await a.client.call<Payload>('query_order', { out_trade_no: aPaid, pay_mch_key: a.mchKey(), order_client: ORDER_CLIENT })
    expect(own).toMatchObject({ status: 0, payload: { order_content: { out_trade_no: aPaid } } })
    const range = { start_time: unix(new Date(Date.now() - 86400_000)), end_time: unix(new Date(Date.now() + 86400_000)) }
    const list = await a.client.call<{ total_count: number }>('query_order_list', { out_sub_mch_id: a.merchant.outSubMchId, ...range, order_type: 1 })
    expect(list).toMatchObject({ status: 0, payload: { total_count: 1 } })
    // And B's data is still B's.
    for (const { v } of victims) {
      const theirs = await v.w.client.call<Payload>('query_order', { out_trade_no: v.paid, pay_mch_key: v.w.mchKey(), order_client: ORDER_CLIENT })
      expect(theirs.payload.order_content).toMatchObject({ out_trade_no: v.paid, wxpay_order_content_ext: { current_trade_state: 4 } })
      const shops = await v.w.client.call<{ shop_infos: Payload[] }>('query_sub_mch_shop_info', { out_sub_mch_id: v.w.merchant.outSubMchId, page_size: 10 })
      expect(shops.payload.shop_infos.map((s) => s.shop_name).sort()).toEqual([v.w.store.name, v.shop.name].sort())
    }
  }, 120_000)
})

/** The ids a probe may send (B's number in query_order, B's shop in a filter…), which a refusal's description may echo. */
function sentIn (s: string, v: Victim): boolean {
  return [v.paid, v.pending, v.native, v.refundNo, v.w.store.outShopId, v.shop.outShopId, v.shop.deviceSn, v.w.adminId, v.w.merchant.outSubMchId, ...v.shop.staffIds, ...v.shop.deviceIds].includes(s)
}
