import { createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { auditLog } from '../../../src/modules/audit'
import { merchants, serviceProviders, staff, subServiceProviders } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser } from '../../factories/console'
import { createMerchant, createSp, merchantBody, newSubMchId, spBody } from '../../factories/tenants'
import { createAccount } from '../../factories/accounts'

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
afterAll(async () => { await live.stop() })

describe('service providers (T2)', () => {
  it('creates an SP whose secrets are sealed at rest and never answered', async () => {
    const user = await consoleUser(live.app, database.get())
    const body = spBody(channels.get())
    const r = await user.post('/v1/service-providers', body).expect(201)
    expect(r.body.outMchId).toMatch(/^[0-9A-Za-z]{20}$/)
    expect(r.body.wechatPay).toMatchObject({ mchId: body.wechatPay.mchId, secrets: { apiV3Key: true, apiV2Key: true, privateKey: true, officialAccountSecret: true } })
    expect(r.body.alipay).toMatchObject({ appId: body.alipay.appId, secrets: { privateKey: true, alipayPublicKey: true } })
    const text = JSON.stringify(r.body)
    for (const secret of [body.wechatPay.apiV3Key, body.wechatPay.apiV2Key, body.wechatPay.officialAccountSecret, 'PRIVATE KEY']) expect(text).not.toContain(secret)

    const [row] = await database.get().db.select().from(serviceProviders).where(eq(serviceProviders.id, r.body.id))
    expect(row?.wxApiV3KeySealed).toMatch(/^v1\./)
    expect(JSON.stringify(row)).not.toContain(body.wechatPay.apiV3Key)
    expect(live.services.box.open(row?.wxApiV3KeySealed ?? '', `service_providers.wx_api_v3_key:${r.body.id}`).reveal()).toBe(body.wechatPay.apiV3Key)
    // The admin named on the form waits for activation.
    const admins = await database.get().db.select().from(staff).where(eq(staff.spId, r.body.id))
    expect(admins).toMatchObject([{ role: 'sp_admin', name: '张三', activatedAt: null, refundPermission: true }])
    const [audit] = await database.get().db.select().from(auditLog).where(eq(auditLog.targetId, r.body.id))
    expect(audit).toMatchObject({ action: 'service_provider.created', actorId: user.id })
    expect(JSON.stringify(audit?.changes)).not.toContain(body.wechatPay.apiV3Key)
  })

  it('refuses an APIv3 key that is not 32 letters or digits, naming the field, and writes nothing', async () => {
    const user = await consoleUser(live.app, database.get())
    for (const apiV3Key of ['abc', 'a'.repeat(31), `${'a'.repeat(31)}!`, 'a'.repeat(33)]) {
      const r = await user.post('/v1/service-providers', spBody(channels.get(), { wechatPay: { ...spBody(channels.get()).wechatPay, apiV3Key } })).expect(400)
      expect(r.body.error).toMatchObject({ type: 'invalid_request', param: 'wechatPay.apiV3Key', message: expect.stringContaining('32 位') })
    }
    const bad = await user.post('/v1/service-providers', spBody(channels.get(), { wechatPay: { ...spBody(channels.get()).wechatPay, privateKey: '-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----' } })).expect(400)
    expect(bad.body.error.param).toBe('wechatPay.privateKey')
    expect(await database.get().db.select().from(serviceProviders)).toHaveLength(0)
  })

  it('keeps a secret that an edit leaves out and re-seals one that it changes', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    const [before] = await database.get().db.select().from(serviceProviders).where(eq(serviceProviders.id, sp.id))
    const mchId = spBody(channels.get()).wechatPay.mchId
    await user.patch(`/v1/service-providers/${sp.id}`, { name: '新名字', wechatPay: { mchId } }).expect(200)
    const [kept] = await database.get().db.select().from(serviceProviders).where(eq(serviceProviders.id, sp.id))
    expect(kept?.wxApiV3KeySealed).toBe(before?.wxApiV3KeySealed)
    expect(kept?.name).toBe('新名字')
    const newKey = 'Z'.repeat(32)
    await user.patch(`/v1/service-providers/${sp.id}`, { wechatPay: { mchId, apiV3Key: newKey } }).expect(200)
    const [changed] = await database.get().db.select().from(serviceProviders).where(eq(serviceProviders.id, sp.id))
    expect(live.services.box.open(changed?.wxApiV3KeySealed ?? '', `service_providers.wx_api_v3_key:${sp.id}`).reveal()).toBe(newKey)
    const audits = await database.get().db.select().from(auditLog).where(eq(auditLog.action, 'service_provider.updated'))
    expect(audits.map((a) => a.changes)).toContainEqual(expect.objectContaining({ wxApiV3KeySealed: ['[secret]', '[changed]'] }))
  })

  it('lets a console account see only its own SPs; an operator sees all', async () => {
    const a = await consoleUser(live.app, database.get())
    const b = await consoleUser(live.app, database.get())
    const op = await consoleUser(live.app, database.get(), { operator: true })
    const spA = await createSp(a, channels.get())
    const spB = await createSp(b, channels.get())
    expect((await a.get('/v1/service-providers').expect(200)).body.data.map((s: any) => s.id)).toEqual([spA.id])
    await a.get(`/v1/service-providers/${spB.id}`).expect(404)
    await a.patch(`/v1/service-providers/${spB.id}`, { name: '抢过来' }).expect(404)
    const all = (await op.get('/v1/service-providers').expect(200)).body.data.map((s: any) => s.id)
    expect(all).toEqual(expect.arrayContaining([spA.id, spB.id]))
    // Creating for someone else is the operator's privilege.
    await a.post('/v1/service-providers', spBody(channels.get(), { ownerAccountId: b.id })).expect(403)
    const forB = await op.post('/v1/service-providers', spBody(channels.get(), { ownerAccountId: b.id })).expect(201)
    await b.get(`/v1/service-providers/${forB.body.id}`).expect(200)
  })
})

describe('sub-merchants (T7)', () => {
  it('generates the keys, shows them once, keeps only the sealed authentication key and the public key', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    const subMchId = await newSubMchId(channels.get())
    const r = await user.post('/v1/merchants', merchantBody(sp.id, subMchId)).expect(201)
    expect(r.headers['cache-control']).toBe('no-store')
    const { merchant, credentials, admin } = r.body
    expect(merchant).toMatchObject({ outMchId: sp.outMchId, wechatSubMchId: subMchId, wechatChannel: 'direct', authenType: 'HMAC-SHA256', signType: 'RSA-PSS-SHA256' })
    expect(merchant.outSubMchId).toMatch(/^[0-9A-Za-z]{20}$/)
    expect(merchant.orderPrefix).toMatch(/^[a-z]{2}\d{4}$/)
    expect(credentials.authenKey).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(admin).toMatchObject({ role: 'merchant_admin', activated: false })
    // The private key signs what the kept public key verifies (refund/reverse signatures, cloudpay-api.md §5).
    const signature = createSign('sha256').update('refund').sign({ key: createPrivateKey(credentials.signingPrivateKey), padding: 6, saltLength: 32 })
    expect(createVerify('sha256').update('refund').verify({ key: createPublicKey(merchant.verifyPublicKey), padding: 6, saltLength: 32 }, signature)).toBe(true)

    const again = await user.get(`/v1/merchants/${merchant.id}`).expect(200)
    expect(JSON.stringify(again.body)).not.toContain(credentials.authenKey)
    expect(JSON.stringify(again.body)).not.toContain('PRIVATE KEY')
    const [row] = await database.get().db.select().from(merchants).where(eq(merchants.id, merchant.id))
    expect(JSON.stringify(row)).not.toContain(credentials.authenKey)
    expect(JSON.stringify(row)).not.toContain('PRIVATE KEY')
    expect(live.services.box.open(row?.authenKeySealed ?? '', `merchants.authen_key:${merchant.id}`).reveal()).toBe(credentials.authenKey)

    const reset = await user.post(`/v1/merchants/${merchant.id}/credentials`).expect(200)
    expect(reset.body.authenKey).not.toBe(credentials.authenKey)
    const [after] = await database.get().db.select().from(merchants).where(eq(merchants.id, merchant.id))
    expect(after?.verifyPublicKey).toBe(reset.body.verifyPublicKey)
  })

  it('says 子商户已存在 for a sub_mch_id already added, and refuses one that is not this SP\'s special merchant', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    const subMchId = await newSubMchId(channels.get())
    await createMerchant(user, sp.id, subMchId)
    const dup = await user.post('/v1/merchants', merchantBody(sp.id, subMchId)).expect(409)
    expect(dup.body.error).toMatchObject({ code: 'merchant_exists', message: '子商户已存在', param: 'wechatSubMchId' })
    const foreign = await user.post('/v1/merchants', merchantBody(sp.id, '1999999999')).expect(400)
    expect(foreign.body.error).toMatchObject({ code: 'sub_mch_not_special', param: 'wechatSubMchId' })
    expect(await database.get().db.select().from(merchants).where(eq(merchants.spId, sp.id))).toHaveLength(1)
  })

  it('checks the sub-merchant with WeChat Pay before writing: a channel outage is a retryable error, not a half-made merchant', async () => {
    const user = await consoleUser(live.app, database.get())
    const sp = await createSp(user, channels.get())
    const subMchId = await newSubMchId(channels.get())
    await channels.get().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:GET /v3/pay/partner/transactions/out-trade-no/:out_trade_no', mode: '5xx', count: 5 })
    const r = await user.post('/v1/merchants', merchantBody(sp.id, subMchId)).expect(502)
    expect(r.body.error.code).toBe('channel_error')
    await channels.get().sim('wxpay', 'POST', '/__sim/reset', {})
    expect(await database.get().db.select().from(merchants)).toHaveLength(0)
  })
})

describe('sub-service-providers (T6)', () => {
  it('see and onboard only their own merchants', async () => {
    const owner = await consoleUser(live.app, database.get())
    const agentAccount = await consoleUser(live.app, database.get())
    const sp = await createSp(owner, channels.get())
    const ssp = await owner.post('/v1/sub-service-providers', { serviceProviderId: sp.id, accountId: agentAccount.id, name: '南山代理', adminName: '王五', phone: '13900000000', wechatRebateBp: 10 }).expect(201)
    expect(ssp.body).toMatchObject({ serviceProviderId: sp.id, accountId: agentAccount.id, wechatRebateBp: 10 })
    const spOwn = await createMerchant(owner, sp.id, await newSubMchId(channels.get()))
    const viaAgent = await createMerchant(agentAccount, sp.id, await newSubMchId(channels.get()))
    expect(viaAgent.merchant.subServiceProviderId).toBe(ssp.body.id)

    const seen = (await agentAccount.get('/v1/merchants').expect(200)).body.data.map((m: any) => m.id)
    expect(seen).toEqual([viaAgent.merchant.id])
    await agentAccount.get(`/v1/merchants/${spOwn.merchant.id}`).expect(404)
    // The SP sees both; to the agent the SP itself does not exist (no edits, no sub-SPs).
    expect((await owner.get('/v1/merchants').expect(200)).body.data).toHaveLength(2)
    await agentAccount.patch(`/v1/service-providers/${sp.id}`, { name: 'x' }).expect(404)
    // Deposit and refund-API permissions are the SP's to give, not its agent's (P8).
    const refused = await agentAccount.patch(`/v1/merchants/${viaAgent.merchant.id}`, { depositEnabled: true }).expect(403)
    expect(refused.body.error.type).toBe('permission')
    await agentAccount.patch(`/v1/merchants/${viaAgent.merchant.id}`, { name: '代理改名' }).expect(200)
    expect((await owner.patch(`/v1/merchants/${viaAgent.merchant.id}`, { depositEnabled: true, refundApiEnabled: false }).expect(200)).body).toMatchObject({ depositEnabled: true, refundApiEnabled: false })
    await agentAccount.post('/v1/sub-service-providers', { serviceProviderId: sp.id, accountId: agentAccount.id, name: 'x', adminName: 'x', phone: '13900000000' }).expect(404)
    const admins = await database.get().db.select().from(staff).where(eq(staff.sspId, ssp.body.id))
    expect(admins.map((a) => a.role).sort()).toEqual(['merchant_admin', 'ssp_admin'])
  })

  it('needs an existing platform account id', async () => {
    const owner = await consoleUser(live.app, database.get())
    const sp = await createSp(owner, channels.get())
    const r = await owner.post('/v1/sub-service-providers', { serviceProviderId: sp.id, accountId: 'acc_01J00000000000000000000000', name: '代理', adminName: '王五', phone: '13900000000' }).expect(400)
    expect(r.body.error).toMatchObject({ code: 'account_not_found', param: 'accountId' })
    expect(await database.get().db.select().from(subServiceProviders)).toHaveLength(0)
    await createAccount(database.get())
  })
})
