import { eq } from 'drizzle-orm'
import request from 'supertest'
import { fen } from '@yima/shared'
import type { DeviceView } from '../../../../sandbox/src/devices'
import { cloudPrinters } from '../../../src/modules/devices/devices.schema'
import { PRINT_TOPIC } from '../../../src/modules/devices/printers.service'
import { ANNOUNCE_TOPIC } from '../../../src/modules/devices/speakers.service'
import { deliveries } from '../../../src/modules/notify/notify.schema'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { WECHAT_CODE, clockIn, orderRow, sandboxIdle, shop, staffPhone, type Shop } from '../../helpers/payments'

/*
 * S6/S7 through the API and the sandbox's devices: printers and speakers added at the vendor and
 * configured per store or per QR code; a one-code payment paid through the sandbox becomes a
 * receipt (with its copies) and an announcement, carried by the delivery ledger's jobs; offline
 * printers are retried until they are back; refunds print a refund receipt.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => { await live.pushTicket() })
afterAll(async () => { await live.stop() })

const db = () => database.get()
const c = () => channels.get()
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'

const runDeviceJobs = async (): Promise<number> => await runDueJobs({ database: db(), clock: live.clock, handlers: live.services.jobHandlers, topics: [PRINT_TOPIC, ANNOUNCE_TOPIC] })
/** A device off the sandbox's production line: its SN and the key on its label. */
const newDevice = async (vendor: 'feie' | 'yly' | 'brhk'): Promise<{ sn: string, key: string }> => (await c().sim('devices', 'POST', '/__sim/devices', { vendor })).body
const device = async (sn: string): Promise<DeviceView> => (await c().sim<DeviceView>('devices', 'GET', `/__sim/devices/${sn}`)).body
const setState = async (sn: string, s: { online?: boolean, paper?: 'ok' | 'out' }): Promise<void> => {
  expect((await c().sim('devices', 'POST', `/__sim/devices/${sn}/state`, s)).status).toBe(200)
}
const ledgerOf = async (subjectId: string) => await db().db.select().from(deliveries).where(eq(deliveries.subjectId, subjectId))

/** A one-code payment of the store (through `qrCodeId` when given), paid by the sandbox's customer. */
async function payOneCode (s: Shop, amountFen: number, o: { qrCodeId?: string, remark?: string } = {}): Promise<{ id: string, outTradeNo: string }> {
  const { order } = await live.services.payments.create({
    merchantId: s.merchant.id,
    storeId: s.store.id,
    ...(o.qrCodeId === undefined ? {} : { qrCodeId: o.qrCodeId }),
    sourceType: 'one_code',
    tradeType: 'one_code',
    method: 'wechat_jsapi',
    amountFen: fen(amountFen),
    description: '好味餐饮-一号店',
    payerId: OPENID,
    ...(o.remark === undefined ? {} : { remark: o.remark }),
  })
  expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/pay', { out_trade_no: order.outTradeNo })).status).toBe(200)
  await sandboxIdle(c())
  expect((await orderRow(db(), order.id))?.status).toBe('succeeded')
  return order
}

async function addPrinter (s: Shop, body: Record<string, unknown> = {}, vendor: 'feie' | 'yly' = 'feie'): Promise<{ id: string, sn: string, key: string, body: any }> {
  const d = await newDevice(vendor)
  const r = await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: vendor, sn: d.sn, key: d.key, ...body }).expect(201)
  return { id: r.body.id, sn: d.sn, key: d.key, body: r.body }
}
async function addSpeaker (s: Shop, body: Record<string, unknown> = {}): Promise<{ id: string, sn: string }> {
  const d = await newDevice('brhk')
  const r = await s.owner.post(`/v1/stores/${s.store.id}/speakers`, { brand: 'brhk', sn: d.sn, ...body }).expect(201)
  return { id: r.body.id, sn: d.sn }
}
const staffCode = async (s: Shop, name: string): Promise<string> => {
  const clerk = (await s.owner.post(`/v1/stores/${s.store.id}/staff`, { name, role: 'clerk' }).expect(201)).body
  return (await s.owner.post(`/v1/stores/${s.store.id}/qr-codes`, { kind: 'staff', staffId: clerk.id, name: `${name}的收款码` }).expect(201)).body.id
}

describe('configuring printers and speakers', () => {
  it('adds a Feie and a Yilianyun printer and a speaker at the vendors; the key is sealed and never answered', async () => {
    const s = await shop(live, db(), c())
    const feie = await newDevice('feie')
    const seen: string[] = []
    const added = await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: feie.sn, key: feie.key, name: '前台小票机', copies: 2 }).expect(201)
    seen.push(added.text)
    expect(added.body).toEqual({
      id: expect.stringMatching(/^prn_/),
      storeId: s.store.id,
      qrCodeId: null,
      brand: 'feie',
      brandLabel: '飞鹅',
      sn: feie.sn,
      name: '前台小票机',
      copies: 2,
      enabled: true,
      state: 'online',
      stateLabel: '在线',
      stateCheckedAt: expect.any(String),
      hasKey: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    })
    expect(await device(feie.sn)).toMatchObject({ boundTo: c().sandbox.clients.devices.feie.user, name: '前台小票机' })
    const yly = await addPrinter(s, { copies: 3 }, 'yly')
    seen.push(JSON.stringify(yly.body))
    expect(yly.body).toMatchObject({ brand: 'yly', brandLabel: '易联云', copies: 3, state: 'online' })
    const speaker = await s.owner.post(`/v1/stores/${s.store.id}/speakers`, { brand: 'brhk', sn: (await newDevice('brhk')).sn, volume: 80 }).expect(201)
    expect(speaker.body).toMatchObject({ id: expect.stringMatching(/^spk_/), brand: 'brhk', brandLabel: '博瑞皓科', volume: 80, enabled: true, qrCodeId: null })

    seen.push((await s.owner.get(`/v1/stores/${s.store.id}/printers`).expect(200)).text)
    seen.push((await s.owner.get(`/v1/printers/${added.body.id}`).expect(200)).text)
    seen.push((await s.owner.patch(`/v1/printers/${added.body.id}`, { copies: 1 }).expect(200)).text)
    seen.push((await s.owner.post(`/v1/printers/${added.body.id}/check`).expect(200)).text)
    const list = JSON.parse(seen[2] ?? '{}')
    expect(list.data.map((p: { id: string }) => p.id)).toEqual([added.body.id, yly.id])
    for (const text of seen) {
      expect(text).not.toContain(feie.key)
      expect(text).not.toContain(yly.key)
    }
    const [row] = await db().db.select().from(cloudPrinters).where(eq(cloudPrinters.id, added.body.id))
    expect(row?.keySealed).toMatch(/^v1\./)
    expect(live.services.box.open(row?.keySealed ?? '', `cloud_printers.key:${added.body.id}`).reveal()).toBe(feie.key)
    expect((await s.owner.get(`/v1/stores/${s.store.id}/speakers`).expect(200)).body.data).toHaveLength(1)
  })

  it('refuses an SN already bound ("设备已被绑定"), a wrong key, 智联博众 and a code of another store', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    const again = await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: p.sn, key: p.key }).expect(409)
    expect(again.body.error).toMatchObject({ code: 'device_already_bound', message: '设备已被绑定', param: 'sn' })
    // Another merchant's store: the same.
    const other = await shop(live, db(), c())
    await other.owner.post(`/v1/stores/${other.store.id}/printers`, { brand: 'feie', sn: p.sn, key: p.key }).expect(409)
    const speaker = await addSpeaker(s)
    await other.owner.post(`/v1/stores/${other.store.id}/speakers`, { brand: 'brhk', sn: speaker.sn }).expect(409)

    const fresh = await newDevice('feie')
    const wrongKey = await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: fresh.sn, key: 'wrongkey9' }).expect(400)
    expect(wrongKey.body.error).toMatchObject({ code: 'device_rejected', param: 'key', message: expect.stringContaining('识别码不正确') })
    const zlbz = await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'zlbz', sn: fresh.sn, key: fresh.key }).expect(400)
    expect(zlbz.body.error).toMatchObject({ code: 'device_brand_unsupported', param: 'brand', message: expect.stringContaining('智联博众') })
    await s.owner.post(`/v1/stores/${s.store.id}/speakers`, { brand: 'zlbz', sn: fresh.sn }).expect(400)
    const foreignCode = await staffCode(other, '李四')
    const wrongCode = await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: fresh.sn, key: fresh.key, qrCodeId: foreignCode }).expect(400)
    expect(wrongCode.body.error).toMatchObject({ code: 'qr_code_not_found', param: 'qrCodeId' })
    await s.owner.patch(`/v1/printers/${p.id}`, { qrCodeId: foreignCode }).expect(400)
    await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: fresh.sn, key: fresh.key, copies: 10 }).expect(400)
  })

  it('removes a printer and a speaker at the vendor too; they can be added again', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    const sp = await addSpeaker(s)
    expect((await s.owner.del(`/v1/printers/${p.id}`).expect(200)).body).toEqual({ id: p.id, deleted: true, vendorUnbound: true })
    expect((await s.owner.del(`/v1/speakers/${sp.id}`).expect(200)).body).toEqual({ id: sp.id, deleted: true, vendorUnbound: true })
    expect(await device(p.sn)).toMatchObject({ boundTo: null })
    expect(await device(sp.sn)).toMatchObject({ boundTo: null })
    await s.owner.get(`/v1/printers/${p.id}`).expect(404)
    expect((await s.owner.get(`/v1/stores/${s.store.id}/printers`).expect(200)).body.data).toEqual([])
    await s.owner.post(`/v1/stores/${s.store.id}/printers`, { brand: 'feie', sn: p.sn, key: p.key }).expect(201)
    await s.owner.post(`/v1/stores/${s.store.id}/speakers`, { brand: 'brhk', sn: sp.sn }).expect(201)
  })

  it('lets the merchant admin and the store manager configure devices on their phones, not a clerk', async () => {
    const s = await shop(live, db(), c())
    const manager = await staffPhone(live, db(), c(), { owner: s.owner, storeId: s.store.id, role: 'store_manager' })
    const clerk = await staffPhone(live, db(), c(), { owner: s.owner, storeId: s.store.id, role: 'clerk' })
    const admin = await staffPhone(live, db(), c(), { staffId: s.adminId })
    const d = await newDevice('yly')
    const server = live.app.callback()
    const added = await request(server).post(`/v1/mobile/stores/${s.store.id}/printers`).set('cookie', manager.cookie).send({ brand: 'yly', sn: d.sn, key: d.key }).expect(201)
    expect(added.text).not.toContain(d.key)
    await request(server).patch(`/v1/mobile/printers/${added.body.id}`).set('cookie', admin.cookie).send({ copies: 2 }).expect(200)
    const denied = await request(server).get(`/v1/mobile/stores/${s.store.id}/printers`).set('cookie', clerk.cookie).expect(403)
    expect(denied.body.error.message).toContain('店长')
    await request(server).patch(`/v1/mobile/printers/${added.body.id}`).set('cookie', clerk.cookie).send({ copies: 3 }).expect(403)
    const sp = await newDevice('brhk')
    await request(server).post(`/v1/mobile/stores/${s.store.id}/speakers`).set('cookie', admin.cookie).send({ brand: 'brhk', sn: sp.sn, volume: 40 }).expect(201)
    expect((await request(server).get(`/v1/mobile/stores/${s.store.id}/speakers`).set('cookie', manager.cookie).expect(200)).body.data).toMatchObject([{ volume: 40 }])
    await request(server).post(`/v1/mobile/stores/${s.store.id}/printers`).send({ brand: 'yly', sn: d.sn, key: d.key }).expect(401)
  })

  it('answers 404 for another tenant\'s printers, speakers, stores and orders', async () => {
    const a = await shop(live, db(), c())
    const b = await shop(live, db(), c())
    const printer = await addPrinter(b)
    const speaker = await addSpeaker(b)
    const order = await payOneCode(b, 100)
    await a.owner.get(`/v1/printers/${printer.id}`).expect(404)
    await a.owner.patch(`/v1/printers/${printer.id}`, { enabled: false }).expect(404)
    await a.owner.post(`/v1/printers/${printer.id}/check`).expect(404)
    await a.owner.del(`/v1/printers/${printer.id}`).expect(404)
    await a.owner.patch(`/v1/speakers/${speaker.id}`, { volume: 0 }).expect(404)
    await a.owner.del(`/v1/speakers/${speaker.id}`).expect(404)
    await a.owner.get(`/v1/stores/${b.store.id}/printers`).expect(404)
    await a.owner.get(`/v1/stores/${b.store.id}/speakers`).expect(404)
    await a.owner.post(`/v1/orders/${order.id}/print`).expect(404)
    const admin = await staffPhone(live, db(), c(), { staffId: a.adminId })
    const server = live.app.callback()
    await request(server).patch(`/v1/mobile/printers/${printer.id}`).set('cookie', admin.cookie).send({ enabled: false }).expect(404)
    await request(server).delete(`/v1/mobile/speakers/${speaker.id}`).set('cookie', admin.cookie).expect(404)
    await request(server).get(`/v1/mobile/stores/${b.store.id}/printers`).set('cookie', admin.cookie).expect(404)
    await request(server).post(`/v1/mobile/orders/${order.id}/print`).set('cookie', admin.cookie).send({}).expect(404)
    expect((await b.owner.get(`/v1/printers/${printer.id}`).expect(200)).body.enabled).toBe(true)
    expect(await device(printer.sn)).toMatchObject({ boundTo: expect.any(String) })
  })
})

describe('receipts and announcements', () => {
  it('prints every one-code payment of the store with its copies and announces the amount', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s, { copies: 2 })
    const y = await addPrinter(s, { copies: 3 }, 'yly')
    const sp = await addSpeaker(s, { volume: 80 })
    const order = await payOneCode(s, 1250, { remark: '少放辣' })
    expect(await runDeviceJobs()).toBe(3)

    const feie = await device(p.sn)
    expect(feie.printed).toHaveLength(1)
    expect(feie.printed[0]?.copies).toBe(2)
    const text = feie.printed[0]?.content ?? ''
    for (const part of ['收款小票', '门店：一号店', '订单金额：12.50元', '支付方式：微信支付', `订单号：${order.outTradeNo}`, '备注：少放辣', '支付时间：20']) expect(text).toContain(part)
    const ylyPrinted = (await device(y.sn)).printed
    expect(ylyPrinted).toMatchObject([{ copies: 3, content: expect.stringContaining('订单金额：12.50元') }])
    expect((await device(sp.sn)).spoken).toMatchObject([{ text: '微信收款12.50元', volume: 80 }])

    const ledger = await ledgerOf(order.id)
    expect(ledger.map((d) => [d.channel, d.recipientId, d.status]).sort()).toEqual([['print', p.id, 'sent'], ['print', y.id, 'sent'], ['speaker', sp.id, 'sent']].sort())
    expect(ledger.every((d) => d.subject === 'payment' && d.attempts === 1 && d.sentAt !== null)).toBe(true)
    // Nothing left to do.
    expect(await runDeviceJobs()).toBe(0)
  })

  it('a printer or speaker bound to a QR code serves only that code\'s payments; the store\'s serve all', async () => {
    const s = await shop(live, db(), c())
    const codeA = await staffCode(s, '张三')
    const codeB = await staffCode(s, '王五')
    const store = await addPrinter(s)
    const onA = await addPrinter(s, { qrCodeId: codeA })
    const spA = await addSpeaker(s, { qrCodeId: codeA })
    expect(onA.body.qrCodeId).toBe(codeA)
    await payOneCode(s, 100, { qrCodeId: codeA })
    await payOneCode(s, 200, { qrCodeId: codeB })
    await payOneCode(s, 300)
    await runDeviceJobs()
    expect((await device(store.sn)).printed).toHaveLength(3)
    const a = (await device(onA.sn)).printed
    expect(a).toHaveLength(1)
    expect(a[0]?.content).toContain('订单金额：1.00元')
    expect(a[0]?.content).toContain('收款码：张三的收款码')
    expect((await device(spA.sn)).spoken.map((x) => x.text)).toEqual(['微信收款1.00元'])

    // Back to the store: now it prints everything.
    await s.owner.patch(`/v1/printers/${onA.id}`, { qrCodeId: null }).expect(200)
    await payOneCode(s, 400, { qrCodeId: codeB })
    await runDeviceJobs()
    expect((await device(onA.sn)).printed).toHaveLength(2)
  })

  it('a disabled printer or speaker gets nothing; micropay is not printed', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    const sp = await addSpeaker(s)
    await s.owner.patch(`/v1/printers/${p.id}`, { enabled: false }).expect(200)
    await s.owner.patch(`/v1/speakers/${sp.id}`, { enabled: false }).expect(200)
    const order = await payOneCode(s, 500)
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toEqual([])
    expect(await device(p.sn)).toMatchObject({ printed: [], waiting: [] })
    expect((await device(sp.sn)).spoken).toEqual([])

    await s.owner.patch(`/v1/printers/${p.id}`, { enabled: true }).expect(200)
    live.services.micropay.inlineWait = { totalMs: 0, everyMs: 500 }
    const micropay = await s.owner.post('/v1/micropay', { storeId: s.store.id, authCode: WECHAT_CODE, amountFen: 700 }).expect(200)
    expect(micropay.body.status).toBe('succeeded')
    await runDeviceJobs()
    expect(await ledgerOf(micropay.body.id)).toEqual([])
  })

  it('an offline printer: the delivery fails with 打印机离线 and is retried until the printer is back', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    await setState(p.sn, { online: false })
    const order = await payOneCode(s, 880)
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toMatchObject([{ status: 'failed', lastError: '打印机离线', attempts: 1 }])
    expect((await s.owner.get(`/v1/printers/${p.id}`).expect(200)).body).toMatchObject({ state: 'offline', stateLabel: '离线' })
    // The job was not handed to the printer while it was offline (it would print twice later).
    expect(await device(p.sn)).toMatchObject({ printed: [], waiting: [] })

    live.clock.advance(15_000)
    await setState(p.sn, { online: true, paper: 'out' })
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toMatchObject([{ status: 'failed', lastError: '打印机缺纸', attempts: 2 }])
    expect((await s.owner.get(`/v1/printers/${p.id}`).expect(200)).body.state).toBe('paper_out')

    await setState(p.sn, { paper: 'ok' })
    live.clock.advance(29_000)
    expect(await runDeviceJobs()).toBe(0)
    live.clock.advance(1_000)
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toMatchObject([{ status: 'sent', lastError: null, attempts: 3 }])
    expect((await device(p.sn)).printed).toHaveLength(1)
    expect((await s.owner.get(`/v1/printers/${p.id}`).expect(200)).body.state).toBe('online')
  })

  it('a vendor 5xx is retried; a duplicated notification prints one receipt', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    await c().sim('devices', 'POST', '/__sim/faults', { route: 'devices:feie:Open_printMsg', mode: '5xx', count: 1 })
    const order = await payOneCode(s, 990)
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toMatchObject([{ status: 'pending', lastError: expect.stringContaining('HTTP 500') }])
    live.clock.advance(15_000)
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toMatchObject([{ status: 'sent', attempts: 2 }])

    // WeChat delivers the same notification again: acknowledged, no second receipt.
    const log = (await c().sim<Array<{ url: string, request: { headers: Record<string, string>, body: string } }>>('wxpay', 'GET', '/__sim/notifications')).body
    const delivered = log.find((n) => n.url.endsWith(`/${order.id}`))
    if (delivered === undefined) throw new Error('no notification logged')
    const replay = request(live.app.callback()).post(`/hooks/wechat_pay/${order.id}`)
    for (const [k, v] of Object.entries(delivered.request.headers)) if (!['content-length', 'host'].includes(k.toLowerCase())) replay.set(k, v)
    expect((await replay.send(delivered.request.body)).status).toBeLessThan(300)
    // And the event itself, repeated, writes nothing (one row per subject, channel and printer).
    const row = await orderRow(db(), order.id)
    await db().db.transaction(async (tx) => { await live.services.printers.events.paid(tx, row as NonNullable<typeof row>, []) })
    live.clock.advance(60_000)
    await runDeviceJobs()
    expect(await ledgerOf(order.id)).toHaveLength(1)
    expect((await device(p.sn)).printed).toHaveLength(1)
  })

  it('a refund prints a refund receipt on the store\'s printers', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    const sp = await addSpeaker(s)
    const order = await payOneCode(s, 1250)
    await runDeviceJobs()
    const refund = (await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 500, reason: '少上一道菜' }).expect(201)).body
    expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', { out_refund_no: refund.outRefundNo })).status).toBe(200)
    await sandboxIdle(c())
    await runDeviceJobs()
    const printed = (await device(p.sn)).printed
    expect(printed).toHaveLength(2)
    for (const part of ['退款小票', '退款金额：5.00元', '原订单金额：12.50元', '退款原因：少上一道菜', '退款状态：退款成功', `原订单号：${order.outTradeNo}`, '操作人：管理后台']) expect(printed[1]?.content).toContain(part)
    expect(await ledgerOf(refund.id)).toMatchObject([{ subject: 'refund', channel: 'print', status: 'sent' }])
    // The order's "who was told" lists the refund receipt with the payment's deliveries.
    const told = (await s.owner.get(`/v1/orders/${order.id}/deliveries`).expect(200)).body.data
    expect(told.map((d: any) => [d.subject, d.channel])).toEqual(expect.arrayContaining([['payment', 'print'], ['refund', 'print']]))
    // Refunds are not announced.
    expect((await device(sp.sn)).spoken).toHaveLength(1)
  })
})

describe('printing on request', () => {
  it('prints an order\'s details and a refund receipt on the store\'s own printers, again when asked again', async () => {
    const s = await shop(live, db(), c())
    const codeA = await staffCode(s, '张三')
    const store = await addPrinter(s)
    const onA = await addPrinter(s, { qrCodeId: codeA })
    const order = await payOneCode(s, 1250, { qrCodeId: codeA })
    await runDeviceJobs()
    const queued = await s.owner.post(`/v1/orders/${order.id}/print`, {}).expect(202)
    expect(queued.body).toEqual({ object: 'list', data: [{ deliveryId: expect.stringMatching(/^dlv_/), printerId: store.id, target: `飞鹅 ${store.sn}`, status: 'pending' }], hasMore: false })
    await runDeviceJobs()
    const printed = (await device(store.sn)).printed
    expect(printed.map((x) => x.content.includes('订单详情'))).toEqual([false, true])
    expect(printed[1]?.content).toContain('订单状态：支付成功')
    // A reprint.
    await s.owner.post(`/v1/orders/${order.id}/print`).expect(202)
    await runDeviceJobs()
    expect((await device(store.sn)).printed).toHaveLength(3)
    // The code's own printer printed only the payment (on-request prints use the store's own).
    expect((await device(onA.sn)).printed).toHaveLength(1)

    const refund = (await s.owner.post(`/v1/orders/${order.id}/refunds`, { amountFen: 100 }).expect(201)).body
    await s.owner.post(`/v1/orders/${order.id}/print`, { refundId: refund.id }).expect(202)
    await runDeviceJobs()
    expect((await device(store.sn)).printed[3]?.content).toContain('退款状态：退款中')
    // Its success still prints its own receipt, on the store's and the code's printers.
    expect((await c().sim('wxpay', 'POST', '/__sim/wxpay/refunds/settle', { out_refund_no: refund.outRefundNo })).status).toBe(200)
    await sandboxIdle(c())
    await runDeviceJobs()
    expect((await device(store.sn)).printed[4]?.content).toContain('退款状态：退款成功')
    expect((await device(onA.sn)).printed.map((x) => x.content.includes('退款成功'))).toEqual([false, true])
    await s.owner.post(`/v1/orders/${order.id}/print`, { refundId: 'rfd_nope' }).expect(404)
  })

  it('a clerk prints from the phone only while on duty; a store without a printer says so', async () => {
    const s = await shop(live, db(), c())
    const order = await payOneCode(s, 300)
    const noPrinter = await s.owner.post(`/v1/orders/${order.id}/print`).expect(409)
    expect(noPrinter.body.error.code).toBe('no_store_printer')
    const p = await addPrinter(s)
    const clerk = await staffPhone(live, db(), c(), { owner: s.owner, storeId: s.store.id, role: 'clerk' })
    const print = () => request(live.app.callback()).post(`/v1/mobile/orders/${order.id}/print`).set('cookie', clerk.cookie).send({})
    await print().expect(403)
    await clockIn(db(), clerk.staffId, s.store, s.merchant.id)
    await print().expect(202)
    await runDeviceJobs()
    expect((await device(p.sn)).printed.at(-1)?.content).toContain('订单详情')
  })

  it('printText: handover summaries and the like from other modules, on the store\'s own printers', async () => {
    const s = await shop(live, db(), c())
    const p = await addPrinter(s)
    const code = await staffCode(s, '张三')
    const onCode = await addPrinter(s, { qrCodeId: code })
    const rows = await live.services.printers.printText(db().db, s.store.id, 'handover', 'shf_test', ['店员：张三', '收款笔数：3', '收款金额：36.00元'])
    expect(rows.map((r) => r.recipientId)).toEqual([p.id])
    await runDeviceJobs()
    const printed = (await device(p.sn)).printed
    expect(printed).toHaveLength(1)
    expect(printed[0]?.content).toContain('交接班汇总')
    expect(printed[0]?.content).toContain('收款金额：36.00元')
    expect((await device(onCode.sn)).printed).toEqual([])
  })
})
