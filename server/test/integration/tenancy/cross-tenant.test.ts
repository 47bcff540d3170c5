import { eq, sql } from 'drizzle-orm'
import request from 'supertest'
import type Router from '@koa/router'
import { createIdGenerator, fen } from '@yima/shared'
import { maidanSyncs, miniProgramLinks, staff } from '../../../src/modules/tenancy'
import { paymentCallbacks } from '../../../src/modules/payments/payment.schema'
import { insertOrder } from '../../../src/modules/payments/payment.repo'
import { outboxJobs } from '../../../src/outbox'
import { staffShifts } from '../../../src/modules/shifts/shifts.schema'
import { PAYMENT_TEMPLATE_TOPIC } from '../../../src/modules/notify'
import { WX_SESSION_COOKIE } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { consoleUser, type ConsoleUser } from '../../factories/console'
import { createMerchant, createSp, newSubMchId, spBody } from '../../factories/tenants'
import { approvedCardSubMerchant, CARD_BODY } from '../../factories/cards'
import { isCpayPath } from '../../../src/cloudpay/router'
import { cardMembers, cardPayments } from '../../../src/modules/cards/cards.schema'
import { reliabilityCounts } from '../../reliability/counts'

/*
 * T9, generated: every route of the app × every kind of caller of tenant A × the ids and bodies of
 * tenant B. No request may answer B's data or change anything. Routes are read off the app's own
 * routers, so a new route is either covered here or listed below as public with a reason — the
 * test fails until someone decides which.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) }, 60_000)
afterAll(async () => { await live.stop() })

/** Routes without tenant data, or whose only key is a secret token checked on its own. */
const PUBLIC: Record<string, string> = {
  'GET /healthz': 'liveness',
  'GET /readyz': 'readiness',
  'GET /metrics': 'operator scrape: loopback / private addresses or the METRICS_TOKEN bearer; counters without tenant ids (ops/metrics.test.ts)',
  'GET /openapi.json': 'API description',
  'GET /docs': 'API docs',
  'GET /docs/assets/:file': 'API docs assets',
  'POST /v1/auth/login': 'password sign-in',
  'POST /v1/auth/refresh': 'refresh token is its own key',
  'POST /v1/auth/logout': 'own session only',
  'GET /v1/auth/me': 'own account only',
  'GET /v1/console/me': 'own account only',
  'POST /v1/console/wechat-bindings': 'creates a QR for the caller only',
  'GET /v1/console/wechat-identities': 'own identities only (tested in wechat-binding.test.ts)',
  'GET /scan/bind': 'single-use token (wechat-binding.test.ts)',
  'GET /scan/bind/callback': 'signed state',
  'GET /scan/activate': 'single-use token (activation.test.ts, incl. a foreign code)',
  'GET /scan/activate/callback': 'signed state, SP checked against the code',
  'GET /scan/manage': 'OAuth decides who may enter (activation.test.ts)',
  'GET /scan/manage/callback': 'signed state, roles checked',
  'GET /scan/oa/callback': 'signed state from the console',
  'GET /scan/alipay/callback': 'signed state from the console',
  'POST /wx/component/events': 'WeChat push, msg_signature verified',
  'POST /hooks/:channel/:orderId': 'channel notifications, verified by signature (payments/notifications.test.ts)',
  'GET /v1/public/qr/:code': 'the printed code is the customer\'s key, public by design; names only, no ids (qr-codes.test.ts)',
  'GET /q/:code': 'the printed URL: redirects to the pay page or a problem page (qr-codes.test.ts)',
  'GET /v1/public/pay/:code': 'the pay page: the printed code is the key; names only, no ids (payments/pay-flow.test.ts)',
  'GET /pay/auth': 'starts WeChat / Alipay authorization for a printed code (pay-flow.test.ts)',
  'GET /pay/oauth/wechat/callback': 'signed state; sets only the caller\'s own payer cookie',
  'GET /pay/oauth/alipay/callback': 'signed state; sets only the caller\'s own payer cookie',
  'POST /v1/public/pay/orders': 'the printed code and the payer cookie are the keys (pay-flow.test.ts)',
  'GET /v1/public/pay/orders/:id': 'only the payer cookie that created the order; 404 for anyone else (pay-flow.test.ts)',
  'GET /v1/public/pay/:code/staff': 'the payer cookie\'s own staff row at the code\'s store, 404 for anyone else (shifts/shifts.test.ts)',
  'POST /v1/public/pay/:code/clock-in': 'clocks in only the payer cookie\'s own staff row at the code\'s store (shifts/shifts.test.ts)',
  'POST /v1/public/pay/:code/clock-out': 'clocks out only the payer cookie\'s own staff row at the code\'s store (shifts/shifts.test.ts)',
  // The customer's membership card (M3): the card link is public by design; everything else acts
  // only for the payer cookie's own openid on that card (cards/cards.test.ts).
  'GET /card/:cardId': 'the card\'s claim link: a redirect through WeChat OAuth, no data',
  'GET /card/oauth/wechat/callback': 'OAuth callback: the signed state is its own key',
  'GET /v1/public/cards/:cardId': 'the card face (names only) and the payer cookie\'s own membership',
  'POST /v1/public/cards/:cardId/add-card-params': 'card_ext signed for the payer cookie\'s own openid',
  'POST /v1/public/cards/:cardId/claims': 'WeChat must say the code is in the payer cookie\'s own wallet',
  'POST /v1/public/cards/:cardId/activation': 'activates the payer cookie\'s own membership',
  'GET /v1/public/cards/:cardId/ledger': 'the payer cookie\'s own ledger',
  'POST /v1/public/cards/:cardId/recharges': 'recharges the payer cookie\'s own membership',
  'GET /v1/public/cards/:cardId/recharges/:orderId': 'only the payer cookie\'s own recharges; 404 for others',
  'POST /v1/public/cards/:cardId/payments': 'pays from the payer cookie\'s own balance at a code of the card\'s merchant',
  // Vouchers for customers (C3): the payer cookie's own paid orders, and the merchant's public voucher page (vouchers/vouchers.test.ts).
  'GET /v1/public/pay/orders/:id/vouchers': 'offers only for the payer cookie\'s own paid order; empty for anyone else',
  'POST /v1/public/vouchers/claims': 'sends a voucher to the payer cookie\'s own openid, within the per-user limit',
  'GET /v/:code': 'the merchant\'s voucher QR: a redirect through WeChat OAuth, no data',
  'GET /v/oauth/wechat/callback': 'OAuth callback: the signed state is its own key',
  'GET /v1/public/voucher-pages/:code': 'the merchant\'s public voucher page: names and voucher rules only',
}

/**
 * The Cloud Pay facade (/cpay/*): every call is authenticated by the sub-merchant's 认证密钥 in its
 * envelope and acts only for that sub-merchant (cloudpay/*.test.ts walk other merchants' ids).
 */
const isPublic = (r: { method: string, path: string }): boolean => PUBLIC[`${r.method} ${r.path}`] !== undefined || isCpayPath(r.path)

interface Tenant {
  owner: ConsoleUser
  agent: ConsoleUser
  sp: any
  ssp: any
  merchant: any
  agentMerchant: any
  store: any
  clerk: any
  merchantAdminId: string
  syncId: string
  bindingId: string
  identityId: string
  mobileCookie: string
  mpToken: string
  storeCode: any
  batchId: string
  blankCode: any
  boundBlank: any
  orderId: string
  callbackId: string
  cashierDevice: any
  /** A cloud printer and speaker of the store (S6, S7), and unused devices a write could try to add. */
  printer: any
  speaker: any
  spare: { feie: { sn: string, key: string }, brhk: { sn: string } }
  /** The merchant's membership card (M1–M5), a member with a balance and one of their balance payments. */
  cardSubMerchantId: number
  /** An imported voucher batch (C1). */
  voucherBatchId: string
  memberId: string
  memberPhone: string
  cardPaymentId: string
}

async function tenant (): Promise<Tenant> {
  const c = channels.get()
  const owner = await consoleUser(live.app, database.get())
  const agent = await consoleUser(live.app, database.get())
  const sp = await createSp(owner, c)
  const ssp = (await owner.post('/v1/sub-service-providers', { serviceProviderId: sp.id, accountId: agent.id, name: '代理商', adminName: '代理', phone: '13900000000' }).expect(201)).body
  const m = await createMerchant(owner, sp.id, await newSubMchId(c))
  const am = await createMerchant(agent, sp.id, await newSubMchId(c))
  const store = (await owner.post(`/v1/merchants/${m.merchant.id}/stores`, { name: '一号店' }).expect(201)).body
  const clerk = (await owner.post(`/v1/stores/${store.id}/staff`, { name: '店员', role: 'clerk' }).expect(201)).body
  const syncId = `mds_${sp.id.slice(3)}`
  await database.get().db.insert(maidanSyncs).values({ id: syncId, spId: sp.id, status: 'succeeded', requestedBy: owner.id, createdAt: new Date(), finishedAt: new Date() })
  const bindingId = (await owner.post('/v1/console/wechat-bindings').expect(201)).body.id
  const identityId = (await owner.get('/v1/console/wechat-identities').expect(200)).body.data[0].id
  // The merchant admin, activated on their phone, holds a WeChat session for the management pages.
  const openid = `o_mobile_${m.admin.id.slice(-8)}`
  const appId = c.sandbox.clients.wxmp.officialAccount.appId
  await database.get().db.update(staff).set({ wxAppId: appId, wxOpenid: openid, activatedAt: new Date() }).where(eq(staff.id, m.admin.id))
  const mobileCookie = `${WX_SESSION_COOKIE}=${live.services.tokens.sign({ purpose: 'wx_session', appId, openid }, 3600)}`
  // The same admin signed in to the staff mini-program and linked to that identity.
  const mp = { mpAppId: c.sandbox.clients.wxmp.miniProgram.appId, mpOpenid: `o_mp_${m.admin.id.slice(-8)}` }
  await database.get().db.insert(miniProgramLinks).values({ ...mp, oaAppId: appId, oaOpenid: openid, linkedAt: new Date() })
  const mpToken = live.services.tokens.sign({ purpose: 'mp_session', ...mp }, 3600)
  // QR codes: a clerk's code, and a blank batch with one code bound and one still blank.
  const storeCode = (await owner.post(`/v1/stores/${store.id}/qr-codes`, { kind: 'staff', staffId: clerk.id }).expect(201)).body
  const batchId = (await owner.post('/v1/qr-batches', { serviceProviderId: sp.id, count: 2 }).expect(201)).body.id
  const [blankCode, toBind] = (await owner.get(`/v1/qr-codes?batchId=${batchId}`).expect(200)).body.data
  const boundBlank = (await owner.post(`/v1/qr-codes/${toBind.id}/bind`, { storeId: store.id }).expect(200)).body
  // A paid order whose trade-complete callback failed: resendable, so a scope slip would show.
  const { orderId, callbackId } = await failedCallback(m.merchant, store)
  await database.get().db.insert(staffShifts).values({ id: `shf_${clerk.id.slice(4)}`, staffId: clerk.id, storeId: store.id, merchantId: m.merchant.id, clockInAt: new Date(), createdAt: new Date() })
  await notified(orderId, m.merchant, store, clerk.id)
  const cashierDevice = (await owner.post(`/v1/stores/${store.id}/cashier-devices`, { type: 'smart_pos', sn: `XT-${store.id.slice(-12)}` }).expect(201)).body
  const device = async (vendor: 'feie' | 'brhk'): Promise<{ sn: string, key: string }> => (await c.sim('devices', 'POST', '/__sim/devices', { vendor })).body
  const feie = await device('feie')
  const printer = (await owner.post(`/v1/stores/${store.id}/printers`, { brand: 'feie', sn: feie.sn, key: feie.key }).expect(201)).body
  const speaker = (await owner.post(`/v1/stores/${store.id}/speakers`, { brand: 'brhk', sn: (await device('brhk')).sn }).expect(201)).body
  const spare = { feie: await device('feie'), brhk: await device('brhk') }
  const cardSubMerchantId = await approvedCardSubMerchant(c)
  await owner.put(`/v1/merchants/${m.merchant.id}/member-card/sub-merchant`, { cardSubMerchantId: String(cardSubMerchantId) }).expect(200)
  const card = (await owner.post(`/v1/merchants/${m.merchant.id}/member-card`, CARD_BODY).expect(201)).body
  const { memberId, memberPhone, cardPaymentId } = await cardHolder(card.id, m.merchant, store)
  const stock = await c.sim('wxpay', 'POST', '/__sim/wxpay/stocks', { creator_mchid: m.merchant.wechatSubMchId, name: '满10减2', coupon_amount: 200, transaction_minimum: 1000, max_coupons: 10, max_coupons_per_user: 1, goods_tag: ['MUTEX_STORE'], no_cash: true, days: 30 })
  const voucherBatchId = (await owner.post(`/v1/merchants/${m.merchant.id}/voucher-batches`, { stockId: stock.body.stock_id, creatorMchId: m.merchant.wechatSubMchId }).expect(201)).body.id
  return { voucherBatchId, cardSubMerchantId, memberId, memberPhone, cardPaymentId, owner, agent, sp, ssp, merchant: m.merchant, agentMerchant: am.merchant, store, clerk, merchantAdminId: m.admin.id, syncId, bindingId, identityId, mobileCookie, mpToken, storeCode, batchId, blankCode, boundBlank, orderId, callbackId, cashierDevice, printer, speaker, spare }
}

async function failedCallback (merchant: any, store: any): Promise<{ orderId: string, callbackId: string }> {
  const { db } = database.get()
  const now = new Date()
  const orderId = createIdGenerator()('ord')
  const order = await insertOrder(db, {
    id: orderId,
    spId: merchant.serviceProviderId,
    sspId: merchant.subServiceProviderId ?? null,
    merchantId: merchant.id,
    storeId: store.id,
    sourceType: 'one_code',
    tradeType: 'one_code',
    payPlatform: 'wechat_pay',
    method: 'wechat_jsapi',
    outTradeNo: `${merchant.orderPrefix}${orderId.slice(4)}`,
    amountFen: fen(100),
    status: 'succeeded',
    description: '跨租户',
    channelTxnId: '4200000000',
    paidAt: now,
    expiresAt: now,
    createdAt: now,
    updatedAt: now,
  })
  const [cb] = await db.transaction(async (tx) => await live.services.callbacks.enqueue(tx, { order: order as NonNullable<typeof order>, event: 'paid' }))
  if (cb === undefined) throw new Error('no callback written (is the SP\'s tradeCallbackUrl set?)')
  await db.update(paymentCallbacks).set({ status: 'failed', attempts: 16, lastError: 'HTTP 503' }).where(eq(paymentCallbacks.id, cb.id))
  await db.update(outboxJobs).set({ status: 'dead', attempts: 16, finishedAt: now }).where(eq(outboxJobs.id, cb.jobId ?? ''))
  return { orderId, callbackId: cb.id }
}

/** A member holding a balance, with one balance payment at the store (rows as the cards module writes them). */
async function cardHolder (cardId: string, merchant: any, store: any): Promise<{ memberId: string, memberPhone: string, cardPaymentId: string }> {
  const { db } = database.get()
  const ids = createIdGenerator()
  const now = new Date()
  const memberId = ids('mbr')
  const memberPhone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  await db.insert(cardMembers).values({ id: memberId, cardId, spId: merchant.serviceProviderId, merchantId: merchant.id, openid: `o_card_${memberId.slice(-10)}`, code: memberId.slice(-12), state: 'active', name: '会员', phone: memberPhone, principalFen: fen(5_000), bonusFen: fen(500), createdAt: now, updatedAt: now })
  const cardPaymentId = ids('cpy')
  await db.insert(cardPayments).values({ id: cardPaymentId, cardId, memberId, spId: merchant.serviceProviderId, merchantId: merchant.id, storeId: store.id, amountFen: fen(1_100), principalFen: fen(1_000), bonusFen: fen(100), createdAt: now })
  return { memberId, memberPhone, cardPaymentId }
}

/** The order's clerk message in the delivery ledger (N2), so a leaking ledger route would show it. */
async function notified (orderId: string, merchant: any, store: any, clerkId: string): Promise<void> {
  await database.get().db.transaction(async (tx) => {
    const about = { subject: 'payment', subjectId: orderId, channel: 'template', recipientKind: 'staff', recipientId: clerkId, target: 'oAbC****wXyZ' } as const
    await live.services.ledger.enqueue(tx, { spId: merchant.serviceProviderId, sspId: merchant.subServiceProviderId ?? null, merchantId: merchant.id, storeId: store.id, ...about }, PAYMENT_TEMPLATE_TOPIC)
  })
}

const dayRange = (): { from: string, to: string } => ({ from: new Date(Date.now() - 86400_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() })
/** Reports take tenant ids as filters: B's store and merchant, grouped so names would show. */
const reportQueries = (b: Tenant): string[] => {
  const range = new URLSearchParams(dayRange()).toString()
  return [`?${range}&storeId=${b.store.id}&groupBy=staff`, `?${range}&merchantId=${b.merchant.id}&groupBy=store`, `?${range}&staffId=${b.clerk.id}`]
}

/** Member searches by B's member's phone and name. */
const cardQueries = (path: string, b: Tenant): string[] =>
  path.endsWith('/members') ? ['?q=139', '?q=会员'] : path.endsWith('/member-ledger') ? [`?phone=${b.memberPhone}`] : ['']

/** B's id for each path parameter, by the collection it follows. */
function foreignPaths (path: string, b: Tenant, a?: Tenant): string[] {
  // The membership card: B's merchant, and A's own merchant with B's member or payment.
  if (path.startsWith('/v1/merchants/:merchantId/')) return [b.merchant.id, b.agentMerchant.id].map((id) => path.replace(':merchantId', id))
  if (path.startsWith('/v1/mobile/merchants/:merchantId/')) {
    const merchants = [b.merchant.id, ...(a === undefined ? [] : [a.merchant.id])]
    return merchants.map((m) => path.replace(':merchantId', m).replace(':memberId', b.memberId).replace(':paymentId', b.cardPaymentId))
      .filter((p) => a === undefined || !p.startsWith(`/v1/mobile/merchants/${a.merchant.id}/`) || /:memberId|:paymentId/.test(path))
  }
  const by: Array<[RegExp, string[]]> = [
    [/^\/v1\/service-providers\/:id/, [b.sp.id]],
    [/^\/v1\/sub-service-providers\/:id/, [b.ssp.id]],
    [/^\/v1\/merchants\/:id/, [b.merchant.id, b.agentMerchant.id]],
    [/^\/v1\/stores\/:id/, [b.store.id]],
    [/^\/v1\/staff\/:id/, [b.merchantAdminId, b.clerk.id]],
    [/^\/v1\/maidan-syncs\/:id/, [b.syncId]],
    [/^\/v1\/console\/wechat-bindings\/:id/, [b.bindingId]],
    [/^\/v1\/console\/wechat-identities\/:id/, [b.identityId]],
    [/^\/v1\/qr-codes\/:id/, [b.storeCode.id, b.blankCode.id, b.boundBlank.id]],
    [/^\/v1\/qr-batches\/:id/, [b.batchId]],
    [/^\/v1\/orders\/:id/, [b.orderId]],
    [/^\/v1\/mobile\/orders\/:id/, [b.orderId]],
    [/^\/v1\/payment-callbacks\/:id/, [b.callbackId]],
    [/^\/v1\/cashier-devices\/:id/, [b.cashierDevice.id]],
    [/^\/v1\/mobile\/merchants\/:id/, [b.merchant.id, b.agentMerchant.id]],
    [/^\/v1\/mobile\/stores\/:id/, [b.store.id]],
    [/^\/v1\/mobile\/staff\/:id/, [b.merchantAdminId, b.clerk.id]],
    [/^\/v1\/mobile\/cashier-devices\/:id/, [b.cashierDevice.id]],
    [/^\/v1\/(mobile\/)?printers\/:id/, [b.printer.id]],
    [/^\/v1\/(mobile\/)?speakers\/:id/, [b.speaker.id]],
    [/^\/v1\/(mobile\/)?voucher-batches\/:id/, [b.voucherBatchId]],
  ]
  if (path === '/v1/mobile/entities/:kind/:id') {
    return [`/v1/mobile/entities/sp/${b.sp.id}`, `/v1/mobile/entities/ssp/${b.ssp.id}`, `/v1/mobile/entities/merchant/${b.merchant.id}`, `/v1/mobile/entities/store/${b.store.id}`]
  }
  const hit = by.find(([re]) => re.test(path))
  if (hit === undefined) return path.includes(':') ? [] : [path]
  return hit[1].map((id) => path.replace(/:id/, id).replace(':storeId', b.store.id))
}

/** A valid body for each write, aimed at B wherever it names an owner. */
function bodyFor (method: string, path: string, b: Tenant, a: Tenant): object {
  const c = channels.get()
  const key = `${method} ${path}`
  const bodies: Record<string, object> = {
    'POST /v1/service-providers': spBody(c, { ownerAccountId: b.owner.id }),
    'PATCH /v1/service-providers/:id': { name: '改名' },
    'POST /v1/sub-service-providers': { serviceProviderId: b.sp.id, accountId: a.agent.id, name: '混进来', adminName: '某人', phone: '13900000000' },
    'PATCH /v1/sub-service-providers/:id': { name: '改名' },
    'POST /v1/merchants': { serviceProviderId: b.sp.id, subServiceProviderId: b.ssp.id, name: '混进来', shortName: '混', adminName: '某人', adminEmail: 'x@example.com', wechatSubMchId: '1900000102' },
    'PATCH /v1/merchants/:id': { name: '改名', alipayUserId: null },
    'POST /v1/merchants/:id/wechat-channel': { channel: 'maidan' },
    'POST /v1/merchants/:id/stores': { name: '混进来的店' },
    'POST /v1/stores/:id/staff': { name: '混进来', role: 'clerk' },
    'POST /v1/stores/:id/qr-codes': { kind: 'staff', staffId: b.clerk.id },
    'POST /v1/qr-batches': { serviceProviderId: b.sp.id, count: 2 },
    'PATCH /v1/qr-codes/:id': { name: '改名' },
    // B's code onto A's own store: the code must be out of reach, not just the store.
    'POST /v1/qr-codes/:id/bind': { storeId: a.store.id },
    // Holding B's blank plate does not bind it to A's store: it belongs to another SP.
    'POST /v1/qr-codes/bind-by-code': { code: b.blankCode.code, storeId: a.store.id },
    // Charging at B's store, refunding B's order: a scope slip would write an order or a refund.
    'POST /v1/micropay': { storeId: b.store.id, authCode: '134567890123456789', amountFen: 100 },
    'POST /v1/mobile/stores/:id/qr-codes/bind': { code: b.blankCode.code },
    'POST /v1/reports/summary/print': { ...dayRange(), storeId: b.store.id },
    'POST /v1/mobile/reports/summary/print': { ...dayRange(), storeId: b.store.id },
    'POST /v1/mobile/micropay': { storeId: b.store.id, authCode: '134567890123456789', amountFen: 100 },
    'POST /v1/orders/:id/refunds': { amountFen: 1 },
    'POST /v1/mobile/orders/:id/refunds': { amountFen: 1 },
    // Payment-message switches (N1) at B's store: the caller works there or gets 404.
    'PATCH /v1/mobile/staff/me/notifications': { storeId: b.store.id, receiveMessages: false },
    // Stores, staff and cashier devices (S1, S2, S5): valid bodies, so only the scope can refuse.
    'PATCH /v1/stores/:id': { name: '改名', status: 'closed', goodsTag: 'MUTEX_STORE' },
    'PATCH /v1/mobile/stores/:id': { name: '改名', status: 'closed' },
    'POST /v1/mobile/merchants/:id/stores': { name: '混进来的店' },
    'POST /v1/mobile/stores/:id/staff': { name: '混进来', role: 'clerk', refundPermission: true },
    'PATCH /v1/staff/:id': { name: '改名', phone: '13900000001' },
    'PATCH /v1/mobile/staff/:id': { name: '改名' },
    'POST /v1/staff/:id/refund-permission': { refundPermission: false },
    'POST /v1/mobile/staff/:id/refund-permission': { refundPermission: true },
    'POST /v1/stores/:id/cashier-devices': { type: 'smart_pos', sn: 'XTENANT-SN-0001' },
    'POST /v1/mobile/stores/:id/cashier-devices': { type: 'cloud_cashier', sn: 'XTENANT-SN-0002' },
    // Cloud printers and speakers (S6, S7): real devices with their keys, so only the scope can refuse.
    'POST /v1/stores/:id/printers': { brand: 'feie', ...b.spare.feie },
    'POST /v1/mobile/stores/:id/printers': { brand: 'feie', ...b.spare.feie },
    'POST /v1/stores/:id/speakers': { brand: 'brhk', sn: b.spare.brhk.sn },
    'POST /v1/mobile/stores/:id/speakers': { brand: 'brhk', sn: b.spare.brhk.sn },
    'PATCH /v1/printers/:id': { copies: 2, enabled: false, qrCodeId: null },
    'PATCH /v1/mobile/printers/:id': { copies: 2, enabled: false, qrCodeId: null },
    'PATCH /v1/speakers/:id': { volume: 10, enabled: false },
    'PATCH /v1/mobile/speakers/:id': { volume: 10, enabled: false },
    'PUT /v1/merchants/:merchantId/member-card/sub-merchant': { cardSubMerchantId: String(b.cardSubMerchantId) },
    'POST /v1/merchants/:merchantId/member-card': CARD_BODY,
    'PATCH /v1/merchants/:merchantId/member-card': { title: '改名', balanceCapFen: 1 },
    'POST /v1/mobile/merchants/:merchantId/members/:memberId/adjustments': { pot: 'principal', amountFen: -100, reason: '混进来' },
    'POST /v1/mobile/merchants/:merchantId/members/import': { csv: '手机号,姓名,本金,赠送金\n13711112222,混进来,100,\n' },
    'POST /v1/mobile/merchants/:merchantId/card-payments/:paymentId/refunds': { amountFen: 100 },
    'PUT /v1/merchants/:merchantId/pay-credentials': { mchIds: ['1900000199'], privateKey: c.sandbox.clients.wxpay.merchantPrivateKeyPem, certificateSerial: 'ABCDEF0123', apiV3Key: 'a'.repeat(32) },
    'POST /v1/merchants/:merchantId/voucher-batches': { stockId: '12345678', creatorMchId: '1900000199' },
    'PATCH /v1/voucher-batches/:id': { uses: ['main'], paused: true },
    'PATCH /v1/mobile/voucher-batches/:id': { paused: true },
    'PUT /v1/voucher-batches/:id/stores/:storeId': { paused: true },
    'PUT /v1/mobile/voucher-batches/:id/stores/:storeId': { paused: true },
    'PATCH /v1/mobile/merchants/:merchantId/ad': { adImageUrl: 'https://evil.example.com/ad.png', adUrl: null },
  }
  if (bodies[key] !== undefined) return bodies[key]
  if (method === 'POST' && path.endsWith('/staff')) return { name: '混进来', refundPermission: true }
  return {}
}

/** Every row of every tenant table, hashed: what "nothing changed" means. */
async function fingerprint (): Promise<string> {
  const tables = ['voucher_batches', 'voucher_grants', 'voucher_store_pauses', 'merchant_pay_credentials', 'member_cards', 'card_setups', 'card_members', 'card_payments', 'card_ledger', 'card_recharges', 'service_providers', 'sub_service_providers', 'merchants', 'stores', 'staff', 'activation_codes', 'maidan_syncs', 'accounts', 'wechat_identities', 'wechat_bindings', 'audit_log', 'outbox_jobs', 'qr_codes', 'qr_batches', 'payment_callbacks', 'orders', 'refunds', 'cashier_devices', 'deliveries', 'staff_shifts', 'cloud_printers', 'cloud_speakers']
  const parts: string[] = []
  for (const t of tables) {
    const r = await database.get().db.execute(sql.raw(`select coalesce(md5(string_agg(row_to_json(t)::text, '|' order by row_to_json(t)::text)), '') as h from ${t} t`))
    parts.push(String((r.rows[0] as { h: string }).h))
  }
  return parts.join(':')
}

function routesOf (app: typeof live.app): Array<{ method: string, path: string }> {
  const routers = app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => r !== undefined)
  return routers.flatMap((r) => r.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))))
}

describe('no request crosses tenants (T9)', () => {
  it('walks every route × every caller of tenant A × tenant B\'s ids', async () => {
    const a = await tenant()
    const b = await tenant()
    const routes = routesOf(live.app)
    const unclassified = routes.filter((r) => !isPublic(r) && foreignPaths(r.path, b, a).length === 0)
    expect(unclassified).toEqual([])

    const server = live.app.callback()
    const callers: Array<{ name: string, auth: (t: request.Test) => request.Test }> = [
      { name: 'SP owner', auth: (t) => t.set('authorization', `Bearer ${a.owner.token}`) },
      { name: 'sub-SP account', auth: (t) => t.set('authorization', `Bearer ${a.agent.token}`) },
      { name: 'merchant admin (WeChat session)', auth: (t) => t.set('cookie', a.mobileCookie) },
      { name: 'merchant admin (mini-program)', auth: (t) => t.set('authorization', `Bearer ${a.mpToken}`) },
      { name: 'anonymous', auth: (t) => t },
    ]
    const bSecrets = [b.sp.id, b.ssp.id, b.merchant.id, b.agentMerchant.id, b.store.id, b.clerk.id, b.merchantAdminId, b.syncId, b.bindingId, b.identityId, b.sp.outMchId, b.merchant.outSubMchId,
      b.storeCode.id, b.storeCode.code, b.batchId, b.blankCode.id, b.blankCode.code, b.boundBlank.id, b.boundBlank.code, b.callbackId, b.orderId, b.cashierDevice.id, b.cashierDevice.sn, b.store.outShopId,
      b.printer.id, b.printer.sn, b.speaker.id, b.speaker.sn, b.memberId, b.cardPaymentId, b.memberPhone, b.voucherBatchId]
    let checked = 0
    const crossings: string[] = []
    for (const route of routes) {
      if (isPublic(route)) continue
      const queries = route.path === '/v1/merchants' || route.path === '/v1/sub-service-providers' || route.path === '/v1/qr-batches'
        ? [`?serviceProviderId=${b.sp.id}`, `?subServiceProviderId=${b.ssp.id}`, '']
        : route.path === '/v1/qr-codes'
          ? [`?storeId=${b.store.id}`, `?merchantId=${b.merchant.id}`, `?batchId=${b.batchId}`, '?kind=blank', '']
          : route.path === '/v1/mobile/staff/me/notifications'
            ? [`?storeId=${b.store.id}`, '']
            : route.path.includes('/reports/') ? reportQueries(b) : cardQueries(route.path, b)
      // Handover routes get a valid range too, so only the scope can refuse them.
      const asked = route.path.endsWith('/handover') ? [`?from=${new Date(Date.now() - 86400_000).toISOString()}&to=${new Date(Date.now() + 86400_000).toISOString()}`, ...queries] : queries
      for (const path of foreignPaths(route.path, b, a)) {
        for (const query of asked) {
          for (const caller of callers) {
            const before = await fingerprint()
            const req = caller.auth(request(server)[route.method.toLowerCase() as 'get'](`${path}${query}`))
            const res = route.method === 'GET' || route.method === 'DELETE' ? await req : await req.send(bodyFor(route.method, route.path, b, a))
            const label = `${caller.name} ${route.method} ${path}${query} → ${res.status}`
            const leaked = bSecrets.filter((s) => JSON.stringify(res.body ?? '').includes(s) || (res.text ?? '').includes(s))
            const wrote = (await fingerprint()) !== before
            const refused = [400, 401, 403, 404].includes(res.status)
            // A list may answer 200 — with none of B's rows in it.
            const emptyHanded = res.status === 200 && route.method === 'GET' && leaked.length === 0
            if (wrote || leaked.length > 0 || !(refused || emptyHanded)) crossings.push(`${label}${wrote ? ' (wrote)' : ''}${leaked.length > 0 ? ` (leaked ${leaked.join(',')})` : ''}`)
            checked++
          }
        }
      }
    }
    expect(crossings).toEqual([])
    expect(checked).toBeGreaterThan(150)
    reliabilityCounts.add('security: tenant matrix requests', checked)
    // And the same callers do reach their own tenant (the matrix is not passing by refusing everything).
    await a.owner.get(`/v1/merchants/${a.merchant.id}`).expect(200)
    await a.agent.get(`/v1/merchants/${a.agentMerchant.id}`).expect(200)
    expect((await a.owner.get(`/v1/orders/${a.orderId}/callbacks`).expect(200)).body.data.map((c: { id: string }) => c.id)).toEqual([a.callbackId])
    await request(server).get(`/v1/mobile/entities/merchant/${a.merchant.id}`).set('cookie', a.mobileCookie).expect(200)
    expect((await a.owner.get(`/v1/orders/${a.orderId}/deliveries`).expect(200)).body.data.map((d: { subjectId: string }) => d.subjectId)).toEqual([a.orderId])
    expect((await request(server).get(`/v1/mobile/orders/${a.orderId}/deliveries`).set('cookie', a.mobileCookie).expect(200)).body.data).toHaveLength(1)
    await request(server).get(`/v1/mobile/stores/${a.store.id}/cashier-devices`).set('cookie', a.mobileCookie).expect(200)
    expect((await a.owner.get(`/v1/stores/${a.store.id}/printers`).expect(200)).body.data.map((p: { id: string }) => p.id)).toEqual([a.printer.id])
    expect((await request(server).get(`/v1/mobile/speakers/${a.speaker.id}`).set('cookie', a.mobileCookie).expect(200)).body.sn).toBe(a.speaker.sn)
    await request(server).get(`/v1/mobile/staff/${a.clerk.id}`).set('cookie', a.mobileCookie).expect(200)
    const day = `from=${new Date(Date.now() - 86400_000).toISOString()}&to=${new Date(Date.now() + 86400_000).toISOString()}`
    expect((await a.owner.get(`/v1/stores/${a.store.id}/handover?${day}`).expect(200)).body.data.map((w: { staffId: string }) => w.staffId)).toEqual([a.clerk.id])
  }, 600_000) // thousands of requests: minutes on a loaded 2-core machine
})
