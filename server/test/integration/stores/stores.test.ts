import { asc, eq } from 'drizzle-orm'
import request from 'supertest'
import { fen } from '@yima/shared'
import { auditLog } from '../../../src/modules/audit'
import { cashierDevices, cloudPrinters } from '../../../src/modules/devices/devices.schema'
import { orders, refunds } from '../../../src/modules/payments/payment.schema'
import { merchants, staff, stores } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser } from '../../factories/console'
import { paidOrderAt, phoneOf, storeWorld } from '../../factories/stores'
import { newSubMchId } from '../../factories/tenants'

/*
 * S1: stores with every field of seed 000 (配置门店, 门店配置商户号, 绑定微信买单门店, goods_tag,
 * 本门店禁用会员卡), edited from the console and from the merchant admin's phone, and deleted only
 * without a transaction in the last month (seed 004) — after which its codes stop taking payments.
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
const daysAgo = (n: number): Date => new Date(live.clock.now().getTime() - n * 24 * 3600_000)

describe('store fields (S1)', () => {
  it('adds a store with the defaults, then with every field set', async () => {
    const w = await world()
    expect(w.store).toMatchObject({
      merchantId: w.merchant.id,
      name: '科技园店',
      status: 'open',
      paymentTypes: ['wechat_pay', 'alipay'],
      currency: 'CNY',
      goodsTag: null,
      wechatSubMchId: null,
      alipayUserId: null,
      maidanStoreId: null,
      memberCardEnabled: true,
    })
    expect(w.store.outShopId).toMatch(/^[0-9A-Za-z]{20}$/)

    const override = await newSubMchId(c(), '门店自己的特约商户')
    const full = (await w.owner.post(`/v1/merchants/${w.merchant.id}/stores`, {
      name: '南山店',
      branchName: '海岸城',
      address: '深圳市南山区文心五路 33 号',
      phone: '0755-86001234',
      paymentTypes: ['wechat_pay'],
      currency: 'CNY',
      goodsTag: 'MUTEX_STORE',
      wechatSubMchId: override,
      alipayUserId: '2088123412341234',
      memberCardEnabled: false,
      status: 'closed',
    }).expect(201)).body
    expect(full).toMatchObject({
      name: '南山店',
      branchName: '海岸城',
      address: '深圳市南山区文心五路 33 号',
      phone: '0755-86001234',
      paymentTypes: ['wechat_pay'],
      goodsTag: 'MUTEX_STORE',
      wechatSubMchId: override,
      alipayUserId: '2088123412341234',
      memberCardEnabled: false,
      status: 'closed',
    })
    expect((await w.owner.get(`/v1/stores/${full.id}`).expect(200)).body).toEqual(full)
    expect((await w.owner.get(`/v1/merchants/${w.merchant.id}/stores`).expect(200)).body.data.map((s: any) => s.id)).toEqual([full.id, w.store.id])
    expect(await actions(full.id)).toEqual(['store.created'])
  })

  it.each([
    ['goodsTag', { goodsTag: 'MUTEX STORE' }, '仅支持字母、数字、下划线、中划线'],
    ['goodsTag', { goodsTag: '满减券' }, '仅支持字母、数字、下划线、中划线'],
    ['goodsTag', { goodsTag: 'A'.repeat(33) }, '最多 32 位'],
    ['paymentTypes', { paymentTypes: [] }, '请至少选择一种收款类型'],
    ['paymentTypes.0', { paymentTypes: ['cash'] }, '收款类型只能是微信支付或支付宝'],
    ['paymentTypes', { paymentTypes: ['alipay', 'alipay'] }, '收款类型重复'],
    ['currency', { currency: 'USD' }, '只支持人民币'],
    ['phone', { phone: '12345' }, '请填写正确的手机号或座机号'],
    ['wechatSubMchId', { wechatSubMchId: 'abc' }, '8–12 位数字'],
    ['alipayUserId', { alipayUserId: '3088123412341234' }, '以 2088 开头'],
    ['maidanStoreId', { maidanStoreId: '买单门店' }, '微信买单门店 ID'],
    ['memberCardEnabled', { memberCardEnabled: 'no' }, ''],
    ['status', { status: 'deleted' }, '门店状态'],
    ['name', { name: '  ' }, '请填写门店名称'],
  ])('refuses a bad %s: %j', async (param, body, message) => {
    const w = await world()
    const created = await w.owner.post(`/v1/merchants/${w.merchant.id}/stores`, { name: '新店', ...body }).expect(400)
    expect(created.body.error).toMatchObject({ type: 'invalid_request', param, message: expect.stringContaining(message) })
    const edited = await w.owner.patch(`/v1/stores/${w.store.id}`, body).expect(400)
    expect(edited.body.error).toMatchObject({ param })
    expect((await w.owner.get(`/v1/merchants/${w.merchant.id}/stores`).expect(200)).body.data).toHaveLength(1)
  })

  it('binds a 买单 store only while the merchant uses the 买单 channel', async () => {
    const w = await world()
    const refused = await w.owner.patch(`/v1/stores/${w.store.id}`, { maidanStoreId: 'MD_STORE_01' }).expect(409)
    expect(refused.body.error).toMatchObject({ code: 'maidan_store_requires_maidan', param: 'maidanStoreId', message: expect.stringContaining('微信买单') })
    await w.owner.post(`/v1/merchants/${w.merchant.id}/stores`, { name: '买单店', maidanStoreId: 'MD_STORE_02' }).expect(409)
    // The switch itself is T8's (maidan.test.ts); here only its outcome matters.
    await db().db.update(merchants).set({ wxChannel: 'maidan' }).where(eq(merchants.id, w.merchant.id))
    expect((await w.owner.patch(`/v1/stores/${w.store.id}`, { maidanStoreId: 'MD_STORE_01' }).expect(200)).body.maidanStoreId).toBe('MD_STORE_01')
    expect((await w.owner.patch(`/v1/stores/${w.store.id}`, { maidanStoreId: '' }).expect(200)).body.maidanStoreId).toBeNull()
  })

  it('accepts a WeChat sub-merchant override only when WeChat Pay says it is this SP\'s special merchant', async () => {
    const w = await world()
    const foreign = await w.owner.patch(`/v1/stores/${w.store.id}`, { wechatSubMchId: '1999999999' }).expect(400)
    expect(foreign.body.error).toMatchObject({ code: 'sub_mch_not_special', param: 'wechatSubMchId', message: expect.stringContaining('1999999999') })
    const own = await newSubMchId(c())
    expect((await w.owner.patch(`/v1/stores/${w.store.id}`, { wechatSubMchId: own }).expect(200)).body.wechatSubMchId).toBe(own)
    expect((await w.owner.patch(`/v1/stores/${w.store.id}`, { wechatSubMchId: '' }).expect(200)).body.wechatSubMchId).toBeNull()
  })

  it('edits in part, clears with an empty string, audits each change', async () => {
    const w = await world()
    const edited = (await w.owner.patch(`/v1/stores/${w.store.id}`, { name: '科技园旗舰店', phone: '13912345678', goodsTag: 'NO_MUTEX_STORE', memberCardEnabled: false }).expect(200)).body
    expect(edited).toMatchObject({ name: '科技园旗舰店', phone: '13912345678', goodsTag: 'NO_MUTEX_STORE', memberCardEnabled: false, paymentTypes: ['wechat_pay', 'alipay'] })
    const cleared = (await w.owner.patch(`/v1/stores/${w.store.id}`, { phone: '', goodsTag: '' }).expect(200)).body
    expect(cleared).toMatchObject({ name: '科技园旗舰店', phone: null, goodsTag: null })
    await w.owner.patch(`/v1/stores/${w.store.id}`, { status: 'closed' }).expect(200)
    await w.owner.patch(`/v1/stores/${w.store.id}`, { status: 'open' }).expect(200)
    // Nothing to change writes nothing.
    await w.owner.patch(`/v1/stores/${w.store.id}`, {}).expect(200)
    expect(await actions(w.store.id)).toEqual(['store.created', 'store.updated', 'store.updated', 'store.closed', 'store.opened'])
    const [entry] = await db().db.select().from(auditLog).where(eq(auditLog.action, 'store.closed'))
    expect(entry).toMatchObject({ actorId: w.owner.id, actorKind: 'account', changes: { status: ['open', 'closed'] } })
  })

  it('a closed store\'s codes stop taking payments and work again when it reopens', async () => {
    const w = await world()
    const qr = (await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)).body
    await w.owner.patch(`/v1/stores/${w.store.id}`, { status: 'closed' }).expect(200)
    expect((await request(server()).get(`/v1/public/qr/${qr.code}`).expect(409)).body.error.code).toBe('store_closed')
    await w.owner.patch(`/v1/stores/${w.store.id}`, { status: 'open' }).expect(200)
    await request(server()).get(`/v1/public/qr/${qr.code}`).expect(200)
  })
})

describe('deleting a store (seed 004: 近一个月内产生过交易的门店不允许删除)', () => {
  it('refuses with a paid order from last week', async () => {
    const w = await world()
    await paidOrderAt(db(), w.merchant, w.store.id, daysAgo(7))
    const res = await w.owner.del(`/v1/stores/${w.store.id}`).expect(409)
    expect(res.body.error).toMatchObject({ code: 'store_has_recent_transactions', message: expect.stringContaining('近一个月内有交易') })
    const [row] = await db().db.select().from(stores).where(eq(stores.id, w.store.id))
    expect(row).toMatchObject({ deletedAt: null, status: 'open' })
    expect(await actions(w.store.id)).toEqual(['store.created'])
  })

  it('deletes with only a paid order from 40 days ago: the store, its people and devices go, its codes show 门店已停止收款', async () => {
    const w = await world()
    const orderId = await paidOrderAt(db(), w.merchant, w.store.id, daysAgo(40))
    const qr = (await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)).body
    const device = (await w.owner.post(`/v1/stores/${w.store.id}/cashier-devices`, { type: 'smart_pos', sn: 'LANDI_QM600_LA19000001' }).expect(201)).body
    const activation = (await w.owner.get(`/v1/staff/${w.clerk.id}/activation-qr`).expect(200)).body
    const feie = (await c().sim<{ sn: string, key: string }>('devices', 'POST', '/__sim/devices', { vendor: 'feie' })).body
    const printer = (await w.owner.post(`/v1/stores/${w.store.id}/printers`, { brand: 'feie', sn: feie.sn, key: feie.key }).expect(201)).body

    await w.owner.del(`/v1/stores/${w.store.id}`).expect(204)
    await w.owner.get(`/v1/stores/${w.store.id}`).expect(404)
    await w.owner.patch(`/v1/stores/${w.store.id}`, { name: '复活' }).expect(404)
    await w.owner.del(`/v1/stores/${w.store.id}`).expect(404)
    await w.owner.get(`/v1/stores/${w.store.id}/staff`).expect(404)
    expect((await w.owner.get(`/v1/merchants/${w.merchant.id}/stores`).expect(200)).body.data).toEqual([])

    // The printed code: the store takes no more payments.
    expect(String((await request(server()).get(`/q/${qr.code}`).expect(302)).headers.location)).toBe('/#/pages/scan/result/index?problem=store_closed')
    expect((await request(server()).get(`/v1/public/qr/${qr.code}`).expect(409)).body.error.code).toBe('store_closed')
    // Its people are removed (their activation codes dead), its devices unbound (the SN is free).
    const people = await db().db.select().from(staff).where(eq(staff.storeId, w.store.id))
    expect(people.map((p) => p.deletedAt)).toEqual([expect.any(Date), expect.any(Date)])
    expect((await request(server()).get(activation.url.replace(live.url, '')).expect(302)).headers.location).toContain('problem=code_')
    const [unbound] = await db().db.select().from(cashierDevices).where(eq(cashierDevices.id, device.id))
    expect(unbound?.unboundAt).toEqual(expect.any(Date))
    const [gone] = await db().db.select().from(cloudPrinters).where(eq(cloudPrinters.id, printer.id))
    expect(gone?.deletedAt).toEqual(expect.any(Date))
    const other = (await w.owner.post(`/v1/merchants/${w.merchant.id}/stores`, { name: '新店' }).expect(201)).body
    await w.owner.post(`/v1/stores/${other.id}/cashier-devices`, { type: 'smart_pos', sn: 'LANDI_QM600_LA19000001' }).expect(201)
    // The transaction stays: there is no route that deletes one.
    await w.owner.get(`/v1/orders/${orderId}`).expect(200)
    const [entry] = await db().db.select().from(auditLog).where(eq(auditLog.action, 'store.deleted'))
    expect(entry).toMatchObject({ targetId: w.store.id, actorId: w.owner.id })
    expect((entry?.changes as any).status).toEqual(['open', 'closed'])
  })

  it('counts an order still being paid and a refund asked for this month', async () => {
    const w = await world()
    const orderId = await paidOrderAt(db(), w.merchant, w.store.id, daysAgo(40))
    await db().db.update(orders).set({ status: 'pending', paidAt: null }).where(eq(orders.id, orderId))
    await w.owner.del(`/v1/stores/${w.store.id}`).expect(409)
    await db().db.update(orders).set({ status: 'closed' }).where(eq(orders.id, orderId))
    // An old payment refunded three days ago is a transaction of this month.
    const old = await paidOrderAt(db(), w.merchant, w.store.id, daysAgo(45))
    await db().db.insert(refunds).values({
      id: `rfd_${old.slice(4)}`, orderId: old, spId: w.spId, merchantId: w.merchant.id, storeId: w.store.id, outRefundNo: `${old}r1`, amountFen: fen(100), status: 'succeeded', operatorKind: 'account', operatorId: w.owner.id, refundedAt: daysAgo(3), createdAt: daysAgo(3), updatedAt: daysAgo(3),
    })
    await w.owner.del(`/v1/stores/${w.store.id}`).expect(409)
    await db().db.update(refunds).set({ createdAt: daysAgo(35) }).where(eq(refunds.orderId, old))
    await w.owner.del(`/v1/stores/${w.store.id}`).expect(204)
  })
})

describe('stores on the merchant admin\'s phone (seed 003: 扫商户管理二维码 → 配置门店)', () => {
  it('the merchant admin adds, edits, closes and deletes; managers and clerks only look', async () => {
    const w = await world()
    const admin = await phoneOf(live, db(), c(), w.adminId)
    const manager = await phoneOf(live, db(), c(), w.manager.id)
    const clerk = await phoneOf(live, db(), c(), w.clerk.id)
    const phone = (cookie: string) => ({
      get: (p: string) => request(server()).get(p).set('cookie', cookie),
      post: (p: string, b: object) => request(server()).post(p).set('cookie', cookie).send(b),
      patch: (p: string, b: object) => request(server()).patch(p).set('cookie', cookie).send(b),
      del: (p: string) => request(server()).delete(p).set('cookie', cookie),
    })

    const added = (await phone(admin).post(`/v1/mobile/merchants/${w.merchant.id}/stores`, { name: '手机添加的店', paymentTypes: ['alipay'], goodsTag: 'MUTEX_ONLINE' }).expect(201)).body
    expect(added).toMatchObject({ name: '手机添加的店', paymentTypes: ['alipay'], goodsTag: 'MUTEX_ONLINE' })
    expect((await phone(admin).get(`/v1/mobile/merchants/${w.merchant.id}/stores`).expect(200)).body.data.map((s: any) => s.id)).toEqual([added.id, w.store.id])
    expect((await phone(admin).patch(`/v1/mobile/stores/${added.id}`, { status: 'closed', goodsTag: 'bad tag' }).expect(400)).body.error.param).toBe('goodsTag')
    expect((await phone(admin).patch(`/v1/mobile/stores/${added.id}`, { status: 'closed' }).expect(200)).body.status).toBe('closed')
    const [entry] = await db().db.select().from(auditLog).where(eq(auditLog.action, 'store.closed'))
    expect(entry).toMatchObject({ targetId: added.id, actorId: w.adminId, actorKind: 'staff' })

    // The manager and the clerk see their store, change nothing, and do not see the merchant's others.
    expect((await phone(manager).get(`/v1/mobile/stores/${w.store.id}`).expect(200)).body.id).toBe(w.store.id)
    expect((await phone(clerk).get(`/v1/mobile/stores/${w.store.id}`).expect(200)).body.id).toBe(w.store.id)
    expect((await phone(manager).patch(`/v1/mobile/stores/${w.store.id}`, { name: '改名' }).expect(403)).body.error.message).toContain('只有商户管理员')
    await phone(clerk).patch(`/v1/mobile/stores/${w.store.id}`, { status: 'closed' }).expect(403)
    await phone(manager).del(`/v1/mobile/stores/${w.store.id}`).expect(403)
    await phone(manager).get(`/v1/mobile/stores/${added.id}`).expect(404)
    await phone(manager).get(`/v1/mobile/merchants/${w.merchant.id}/stores`).expect(404)
    await phone(manager).post(`/v1/mobile/merchants/${w.merchant.id}/stores`, { name: '店长开的店' }).expect(404)

    await paidOrderAt(db(), w.merchant, added.id, daysAgo(3))
    expect((await phone(admin).del(`/v1/mobile/stores/${added.id}`).expect(409)).body.error.code).toBe('store_has_recent_transactions')
    await phone(admin).del(`/v1/mobile/stores/${w.store.id}`).expect(204)
    // The manager of the deleted store was removed with it: the session stands for no one now.
    await phone(manager).get(`/v1/mobile/stores/${w.store.id}`).expect(401)
    await request(server()).get(`/v1/mobile/stores/${w.store.id}`).expect(401)
  })
})

describe('another tenant\'s stores are not there (T9)', () => {
  it('answers 404 to every id of another SP, on the console and on the phone', async () => {
    const a = await world()
    const b = await world()
    const stranger = await consoleUser(live.app, db())
    const adminA = await phoneOf(live, db(), c(), a.adminId)
    for (const user of [a.owner, stranger]) {
      await user.get(`/v1/stores/${b.store.id}`).expect(404)
      await user.patch(`/v1/stores/${b.store.id}`, { name: '改名' }).expect(404)
      await user.del(`/v1/stores/${b.store.id}`).expect(404)
      await user.get(`/v1/merchants/${b.merchant.id}/stores`).expect(404)
      await user.post(`/v1/merchants/${b.merchant.id}/stores`, { name: '混进来' }).expect(404)
    }
    const as = (p: request.Test) => p.set('cookie', adminA)
    await as(request(server()).get(`/v1/mobile/stores/${b.store.id}`)).expect(404)
    await as(request(server()).patch(`/v1/mobile/stores/${b.store.id}`)).send({ name: '改名' }).expect(404)
    await as(request(server()).delete(`/v1/mobile/stores/${b.store.id}`)).expect(404)
    await as(request(server()).get(`/v1/mobile/merchants/${b.merchant.id}/stores`)).expect(404)
    await as(request(server()).post(`/v1/mobile/merchants/${b.merchant.id}/stores`)).send({ name: '混进来' }).expect(404)
    const [row] = await db().db.select().from(stores).where(eq(stores.id, b.store.id))
    expect(row).toMatchObject({ name: '科技园店', deletedAt: null })
  })
})
