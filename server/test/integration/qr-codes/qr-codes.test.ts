import { asc, eq } from 'drizzle-orm'
import request from 'supertest'
import { auditLog } from '../../../src/modules/audit'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId } from '../../factories/tenants'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) }, 60_000)
afterAll(async () => { await live.stop() })

interface World { owner: ConsoleUser, agent: ConsoleUser, sp: any, merchant: any, store: any, otherStore: any, clerk: any, agentStore: any }

/** An SP with a sub-SP, a merchant with two stores and a clerk, and a merchant of the sub-SP with a store. */
async function world (): Promise<World> {
  const c = channels.get()
  const owner = await consoleUser(live.app, database.get())
  const agent = await consoleUser(live.app, database.get())
  const sp = await createSp(owner, c)
  await owner.post('/v1/sub-service-providers', { serviceProviderId: sp.id, accountId: agent.id, name: '代理商', adminName: '代理', phone: '13900000000' }).expect(201)
  const { merchant } = await createMerchant(owner, sp.id, await newSubMchId(c))
  const store = (await owner.post(`/v1/merchants/${merchant.id}/stores`, { name: '科技园店' }).expect(201)).body
  const otherStore = (await owner.post(`/v1/merchants/${merchant.id}/stores`, { name: '南山店' }).expect(201)).body
  const clerk = (await owner.post(`/v1/stores/${store.id}/staff`, { name: '王小明', role: 'clerk' }).expect(201)).body
  const am = await createMerchant(agent, sp.id, await newSubMchId(c), { shortName: '代理的商户' })
  const agentStore = (await agent.post(`/v1/merchants/${am.merchant.id}/stores`, { name: '代理的店' }).expect(201)).body
  return { owner, agent, sp, merchant, store, otherStore, clerk, agentStore }
}

const server = () => live.app.callback()
const publicQr = (code: string) => request(server()).get(`/v1/public/qr/${code}`)
const scanned = async (code: string): Promise<string> => String((await request(server()).get(`/q/${code}`).expect(302)).headers.location)
const actions = async (id: string): Promise<string[]> =>
  (await database.get().db.select().from(auditLog).where(eq(auditLog.targetId, id)).orderBy(asc(auditLog.at), asc(auditLog.id))).map((r) => r.action)
const binary = (res: any, done: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => done(null, Buffer.concat(chunks)))
}

describe('store and clerk codes (S1, S3)', () => {
  it('creates a store code whose printed URL opens the pay page of that store', async () => {
    const w = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)
    expect(qr).toMatchObject({ kind: 'store', status: 'active', storeId: w.store.id, merchantId: w.merchant.id, serviceProviderId: w.sp.id })
    expect(qr.code).toMatch(/^[2-9a-hjkmnp-z]{12}$/)
    expect(qr.url).toBe(`${live.url}/q/${qr.code}`)

    const { body: resolved } = await publicQr(qr.code).expect(200)
    expect(resolved).toEqual({
      code: qr.code,
      url: qr.url,
      kind: 'store',
      name: null,
      serviceProvider: { shortName: w.sp.shortName, logoUrl: null },
      merchant: { name: w.merchant.name, shortName: w.merchant.shortName, logoUrl: null },
      store: { name: '科技园店', branchName: null },
      staff: null,
      unitPriceFen: null,
    })
    // The customer's page learns names, not ids.
    expect(JSON.stringify(resolved)).not.toContain(w.store.id)
    expect(await scanned(qr.code)).toBe(`/#/pages/pay/index?code=${qr.code}`)
    expect(await actions(qr.id)).toEqual(['qr_code.created'])
  })

  it('binds a code to a clerk of the store, named after them unless told otherwise', async () => {
    const w = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'staff', staffId: w.clerk.id }).expect(201)
    expect(qr).toMatchObject({ kind: 'staff', staffId: w.clerk.id, name: '王小明' })
    expect((await publicQr(qr.code).expect(200)).body).toMatchObject({ kind: 'staff', name: '王小明', staff: { name: '王小明' } })
    // A clerk of another store would be told about payments that are not theirs.
    const { body } = await w.owner.post(`/v1/stores/${w.otherStore.id}/qr-codes`, { kind: 'staff', staffId: w.clerk.id }).expect(400)
    expect(body.error).toMatchObject({ code: 'qr_staff_not_in_store', param: 'staffId' })
  })
})

describe('fixed-amount codes (S4)', () => {
  it('resolves with the unit price; the price must be whole fen above zero', async () => {
    const w = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1250 }).expect(201)
    expect((await publicQr(qr.code).expect(200)).body).toMatchObject({ kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1250 })
    await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'fixed_amount', name: '免费', unitPriceFen: 0 }).expect(400)
    await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'fixed_amount', name: '半分', unitPriceFen: 12.5 }).expect(400)
    await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'fixed_amount', unitPriceFen: 100 }).expect(400)

    await w.owner.patch(`/v1/qr-codes/${qr.id}`, { unitPriceFen: 1380 }).expect(200)
    expect((await publicQr(qr.code).expect(200)).body.unitPriceFen).toBe(1380)
    const { body: storeCode } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)
    await w.owner.patch(`/v1/qr-codes/${storeCode.id}`, { unitPriceFen: 100 }).expect(400)
  })
})

describe('blank codes (空码, S3)', () => {
  it('is unbound until bound; binding, renaming and unbinding keep the printed URL', async () => {
    const w = await world()
    const { body: batch } = await w.owner.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 5 }).expect(201)
    expect(batch).toMatchObject({ serviceProviderId: w.sp.id, count: 5, title: w.sp.shortName })
    const { body: list } = await w.owner.get(`/v1/qr-codes?batchId=${batch.id}`).expect(200)
    expect(list.data).toHaveLength(5)
    expect(new Set(list.data.map((c: any) => c.code)).size).toBe(5)
    expect(list.data.every((c: any) => c.kind === 'blank' && c.storeId === null && c.merchantId === null)).toBe(true)
    const blank = list.data[0]

    const { body: unbound } = await publicQr(blank.code).expect(409)
    expect(unbound.error).toMatchObject({ code: 'qr_code_unbound', message: '该二维码尚未绑定门店' })
    expect(await scanned(blank.code)).toBe(`/#/pages/scan/result/index?problem=qr_unbound&code=${blank.code}`)

    const { body: bound } = await w.owner.post(`/v1/qr-codes/${blank.id}/bind`, { storeId: w.store.id, name: '一号收银台' }).expect(200)
    expect(bound).toMatchObject({ kind: 'store', storeId: w.store.id, merchantId: w.merchant.id, name: '一号收银台', url: blank.url, code: blank.code })
    expect(bound.boundAt).not.toBeNull()
    expect((await publicQr(blank.code).expect(200)).body).toMatchObject({ kind: 'store', name: '一号收银台', store: { name: '科技园店' } })
    expect(await scanned(blank.code)).toBe(`/#/pages/pay/index?code=${blank.code}`)
    // Bound once is bound: another store needs an unbind first.
    expect((await w.owner.post(`/v1/qr-codes/${blank.id}/bind`, { storeId: w.otherStore.id }).expect(409)).body.error.code).toBe('qr_code_already_bound')

    await w.owner.patch(`/v1/qr-codes/${blank.id}`, { name: '二号收银台' }).expect(200)
    expect((await publicQr(blank.code).expect(200)).body.name).toBe('二号收银台')
    const { body: inStore } = await w.owner.get(`/v1/qr-codes?storeId=${w.store.id}`).expect(200)
    expect(inStore.data.map((c: any) => c.id)).toEqual([blank.id])

    const { body: again } = await w.owner.post(`/v1/qr-codes/${blank.id}/unbind`).expect(200)
    expect(again).toMatchObject({ kind: 'blank', storeId: null, merchantId: null, name: null, boundAt: null, url: blank.url, code: blank.code })
    expect((await publicQr(blank.code).expect(409)).body.error.code).toBe('qr_code_unbound')
    expect((await w.owner.get(`/v1/qr-codes?storeId=${w.store.id}`).expect(200)).body.data).toEqual([])

    // …and can be bound again, this time to a clerk.
    const { body: rebound } = await w.owner.post(`/v1/qr-codes/${blank.id}/bind`, { storeId: w.store.id, staffId: w.clerk.id }).expect(200)
    expect(rebound).toMatchObject({ kind: 'staff', staffId: w.clerk.id, name: '王小明', url: blank.url })
    expect(await actions(blank.id)).toEqual(['qr_code.bound', 'qr_code.renamed', 'qr_code.unbound', 'qr_code.bound'])
    expect(await actions(batch.id)).toEqual(['qr_batch.created'])
  })

  it('is bound by the code on the plate to a store of the caller, only within the SP that printed it', async () => {
    const w = await world()
    const { body: batch } = await w.owner.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 2, title: '好味收款码' }).expect(201)
    const [blank] = (await w.owner.get(`/v1/qr-codes?batchId=${batch.id}`).expect(200)).body.data
    // The sub-SP cannot see the SP's blank codes…
    expect((await w.agent.get('/v1/qr-codes?kind=blank').expect(200)).body.data).toEqual([])
    await w.agent.get(`/v1/qr-codes/${blank.id}`).expect(404)
    // …but whoever holds the plate can bind it to a store of theirs (typed as printed, with dashes).
    const { body: bound } = await w.agent.post('/v1/qr-codes/bind-by-code', { code: blank.displayCode.toUpperCase(), storeId: w.agentStore.id }).expect(200)
    expect(bound).toMatchObject({ id: blank.id, storeId: w.agentStore.id, kind: 'store' })
    expect((await w.agent.get(`/v1/qr-codes/${blank.id}`).expect(200)).body.url).toBe(blank.url)
    await w.agent.post('/v1/qr-codes/bind-by-code', { code: blank.code, storeId: w.agentStore.id }).expect(409)

    // Another SP's plate does not bind to this SP's stores.
    const other = await world()
    const { body: foreignBatch } = await other.owner.post('/v1/qr-batches', { serviceProviderId: other.sp.id, count: 1 }).expect(201)
    const [foreign] = (await other.owner.get(`/v1/qr-codes?batchId=${foreignBatch.id}`).expect(200)).body.data
    expect((await w.owner.post('/v1/qr-codes/bind-by-code', { code: foreign.code, storeId: w.store.id }).expect(400)).body.error.code).toBe('qr_code_foreign')
    await w.owner.post('/v1/qr-codes/bind-by-code', { code: 'zzzzzzzzzzzz', storeId: w.store.id }).expect(404)
    expect((await other.owner.get(`/v1/qr-codes/${foreign.id}`).expect(200)).body.kind).toBe('blank')
  })

  it('is generated by the SP only, at most 1000 at a time', async () => {
    const w = await world()
    expect([403, 404]).toContain((await w.agent.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 3 })).status)
    await w.owner.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 1001 }).expect(400)
    await w.owner.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 0 }).expect(400)
    const other = await world()
    await other.owner.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 3 }).expect(404)
    expect((await w.owner.get('/v1/qr-batches').expect(200)).body.data).toEqual([])
  })

  it('codes made for a store cannot be unbound into blanks; they are disabled instead', async () => {
    const w = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)
    expect((await w.owner.post(`/v1/qr-codes/${qr.id}/unbind`).expect(409)).body.error.code).toBe('qr_code_not_blank')
  })
})

describe('problems a customer can hit', () => {
  it('unknown and disabled codes end on their own pages', async () => {
    const w = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)
    await w.owner.post(`/v1/qr-codes/${qr.id}/disable`).expect(200)
    expect((await publicQr(qr.code).expect(409)).body.error).toMatchObject({ code: 'qr_code_disabled', message: '该二维码已停用' })
    expect(await scanned(qr.code)).toBe('/#/pages/scan/result/index?problem=qr_disabled')
    await w.owner.post(`/v1/qr-codes/${qr.id}/enable`).expect(200)
    await publicQr(qr.code).expect(200)
    expect(await actions(qr.id)).toEqual(['qr_code.created', 'qr_code.disabled', 'qr_code.enabled'])

    expect((await publicQr('23456789abcd').expect(404)).body.error.code).toBe('qr_code_not_found')
    expect((await publicQr('not-a-code').expect(404)).body.error.code).toBe('qr_code_not_found')
    expect(await scanned('23456789abcd')).toBe('/#/pages/scan/result/index?problem=qr_unknown')
  })
})

describe('scoping (T9)', () => {
  it('another tenant sees none of the codes; a sub-SP sees its merchants\' codes only', async () => {
    const w = await world()
    const other = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(201)
    const { body: agentQr } = await w.agent.post(`/v1/stores/${w.agentStore.id}/qr-codes`, { kind: 'store' }).expect(201)
    await w.agent.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(404)
    for (const path of [`/v1/qr-codes/${qr.id}`, `/v1/qr-codes/${qr.id}/plate.png`, `/v1/qr-codes/${qr.id}/plate.pdf`]) await other.owner.get(path).expect(404)
    await other.owner.patch(`/v1/qr-codes/${qr.id}`, { name: '改名' }).expect(404)
    await other.owner.post(`/v1/qr-codes/${qr.id}/disable`).expect(404)
    await other.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'store' }).expect(404)
    expect((await other.owner.get(`/v1/qr-codes?storeId=${w.store.id}`).expect(200)).body.data).toEqual([])
    await w.agent.get(`/v1/qr-codes/${qr.id}`).expect(404)
    expect((await w.agent.get('/v1/qr-codes').expect(200)).body.data.map((c: any) => c.id)).toEqual([agentQr.id])
    // The SP sees both.
    expect((await w.owner.get('/v1/qr-codes').expect(200)).body.data.map((c: any) => c.id).sort()).toEqual([qr.id, agentQr.id].sort())
  })
})

describe('printable plates', () => {
  it('a code is a PNG and a PDF plate; a batch is one PDF, six plates a page', async () => {
    const w = await world()
    const { body: qr } = await w.owner.post(`/v1/stores/${w.store.id}/qr-codes`, { kind: 'fixed_amount', name: '拿铁咖啡', unitPriceFen: 1250 }).expect(201)
    const png = await w.owner.get(`/v1/qr-codes/${qr.id}/plate.png`).buffer(true).parse(binary).expect(200).expect('content-type', 'image/png')
    expect((png.body as Buffer).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    const single = await w.owner.get(`/v1/qr-codes/${qr.id}/plate.pdf`).buffer(true).parse(binary).expect(200).expect('content-type', 'application/pdf')
    expect((single.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-')
    expect((single.body as Buffer).toString('latin1')).toMatch(/\/Count 1 >>[\s\S]*%%EOF\n$/)

    const { body: batch } = await w.owner.post('/v1/qr-batches', { serviceProviderId: w.sp.id, count: 7 }).expect(201)
    const pdf = await w.owner.get(`/v1/qr-batches/${batch.id}/plates.pdf`).buffer(true).parse(binary).expect(200).expect('content-type', 'application/pdf')
    const text = (pdf.body as Buffer).toString('latin1')
    expect(text.startsWith('%PDF-1.4')).toBe(true)
    expect(text).toMatch(/\/Type \/Pages \/Kids \[[^\]]+\] \/Count 2 >>/)
    expect(text.endsWith('%%EOF\n')).toBe(true)
    // The cross-reference table points at each object's first byte.
    const xref = Number(/startxref\n(\d+)\n/.exec(text)?.[1])
    expect(text.slice(xref, xref + 4)).toBe('xref')
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]))
    for (const [i, offset] of offsets.entries()) expect(text.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true)

    const { body: blankPage } = await w.owner.get(`/v1/qr-codes?batchId=${batch.id}`).expect(200)
    await w.owner.get(`/v1/qr-codes/${blankPage.data[0].id}/plate.pdf`).buffer(true).parse(binary).expect(200)
    await w.agent.get(`/v1/qr-batches/${batch.id}/plates.pdf`).expect(404)
  })
})
