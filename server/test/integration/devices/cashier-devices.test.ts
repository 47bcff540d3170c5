import { asc, eq } from 'drizzle-orm'
import request from 'supertest'
import { auditLog } from '../../../src/modules/audit'
import { cashierDevices } from '../../../src/modules/devices/devices.schema'
import { platePng } from '../../../src/modules/qr-codes/plates/plates'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser } from '../../factories/console'
import { phoneOf, storeWorld } from '../../factories/stores'

/*
 * S5 (seed 000 添加收银设备, seed 004 设备类型): cashier devices of a store — one SN bound once on the
 * whole platform (设备已被绑定), unbound and bound again, and the configuration QR a POS scans to
 * set itself up against the Cloud Pay API, without any secret in it.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) }, 60_000)
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const world = async () => await storeWorld(live, db(), c())
const server = () => live.app.callback()
const actions = async (id: string): Promise<string[]> =>
  (await db().db.select().from(auditLog).where(eq(auditLog.targetId, id)).orderBy(asc(auditLog.at), asc(auditLog.id))).map((r) => r.action)
const binary = (res: any, done: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = []
  res.on('data', (chunk: Buffer) => chunks.push(chunk))
  res.on('end', () => done(null, Buffer.concat(chunks)))
}
const phone = (cookie: string) => ({
  get: (p: string) => request(server()).get(p).set('cookie', cookie),
  post: (p: string, b: object = {}) => request(server()).post(p).set('cookie', cookie).send(b),
})

describe('cashier devices (S5)', () => {
  it('adds devices of each type to a store and lists them', async () => {
    const w = await world()
    const pos = (await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'LANDI_QM600_LA190000000', name: '前台 POS' }).expect(201)).body
    expect(pos).toMatchObject({ type: 'smart_pos', typeLabel: '智能 POS', sn: 'LANDI_QM600_LA190000000', name: '前台 POS', bound: true, unboundAt: null, storeId: w.store.id, merchantId: w.merchant.id })
    expect(pos.id).toMatch(/^dev_/)
    const labels: string[] = []
    for (const [i, type] of ['cloud_cashier', 'mobile_terminal', 'other'].entries()) {
      labels.push((await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type, sn: `SN-000${i}` }).expect(201)).body.typeLabel)
    }
    expect(labels).toEqual(['云支付收银台', '移动收款机具', '其他'])
    const list = (await w.owner.get(`/v1/stores/${w.store.id}/cashier-devices`).expect(200)).body
    expect(list).toMatchObject({ object: 'list', hasMore: false })
    expect(list.data).toHaveLength(4)
    expect((await w.owner.get(`/v1/cashier-devices/${pos.id}`).expect(200)).body).toEqual(pos)
    expect(await actions(pos.id)).toEqual(['cashier_device.bound'])
  })

  it.each([
    ['type', { type: 'printer', sn: 'SN-0001' }, '请选择设备类型'],
    ['type', { sn: 'SN-0001' }, '请选择设备类型'],
    ['sn', { type: 'smart_pos', sn: 'ab' }, '设备 SN'],
    ['sn', { type: 'smart_pos', sn: 'SN 0001' }, '设备 SN'],
    ['name', { type: 'smart_pos', sn: 'SN-0001', name: '长'.repeat(41) }, '40'],
  ])('refuses a bad %s: %j', async (param, body, message) => {
    const w = await world()
    const res = await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, body).expect(400)
    expect(res.body.error).toMatchObject({ type: 'invalid_request', param, message: expect.stringContaining(message) })
  })

  it('says 设备已被绑定 for an SN bound anywhere; unbinding frees it to be bound again', async () => {
    const w = await world()
    const other = await world()
    const first = (await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'SUNMI-P2-0001' }).expect(201)).body
    const again = await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'SUNMI-P2-0001' }).expect(409)
    expect(again.body.error).toEqual(expect.objectContaining({ type: 'conflict', code: 'device_already_bound', message: '设备已被绑定', param: 'sn' }))
    // Another SP's store: the SN is one device, wherever it is bound.
    expect((await other.owner.post(`/v1/stores/${other.store.id}/cashier-devices`, { type: 'mobile_terminal', sn: 'SUNMI-P2-0001' }).expect(409)).body.error.message).toBe('设备已被绑定')

    const unbound = (await w.owner.post(`/v1/cashier-devices/${first.id}/unbind`).expect(200)).body
    expect(unbound).toMatchObject({ id: first.id, bound: false, unboundAt: expect.any(String) })
    // Twice is the same answer, and one audit entry.
    expect((await w.owner.post(`/v1/cashier-devices/${first.id}/unbind`).expect(200)).body).toEqual(unbound)
    expect((await w.owner.get(`/v1/stores/${w.store.id}/cashier-devices`).expect(200)).body.data).toEqual([])
    expect((await w.owner.get(`/v1/stores/${w.store.id}/cashier-devices?includeUnbound=true`).expect(200)).body.data.map((d: any) => d.id)).toEqual([first.id])

    const moved = (await other.owner.post(`/v1/stores/${other.store.id}/cashier-devices`, { type: 'mobile_terminal', sn: 'SUNMI-P2-0001' }).expect(201)).body
    expect(moved).toMatchObject({ sn: 'SUNMI-P2-0001', bound: true, storeId: other.store.id })
    await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'SUNMI-P2-0001' }).expect(409)
    await other.owner.post(`/v1/cashier-devices/${moved.id}/unbind`).expect(200)
    await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'SUNMI-P2-0001' }).expect(201)
    expect(await actions(first.id)).toEqual(['cashier_device.bound', 'cashier_device.unbound'])
    // The history stays: one row per binding.
    expect(await db().db.select().from(cashierDevices).where(eq(cashierDevices.sn, 'SUNMI-P2-0001'))).toHaveLength(3)
  })

  it('binds one SN once when two people add it at the same moment', async () => {
    const w = await world()
    const results = await Promise.all([1, 2, 3].map(async () => (await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'RACE-0001' })).status))
    expect(results.sort()).toEqual([201, 409, 409])
  })

  it('gives a configuration QR with what a POS needs and no secret', async () => {
    const w = await world()
    const device = (await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'cloud_cashier', sn: 'CASHIER-PC-01', name: '1 号收银台' }).expect(201)).body
    const { body: qr } = await w.owner.get(`/v1/cashier-devices/${device.id}/config-qr`).expect(200)
    const sp = (await w.owner.get(`/v1/service-providers/${w.spId}`).expect(200)).body
    expect(qr.payload).toEqual({
      v: 1,
      kind: 'yima_cashier_device',
      api_base_url: `${live.url}/cpay`,
      out_mch_id: sp.outMchId,
      out_sub_mch_id: w.merchant.outSubMchId,
      cloud_cashier_id: w.merchant.orderPrefix,
      authen_type: 'HMAC-SHA256',
      out_shop_id: w.store.outShopId,
      shop_name: '科技园店',
      device_id: device.id,
      device_name: '1 号收银台',
      device_shift_type: 2,
      sn: 'CASHIER-PC-01',
    })
    expect(qr.content).toBe(JSON.stringify(qr.payload))
    expect(qr.content).not.toMatch(/key|secret|token/i)
    expect(qr.pngPath).toBe(`/v1/cashier-devices/${device.id}/config-qr.png`)

    const png = await w.owner.get(qr.pngPath).buffer(true).parse(binary).expect(200)
    expect(png.headers['content-type']).toBe('image/png')
    // The image is exactly the QR of that text.
    expect(Buffer.compare(png.body as Buffer, await platePng(qr.content))).toBe(0)

    await w.owner.post(`/v1/cashier-devices/${device.id}/unbind`).expect(200)
    expect((await w.owner.get(`/v1/cashier-devices/${device.id}/config-qr`).expect(409)).body.error.code).toBe('cashier_device_unbound')
    await w.owner.get(`/v1/cashier-devices/${device.id}/config-qr.png`).expect(409)
  })
})

describe('cashier devices on the phone (the merchant admin and the store manager)', () => {
  it('the manager and the merchant admin add, list, unbind and get the QR; a clerk cannot', async () => {
    const w = await world()
    const manager = phone(await phoneOf(live, db(), c(), w.manager.id))
    const admin = phone(await phoneOf(live, db(), c(), w.adminId))
    const clerk = phone(await phoneOf(live, db(), c(), w.clerk.id))

    const added = (await manager.post(`/v1/mobile/stores/${w.store.id}/cashier-devices`, { type: 'mobile_terminal', sn: 'XGH-0001', name: '小绿盒' }).expect(201)).body
    const [entry] = await db().db.select().from(auditLog).where(eq(auditLog.targetId, added.id))
    expect(entry).toMatchObject({ action: 'cashier_device.bound', actorId: w.manager.id, actorKind: 'staff' })
    expect((await manager.post(`/v1/mobile/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'XGH-0001' }).expect(409)).body.error.message).toBe('设备已被绑定')
    expect((await admin.get(`/v1/mobile/stores/${w.store.id}/cashier-devices`).expect(200)).body.data.map((d: any) => d.id)).toEqual([added.id])
    const qr = (await manager.get(`/v1/mobile/cashier-devices/${added.id}/config-qr`).expect(200)).body
    expect(qr.payload).toMatchObject({ device_id: added.id, out_shop_id: w.store.outShopId, device_shift_type: 1 })
    expect(qr.pngPath).toBe(`/v1/mobile/cashier-devices/${added.id}/config-qr.png`)
    expect((await manager.get(qr.pngPath).buffer(true).parse(binary).expect(200)).headers['content-type']).toBe('image/png')

    await clerk.get(`/v1/mobile/stores/${w.store.id}/cashier-devices`).expect(403)
    await clerk.post(`/v1/mobile/stores/${w.store.id}/cashier-devices`, { type: 'other', sn: 'CLERK-0001' }).expect(403)
    await clerk.post(`/v1/mobile/cashier-devices/${added.id}/unbind`).expect(403)
    await clerk.get(`/v1/mobile/cashier-devices/${added.id}/config-qr`).expect(403)
    await request(server()).get(`/v1/mobile/stores/${w.store.id}/cashier-devices`).expect(401)

    expect((await admin.post(`/v1/mobile/cashier-devices/${added.id}/unbind`).expect(200)).body.bound).toBe(false)
    await manager.post(`/v1/mobile/stores/${w.store.id}/cashier-devices`, { type: 'mobile_terminal', sn: 'XGH-0001' }).expect(201)
  })
})

describe('another tenant\'s devices are not there (T9)', () => {
  it('answers 404 to every id of another SP, on the console and on the phone', async () => {
    const a = await world()
    const b = await world()
    const device = (await b.owner.post(`/v1/stores/${b.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'B-DEVICE-01' }).expect(201)).body
    const stranger = await consoleUser(live.app, db())
    for (const user of [a.owner, stranger]) {
      await user.get(`/v1/cashier-devices/${device.id}`).expect(404)
      await user.post(`/v1/cashier-devices/${device.id}/unbind`).expect(404)
      await user.get(`/v1/cashier-devices/${device.id}/config-qr`).expect(404)
      await user.get(`/v1/cashier-devices/${device.id}/config-qr.png`).expect(404)
      await user.get(`/v1/stores/${b.store.id}/cashier-devices`).expect(404)
      await user.post(`/v1/stores/${b.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'A-INTO-B-01' }).expect(404)
    }
    for (const cookie of [await phoneOf(live, db(), c(), a.adminId), await phoneOf(live, db(), c(), a.manager.id)]) {
      const p = phone(cookie)
      await p.post(`/v1/mobile/cashier-devices/${device.id}/unbind`).expect(404)
      await p.get(`/v1/mobile/cashier-devices/${device.id}/config-qr`).expect(404)
      await p.get(`/v1/mobile/cashier-devices/${device.id}/config-qr.png`).expect(404)
      await p.get(`/v1/mobile/stores/${b.store.id}/cashier-devices`).expect(404)
      await p.post(`/v1/mobile/stores/${b.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'A-INTO-B-02' }).expect(404)
    }
    const rows = await db().db.select().from(cashierDevices)
    expect(rows.map((r) => [r.id, r.unboundAt])).toEqual([[device.id, null]])
  })
})
