import { asc, eq } from 'drizzle-orm'
import request from 'supertest'
import { auditLog } from '../../../src/modules/audit'
import { staff } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser } from '../../factories/console'
import { phoneOf, storeWorld } from '../../factories/stores'

/*
 * S2: a store's managers and clerks — added, edited and removed from the console and from the
 * phone, activated by QR, and 店员退款权限设置 (seed 000): the store's manager or the merchant admin
 * decides, a clerk never grants themselves; the last refund-capable manager keeps it.
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
const refundable = async (id: string): Promise<boolean | undefined> => (await db().db.select().from(staff).where(eq(staff.id, id)))[0]?.refundPermission

/** supertest as the phone holding `cookie`. */
const phone = (cookie: string) => ({
  get: (p: string) => request(server()).get(p).set('cookie', cookie),
  post: (p: string, b: object = {}) => request(server()).post(p).set('cookie', cookie).send(b),
  patch: (p: string, b: object) => request(server()).patch(p).set('cookie', cookie).send(b),
  del: (p: string) => request(server()).delete(p).set('cookie', cookie),
})

describe('store staff on the console (S2)', () => {
  it('adds managers (refund permission by default) and clerks (without), edits and removes them', async () => {
    const w = await world()
    expect(w.manager).toMatchObject({ role: 'store_manager', roleLabel: '店长', name: '张店长', phone: '13800000001', refundPermission: true, activated: false, storeId: w.store.id })
    expect(w.clerk).toMatchObject({ role: 'clerk', roleLabel: '店员', name: '王小明', phone: '13800000002', refundPermission: false, storeId: w.store.id })
    expect((await w.owner.post(`/v1/stores/${w.store.id}/staff`, { name: '小李', role: 'cashier' }).expect(400)).body.error).toMatchObject({ param: 'role', message: expect.stringContaining('店长或店员') })
    expect((await w.owner.post(`/v1/stores/${w.store.id}/staff`, { name: '小李', role: 'clerk', phone: '110' }).expect(400)).body.error.param).toBe('phone')

    const edited = (await w.owner.patch(`/v1/staff/${w.clerk.id}`, { name: '王晓明', phone: '13900001111' }).expect(200)).body
    expect(edited).toMatchObject({ id: w.clerk.id, name: '王晓明', phone: '13900001111', role: 'clerk' })
    expect((await w.owner.patch(`/v1/staff/${w.clerk.id}`, { phone: '' }).expect(200)).body.phone).toBeNull()
    expect((await w.owner.patch(`/v1/staff/${w.clerk.id}`, { phone: '12' }).expect(400)).body.error.param).toBe('phone')
    expect((await w.owner.patch(`/v1/staff/${w.clerk.id}`, { name: '' }).expect(400)).body.error.param).toBe('name')
    expect((await w.owner.get(`/v1/staff/${w.clerk.id}`).expect(200)).body).toMatchObject({ name: '王晓明', phone: null })

    // The activation QR exists for a person not yet activated, and is the same one when asked again.
    const qr = (await w.owner.get(`/v1/staff/${w.clerk.id}/activation-qr`).expect(200)).body
    expect(qr.url).toMatch(/\/scan\/activate\?t=/)
    expect((await w.owner.get(`/v1/staff/${w.clerk.id}/activation-qr`).expect(200)).body.url).toBe(qr.url)

    await w.owner.del(`/v1/staff/${w.clerk.id}`).expect(204)
    await w.owner.get(`/v1/staff/${w.clerk.id}`).expect(404)
    expect((await w.owner.get(`/v1/stores/${w.store.id}/staff`).expect(200)).body.data.map((s: any) => s.id)).toEqual([w.manager.id])
    // A store keeps its last manager.
    expect((await w.owner.del(`/v1/staff/${w.manager.id}`).expect(409)).body.error.code).toBe('last_admin')
    expect(await actions(w.clerk.id)).toEqual(['staff.added', 'staff.updated', 'staff.updated', 'staff.removed'])
  })

  it('console accounts grant and revoke refund permission; the last refund-capable manager keeps it', async () => {
    const w = await world()
    expect((await w.owner.post(`/v1/staff/${w.clerk.id}/refund-permission`, { refundPermission: true }).expect(200)).body.refundPermission).toBe(true)
    // Asking again changes nothing and writes nothing.
    await w.owner.post(`/v1/staff/${w.clerk.id}/refund-permission`, { refundPermission: true }).expect(200)
    expect((await w.owner.post(`/v1/staff/${w.clerk.id}/refund-permission`, { refundPermission: false }).expect(200)).body.refundPermission).toBe(false)
    expect(await actions(w.clerk.id)).toEqual(['staff.added', 'staff.refund_permission_granted', 'staff.refund_permission_revoked'])
    await w.owner.post(`/v1/staff/${w.clerk.id}/refund-permission`, { refundPermission: 'yes' }).expect(400)

    const last = await w.owner.post(`/v1/staff/${w.manager.id}/refund-permission`, { refundPermission: false }).expect(409)
    expect(last.body.error).toMatchObject({ code: 'last_refund_admin', message: expect.stringContaining('最后一个有退款权限') })
    const second = (await w.owner.post(`/v1/stores/${w.store.id}/staff`, { name: '李店长', role: 'store_manager' }).expect(201)).body
    await w.owner.post(`/v1/staff/${w.manager.id}/refund-permission`, { refundPermission: false }).expect(200)
    expect(await refundable(w.manager.id)).toBe(false)
    expect((await w.owner.post(`/v1/staff/${second.id}/refund-permission`, { refundPermission: false }).expect(409)).body.error.code).toBe('last_refund_admin')
  })
})

describe('store staff on the phone (seed 000: 添加店员并激活, 店员退款权限设置)', () => {
  it('the manager adds and manages clerks of their store; only the merchant admin adds or manages managers', async () => {
    const w = await world()
    const manager = phone(await phoneOf(live, db(), c(), w.manager.id))
    const admin = phone(await phoneOf(live, db(), c(), w.adminId))

    const added = (await manager.post(`/v1/mobile/stores/${w.store.id}/staff`, { name: '小陈', role: 'clerk', phone: '13700000000' }).expect(201)).body
    expect(added).toMatchObject({ role: 'clerk', name: '小陈', refundPermission: false, storeId: w.store.id })
    const [entry] = await db().db.select().from(auditLog).where(eq(auditLog.targetId, added.id))
    expect(entry).toMatchObject({ action: 'staff.added', actorId: w.manager.id, actorKind: 'staff' })
    expect((await manager.get(`/v1/mobile/staff/${added.id}/activation-qr`).expect(200)).body.url).toMatch(/\/scan\/activate\?t=/)
    expect((await manager.get(`/v1/mobile/stores/${w.store.id}/staff`).expect(200)).body.data.map((s: any) => s.id)).toEqual([w.manager.id, w.clerk.id, added.id])
    expect((await manager.patch(`/v1/mobile/staff/${added.id}`, { name: '陈小春' }).expect(200)).body.name).toBe('陈小春')

    // Managers are the merchant admin's to add, edit and remove.
    expect((await manager.post(`/v1/mobile/stores/${w.store.id}/staff`, { name: '新店长', role: 'store_manager' }).expect(403)).body.error.message).toContain('只有商户管理员可以添加店长')
    const second = (await admin.post(`/v1/mobile/stores/${w.store.id}/staff`, { name: '新店长', role: 'store_manager' }).expect(201)).body
    expect(second).toMatchObject({ role: 'store_manager', refundPermission: true })
    await manager.patch(`/v1/mobile/staff/${second.id}`, { name: '改名' }).expect(403)
    await manager.del(`/v1/mobile/staff/${second.id}`).expect(403)
    expect((await admin.patch(`/v1/mobile/staff/${second.id}`, { phone: '13600000000' }).expect(200)).body.phone).toBe('13600000000')
    await admin.del(`/v1/mobile/staff/${second.id}`).expect(204)

    await manager.del(`/v1/mobile/staff/${added.id}`).expect(204)
    await manager.get(`/v1/mobile/staff/${added.id}`).expect(404)
    // The merchant admin reaches the staff of every store of the merchant.
    expect((await admin.get(`/v1/mobile/staff/${w.clerk.id}`).expect(200)).body.id).toBe(w.clerk.id)
  })

  it('refund permission: set by the store\'s manager or the merchant admin, never by a clerk', async () => {
    const w = await world()
    const manager = phone(await phoneOf(live, db(), c(), w.manager.id))
    const admin = phone(await phoneOf(live, db(), c(), w.adminId))
    const clerk = phone(await phoneOf(live, db(), c(), w.clerk.id))
    const colleague = (await w.owner.post(`/v1/stores/${w.store.id}/staff`, { name: '小赵', role: 'clerk' }).expect(201)).body

    const self = await clerk.post(`/v1/mobile/staff/${w.clerk.id}/refund-permission`, { refundPermission: true }).expect(403)
    expect(self.body.error).toMatchObject({ code: 'staff_not_manageable' })
    await clerk.post(`/v1/mobile/staff/${colleague.id}/refund-permission`, { refundPermission: true }).expect(403)
    // A clerk manages no one: not their colleagues, not their own details, not the store's staff list.
    await clerk.patch(`/v1/mobile/staff/${w.clerk.id}`, { name: '自己改名' }).expect(403)
    await clerk.get(`/v1/mobile/stores/${w.store.id}/staff`).expect(403)
    await clerk.post(`/v1/mobile/stores/${w.store.id}/staff`, { name: '朋友', role: 'clerk' }).expect(403)
    await clerk.del(`/v1/mobile/staff/${colleague.id}`).expect(403)
    expect(await refundable(w.clerk.id)).toBe(false)

    expect((await manager.post(`/v1/mobile/staff/${w.clerk.id}/refund-permission`, { refundPermission: true }).expect(200)).body.refundPermission).toBe(true)
    const [granted] = await db().db.select().from(auditLog).where(eq(auditLog.action, 'staff.refund_permission_granted'))
    expect(granted).toMatchObject({ targetId: w.clerk.id, actorId: w.manager.id, actorKind: 'staff', changes: { refundPermission: [false, true] } })
    expect((await admin.post(`/v1/mobile/staff/${w.clerk.id}/refund-permission`, { refundPermission: false }).expect(200)).body.refundPermission).toBe(false)
    expect((await admin.post(`/v1/mobile/staff/${colleague.id}/refund-permission`, { refundPermission: true }).expect(200)).body.refundPermission).toBe(true)
    // A manager does not decide about managers (themselves included); the merchant admin does.
    await manager.post(`/v1/mobile/staff/${w.manager.id}/refund-permission`, { refundPermission: false }).expect(403)
    expect((await admin.post(`/v1/mobile/staff/${w.manager.id}/refund-permission`, { refundPermission: false }).expect(409)).body.error.code).toBe('last_refund_admin')
    // A merchant admin's own permission is not managed from a store's page.
    await admin.post(`/v1/mobile/staff/${w.adminId}/refund-permission`, { refundPermission: false }).expect(403)
  })

  it('a removed clerk\'s phone session stops working', async () => {
    const w = await world()
    const clerk = phone(await phoneOf(live, db(), c(), w.clerk.id))
    await clerk.get(`/v1/mobile/stores/${w.store.id}`).expect(200)
    await w.owner.del(`/v1/staff/${w.clerk.id}`).expect(204)
    await clerk.get(`/v1/mobile/stores/${w.store.id}`).expect(401)
  })
})

describe('another tenant\'s staff are not there (T9)', () => {
  it('answers 404 to every id of another SP, on the console and on the phone', async () => {
    const a = await world()
    const b = await world()
    const stranger = await consoleUser(live.app, db())
    const adminA = phone(await phoneOf(live, db(), c(), a.adminId))
    const managerA = phone(await phoneOf(live, db(), c(), a.manager.id))
    for (const user of [a.owner, stranger]) {
      for (const id of [b.clerk.id, b.manager.id, b.adminId]) {
        await user.get(`/v1/staff/${id}`).expect(404)
        await user.patch(`/v1/staff/${id}`, { name: '改名' }).expect(404)
        await user.post(`/v1/staff/${id}/refund-permission`, { refundPermission: true }).expect(404)
        await user.get(`/v1/staff/${id}/activation-qr`).expect(404)
        await user.del(`/v1/staff/${id}`).expect(404)
      }
      await user.get(`/v1/stores/${b.store.id}/staff`).expect(404)
      await user.post(`/v1/stores/${b.store.id}/staff`, { name: '混进来', role: 'clerk' }).expect(404)
    }
    for (const p of [adminA, managerA]) {
      for (const id of [b.clerk.id, b.manager.id]) {
        await p.get(`/v1/mobile/staff/${id}`).expect(404)
        await p.patch(`/v1/mobile/staff/${id}`, { name: '改名' }).expect(404)
        await p.post(`/v1/mobile/staff/${id}/refund-permission`, { refundPermission: true }).expect(404)
        await p.get(`/v1/mobile/staff/${id}/activation-qr`).expect(404)
        await p.del(`/v1/mobile/staff/${id}`).expect(404)
      }
      await p.get(`/v1/mobile/stores/${b.store.id}/staff`).expect(404)
      await p.post(`/v1/mobile/stores/${b.store.id}/staff`, { name: '混进来', role: 'clerk' }).expect(404)
    }
    const rows = await db().db.select().from(staff).where(eq(staff.storeId, b.store.id)).orderBy(asc(staff.id))
    expect(rows.map((r) => [r.name, r.refundPermission, r.deletedAt])).toEqual([['张店长', true, null], ['王小明', false, null]])
  })
})
