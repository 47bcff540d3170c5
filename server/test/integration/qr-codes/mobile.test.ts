import { eq } from 'drizzle-orm'
import request from 'supertest'
import { auditLog } from '../../../src/modules/audit'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import type { ConsoleUser } from '../../factories/console'
import { phoneOf, storeWorld, type StoreWorld } from '../../factories/stores'

/*
 * A store's QR codes on the staff phones (seed 000 绑定空白二维码): everyone of the store sees its
 * codes; the merchant admin and the store's manager bind a blank plate the SP printed to the store,
 * by the code under the QR or the URL the camera read. Clerks cannot bind, and nobody reaches
 * another merchant's store.
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
const phone = (cookie: string) => ({
  get: (p: string) => request(server()).get(p).set('cookie', cookie),
  post: (p: string, b: object = {}) => request(server()).post(p).set('cookie', cookie).send(b),
})
const phoneOfStaff = async (staffId: string) => phone(await phoneOf(live, db(), c(), staffId))

/** Blank plates of the SP: what the merchant gets in the post. */
async function blankCodes (owner: ConsoleUser, spId: string, count: number): Promise<Array<{ id: string, code: string, displayCode: string, url: string }>> {
  const { body: batch } = await owner.post('/v1/qr-batches', { serviceProviderId: spId, count }).expect(201)
  return (await owner.get(`/v1/qr-codes?batchId=${batch.id}`).expect(200)).body.data
}

async function storeCodes (w: StoreWorld): Promise<string[]> {
  const made = [
    (await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)).body,
    (await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'staff', staffId: w.clerk.id }).expect(201)).body,
    (await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'fixed_amount', name: '洗车', unitPriceFen: 3000 }).expect(201)).body,
  ]
  return made.map((q: { id: string }) => q.id)
}

describe('a store\'s QR codes on the phone', () => {
  it('lists the store\'s codes to its admin, manager and clerk, and nothing of another store', async () => {
    const w = await world()
    const ids = await storeCodes(w)
    const other = (await w.owner.post(`/v1/merchants/${w.merchant.id}/stores`, { name: '南山店' }).expect(201)).body
    await w.owner.post(`/v1/stores/${other.id}/qr-codes`, { kind: 'store' }).expect(201)

    for (const staffId of [w.adminId, w.manager.id, w.clerk.id]) {
      const list = (await (await phoneOfStaff(staffId)).get(`/v1/mobile/stores/${w.store.id}/qr-codes`).expect(200)).body
      expect(list).toMatchObject({ object: 'list', hasMore: false })
      expect(list.data.map((q: { id: string }) => q.id).sort()).toEqual([...ids].sort())
    }
    const fixed = (await (await phoneOfStaff(w.clerk.id)).get(`/v1/mobile/stores/${w.store.id}/qr-codes`).expect(200)).body.data
      .find((q: { kind: string }) => q.kind === 'fixed_amount')
    expect(fixed).toMatchObject({ name: '洗车', unitPriceFen: 3000, kindLabel: '定额二维码', status: 'active', storeId: w.store.id })

    // The clerk works at one store; the merchant's other store is not theirs to see.
    await (await phoneOfStaff(w.clerk.id)).get(`/v1/mobile/stores/${other.id}/qr-codes`).expect(404)
    await request(server()).get(`/v1/mobile/stores/${w.store.id}/qr-codes`).expect(401)
  })

  it('lets the store manager bind a blank plate to their store, by the typed code or the scanned URL', async () => {
    const w = await world()
    const [typed, scanned] = await blankCodes(w.owner, w.spId, 2)
    const manager = await phoneOfStaff(w.manager.id)

    // Typed off the plate: upper case with dashes is the same code.
    const bound = (await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: typed!.displayCode.toUpperCase() }).expect(200)).body
    expect(bound).toMatchObject({ id: typed!.id, code: typed!.code, kind: 'store', storeId: w.store.id, merchantId: w.merchant.id, staffId: null, boundAt: expect.any(String) })
    // A clerk's code, from the URL the camera read; named after the clerk.
    const clerkCode = (await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: scanned!.url, staffId: w.clerk.id }).expect(200)).body
    expect(clerkCode).toMatchObject({ id: scanned!.id, kind: 'staff', staffId: w.clerk.id, name: '王小明', storeId: w.store.id })

    const listed = (await manager.get(`/v1/mobile/stores/${w.store.id}/qr-codes`).expect(200)).body.data.map((q: { id: string }) => q.id)
    expect(listed.sort()).toEqual([typed!.id, scanned!.id].sort())
    expect((await request(server()).get(`/v1/public/qr/${typed!.code}`).expect(200)).body).toMatchObject({ kind: 'store', store: { name: '科技园店' } })
    // Audited as the manager, the role that allowed it.
    const [entry] = await db().db.select().from(auditLog).where(eq(auditLog.targetId, typed!.id))
    expect(entry).toMatchObject({ action: 'qr_code.bound', actorId: w.manager.id, actorKind: 'staff' })
  })

  it('lets the merchant admin bind too, and refuses a clerk with 403', async () => {
    const w = await world()
    const [plate] = await blankCodes(w.owner, w.spId, 1)
    const clerk = await phoneOfStaff(w.clerk.id)

    const refused = await clerk.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: plate!.code }).expect(403)
    expect(refused.body.error).toMatchObject({ type: 'permission', code: 'forbidden' })
    expect((await w.owner.get(`/v1/qr-codes/${plate!.id}`).expect(200)).body.kind).toBe('blank')

    const admin = await phoneOfStaff(w.adminId)
    expect((await admin.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: plate!.code }).expect(200)).body).toMatchObject({ kind: 'store', storeId: w.store.id })
  })

  it('answers 404 to another merchant\'s manager, for listing and binding', async () => {
    const w = await world()
    const stranger = await world()
    await storeCodes(w)
    const [plate] = await blankCodes(w.owner, w.spId, 1)
    const manager = await phoneOfStaff(stranger.manager.id)

    await manager.get(`/v1/mobile/stores/${w.store.id}/qr-codes`).expect(404)
    const res = await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: plate!.code }).expect(404)
    expect(res.body.error.code).toBe('store_not_found')
    expect((await w.owner.get(`/v1/qr-codes/${plate!.id}`).expect(200)).body.kind).toBe('blank')
    // Their own store, but a plate of another SP: holding it does not make it theirs to bind.
    const foreign = await manager.post(`/v1/mobile/stores/${stranger.store.id}/qr-codes/bind`, { code: plate!.code }).expect(400)
    expect(foreign.body.error).toMatchObject({ code: 'qr_code_foreign', param: 'code' })
  })

  it('says the code is already bound, and checks the code and the clerk', async () => {
    const w = await world()
    const [plate] = await blankCodes(w.owner, w.spId, 1)
    const manager = await phoneOfStaff(w.manager.id)
    await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: plate!.code }).expect(200)

    const again = await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: plate!.code }).expect(409)
    expect(again.body.error).toMatchObject({ type: 'conflict', code: 'qr_code_already_bound', message: '该二维码已绑定门店，请先解绑再重新绑定' })
    // A store's own code is no blank plate either.
    const [storeCode] = await storeCodes(w)
    const made = (await w.owner.get(`/v1/qr-codes/${storeCode!}`).expect(200)).body
    expect((await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: made.url }).expect(409)).body.error.code).toBe('qr_code_already_bound')

    const [fresh] = await blankCodes(w.owner, w.spId, 1)
    const empty = await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: ' - ' }).expect(400)
    expect(empty.body.error).toMatchObject({ code: 'validation_failed', param: 'code' })
    expect((await manager.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: 'zzzzzzzzzzzz' }).expect(404)).body.error.code).toBe('qr_code_not_found')
    // A clerk of the merchant's other store: the admin sees them, but a code must not notify them
    // of this store's payments.
    const other = (await w.owner.post(`/v1/merchants/${w.merchant.id}/stores`, { name: '南山店' }).expect(201)).body
    const otherClerk = (await w.owner.post(`/v1/stores/${other.id}/staff`, { name: '李四', role: 'clerk' }).expect(201)).body
    const admin = await phoneOfStaff(w.adminId)
    const notHere = await admin.post(`/v1/mobile/stores/${w.store.id}/qr-codes/bind`, { code: fresh!.code, staffId: otherClerk.id }).expect(400)
    expect(notHere.body.error).toMatchObject({ code: 'qr_staff_not_in_store', param: 'staffId' })
    expect((await w.owner.get(`/v1/qr-codes/${fresh!.id}`).expect(200)).body.kind).toBe('blank')
  })
})
