import type { WxpayClientConfig } from '../src/wxpay'
import { dataOf, failureOf, useWxpayHarness } from './helpers/wxpay'

const ctx = useWxpayHarness()

const MERCHANTS = [
  { sub_mchid: '1600000001', merchant_name: '示例火锅店', merchant_shortname: '火锅' },
  { sub_mchid: '1600000002', merchant_name: '示例奶茶店' },
  { sub_mchid: '1600000003', merchant_name: '示例花店', maidan_enabled: false },
]
const ADMIN_OPENID = 'oAdmin0000000000000000000001'

async function setup (body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const r = await ctx.h.sim<Record<string, unknown>>('POST', '/__sim/wxpay/maidan', { admin_openids: [ADMIN_OPENID], merchants: MERCHANTS, ...body })
  expect(r.status).toBe(200)
  return r.body
}

const bind = (openid: string, appid = ctx.h.cfg.spAppId): Promise<{ data: unknown }> =>
  ctx.h.wx.chain('v3/maidan/partner/assistant/bind').post({ sp_mchid: ctx.h.cfg.spMchId, appid, openid })
const list = (params: Record<string, unknown> = {}): Promise<{ data: unknown }> =>
  ctx.h.wx.chain('v3/maidan/partner/merchants').get({ params: { sp_mchid: ctx.h.cfg.spMchId, ...params } })
const merchant = (subMchId: string): Promise<{ data: unknown }> =>
  ctx.h.wx.chain('v3/maidan/partner/merchants/{sub_mchid}').get({ params: { sp_mchid: ctx.h.cfg.spMchId }, sub_mchid: subMchId })

describe('wxpay 买单服务商助手 (sandbox stand-in API)', () => {
  it('binds only an opened assistant, and only with an administrator\'s openid', async () => {
    expect(await failureOf(bind(ADMIN_OPENID))).toMatchObject({ status: 403, data: { code: 'NOT_OPENED', message: '服务商未开通微信买单服务商助手' } })
    await setup()
    expect(await failureOf(bind('oSomeoneElse000000000000000'))).toMatchObject({ status: 403, data: { code: 'NO_AUTH', message: '该微信号不是微信买单服务商助手的管理员' } })
    expect(await failureOf(list())).toMatchObject({ status: 403, data: { code: 'NOT_BOUND', message: '服务商未绑定微信买单服务商助手' } })
    expect(await dataOf(bind(ADMIN_OPENID))).toEqual({ sp_mchid: ctx.h.cfg.spMchId, bound: true })
    expect((await ctx.h.sim<{ bound: boolean }>('GET', '/__sim/wxpay/maidan')).body.bound).toBe(true)
    expect(await failureOf(bind('', ctx.h.cfg.spAppId))).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR' } })
  })

  it('accepts a test user as administrator, by their openid under whichever appid', async () => {
    await setup({ admin_openids: [], admin_user: 'lisi' })
    const users = await (await fetch(`${ctx.h.sandbox.urls.wxmp}/__sim/wxmp/users`)).json() as Array<{ id: string, openids: Record<string, { openid: string }> }>
    const lisi = users.find((u) => u.id === 'lisi')
    const zhangsan = users.find((u) => u.id === 'zhangsan')
    const oa = ctx.h.sandbox.clients.wxmp.officialAccount.appId
    expect((await failureOf(bind(zhangsan?.openids[oa]?.openid ?? '', oa))).data?.code).toBe('NO_AUTH')
    expect((await failureOf(bind(lisi?.openids[oa]?.openid ?? '', ctx.h.sandbox.clients.wxmp.miniProgram.appId))).data?.code).toBe('NO_AUTH') // another appid's openid
    expect(await dataOf(bind(lisi?.openids[oa]?.openid ?? '', oa))).toMatchObject({ bound: true })
  })

  it('lists the 买单 merchants page by page (limit ≤ 50)', async () => {
    await setup()
    await bind(ADMIN_OPENID)
    expect(await dataOf(list({ offset: 0, limit: 2 }))).toEqual({
      total_count: 3,
      offset: 0,
      limit: 2,
      data: [
        { sub_mchid: '1600000001', merchant_name: '示例火锅店', merchant_shortname: '火锅', maidan_enabled: true },
        { sub_mchid: '1600000002', merchant_name: '示例奶茶店', merchant_shortname: '示例奶茶店', maidan_enabled: true },
      ],
    })
    expect(await dataOf(list({ offset: 2, limit: 2 }))).toMatchObject({ total_count: 3, data: [{ sub_mchid: '1600000003', maidan_enabled: false }] })
    expect(await dataOf(list())).toMatchObject({ offset: 0, limit: 10, total_count: 3 })
    const tooMany = await failureOf(list({ limit: 51 }))
    expect(tooMany).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR', message: expect.stringContaining('/query/limit') } })
  })

  it('answers one merchant\'s 买单 state, 404 RESOURCE_NOT_EXISTS for another SP\'s or unknown sub_mchid', async () => {
    await setup()
    await bind(ADMIN_OPENID)
    expect(await dataOf(merchant('1600000001'))).toEqual({ sub_mchid: '1600000001', maidan_enabled: true })
    expect(await dataOf(merchant('1600000003'))).toEqual({ sub_mchid: '1600000003', maidan_enabled: false })
    // One of the SP's sub-merchants that never opened 买单.
    expect(await dataOf(merchant(ctx.h.cfg.subMchIds[0] ?? ''))).toEqual({ sub_mchid: ctx.h.cfg.subMchIds[0], maidan_enabled: false })
    const other = (await ctx.h.sim<WxpayClientConfig>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })).body
    for (const stranger of [other.subMchIds[0] ?? '', '1999999999']) {
      expect(await failureOf(merchant(stranger))).toMatchObject({ status: 404, data: { code: 'RESOURCE_NOT_EXISTS' } })
    }
  })

  it('creates the listed sub-merchants, refuses another SP\'s, and forgets the assistant on reset or when closed', async () => {
    await setup()
    const merchants = (await ctx.h.sim<Array<{ sp_mchid: string, sub_merchants: Array<{ sub_mchid: string, name: string }> }>>('GET', '/__sim/wxpay/merchants')).body
    expect(merchants.find((m) => m.sp_mchid === ctx.h.cfg.spMchId)?.sub_merchants).toEqual(expect.arrayContaining([{ sub_mchid: '1600000002', name: '示例奶茶店' }]))
    const other = (await ctx.h.sim<WxpayClientConfig>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })).body
    expect((await ctx.h.sim('POST', '/__sim/wxpay/maidan', { merchants: [{ sub_mchid: other.subMchIds[0], merchant_name: 'x' }] })).status).toBe(409)

    await bind(ADMIN_OPENID)
    await setup({ assistant_opened: false })
    expect((await failureOf(list())).data?.code).toBe('NOT_OPENED')
    expect((await ctx.h.sim('GET', '/__sim/wxpay/maidan')).body).toMatchObject({ assistant_opened: false, bound: false })
    await setup()
    await bind(ADMIN_OPENID)
    await ctx.h.sim('POST', '/__sim/reset')
    expect((await ctx.h.sim('GET', '/__sim/wxpay/maidan')).body).toEqual({ sp_mchid: ctx.h.cfg.spMchId, assistant_opened: false, bound: false, admin_openids: [], admin_users: [], merchants: [] })
  })
})

describe('wxpay special-merchant probe (T7: is sub_mchid a 特约商户 of this SP?)', () => {
  const probe = (subMchId: string): Promise<unknown> =>
    ctx.h.wx.chain('v3/pay/partner/transactions/out-trade-no/{out_trade_no}').get({ params: { sp_mchid: ctx.h.cfg.spMchId, sub_mchid: subMchId }, out_trade_no: 'YIMAPROBE0001' })

  it('answers 404 ORDER_NOT_EXIST for this SP\'s sub-merchant and 400 PARAM_ERROR for any other', async () => {
    expect(await failureOf(probe(ctx.h.cfg.subMchIds[0] ?? ''))).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } })
    const other = (await ctx.h.sim<WxpayClientConfig>('POST', '/__sim/wxpay/service-providers', { name: '别家服务商' })).body
    for (const stranger of [other.subMchIds[0] ?? '', '1999999999']) {
      const r = await failureOf(probe(stranger))
      expect(r).toMatchObject({ status: 400, data: { code: 'PARAM_ERROR', message: expect.stringContaining('sub_mchid与sp_mchid不匹配') } })
      expect((r.data as { detail?: unknown }).detail).toEqual({ location: 'query', value: stranger })
    }
  })
})
