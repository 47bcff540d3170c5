import { eq } from 'drizzle-orm'
import { fen } from '@yima/shared'
import { DEPOSIT_SYNC_TOPIC, MICRO_FREEZE_DEADLINE_MS } from '../../../src/modules/deposits/deposit.service'
import { deposits, depositUnfreezes, type DepositRow } from '../../../src/modules/deposits/deposits.schema'
import { orders } from '../../../src/modules/payments/payment.schema'
import { merchants, stores } from '../../../src/modules/tenancy'
import { useTestDatabase } from '../../helpers/database'
import { useChannels, startLiveApp } from '../../helpers/channels'
import { runDueJobs } from '../../helpers/outbox'
import { ALIPAY_CODE, WECHAT_CODE } from '../../helpers/payments'
import { cpayWorld, type CpayWorld } from '../../factories/cloudpay'

/*
 * The deposit engine (P8) under what goes wrong: cashiers racing for the same rest, answers that
 * never arrive, customers who never confirm. Money is reserved under the deposit's lock, every
 * unsettled step has its outbox job, and what the channel confirms is all that is applied.
 */

const database = useTestDatabase()
const channels = useChannels()
let live: Awaited<ReturnType<typeof startLiveApp>>
beforeAll(async () => { live = await startLiveApp(database.get(), channels.get()) })
beforeEach(async () => {
  live.clock.set(new Date())
  await live.pushTicket()
  live.services.deposits.inlineWait = { totalMs: 0, everyMs: 500 }
})
afterAll(async () => { await live.stop() })

const db = () => database.get().db
const c = () => channels.get()
const jobs = async (): Promise<number> => await runDueJobs({ database: database.get(), clock: live.clock, handlers: live.services.jobHandlers, topics: [DEPOSIT_SYNC_TOPIC] })
const reload = async (d: DepositRow): Promise<DepositRow> => (await db().select().from(deposits).where(eq(deposits.id, d.id)))[0] as DepositRow

async function opened (alipay: boolean): Promise<{ w: CpayWorld, freeze: (fee: number) => Promise<DepositRow> }> {
  const w = await cpayWorld(live, database.get(), c(), { alipay })
  await db().update(merchants).set({ depositEnabled: true }).where(eq(merchants.id, w.merchant.id))
  const [merchant] = await db().select().from(merchants).where(eq(merchants.id, w.merchant.id))
  const [store] = await db().select().from(stores).where(eq(stores.id, w.store.id))
  if (merchant === undefined || store === undefined) throw new Error('no merchant')
  return {
    w,
    freeze: async (fee) => await live.services.deposits.freeze({
      merchant, store, platform: alipay ? 'alipay' : 'wechat_pay', kind: 'micro', outFreezeNo: w.orderNo('F'), amountFen: fen(fee), description: '押金', authCode: alipay ? ALIPAY_CODE : WECHAT_CODE,
    }),
  }
}

it('lets racing cashiers consume no more than the rest: five consumptions of 30 from 100, three succeed', async () => {
  const { w, freeze } = await opened(true)
  const deposit = await freeze(10_000)
  expect(deposit.status).toBe('frozen')
  const tries = await Promise.allSettled([1, 2, 3, 4, 5].map(async () => await live.services.deposits.consume({ deposit, outTradeNo: w.orderNo('C'), amountFen: fen(3_000), complete: false, description: '租金' })))
  const paid = tries.filter((t) => t.status === 'fulfilled' && t.value.status === 'succeeded')
  expect(paid).toHaveLength(3)
  expect(tries.filter((t) => t.status === 'rejected').map((t) => (t as PromiseRejectedResult).reason.code)).toEqual(['deposit_insufficient', 'deposit_insufficient'])
  expect(await reload(deposit)).toMatchObject({ status: 'frozen', consumedFen: 9_000, unfrozenFen: 0 })
  // Alipay agrees: 90.00 paid out of the authorisation, 10.00 still frozen.
  const sim = await c().sim<Array<Record<string, unknown>>>('alipay', 'GET', `/__sim/alipay/fund-auth?out_order_no=${deposit.outFreezeNo}`)
  expect(sim.body).toEqual([expect.objectContaining({ total_pay_amount: '90.00', rest_amount: '10.00' })])
})

it('finds a consumption whose answer was lost and never consumes twice', async () => {
  const { w, freeze } = await opened(true)
  const deposit = await freeze(5_000)
  await c().sim('alipay', 'POST', '/__sim/faults', { route: 'alipay:alipay.trade.pay', mode: 'TIMEOUT', count: 1 })
  const order = await live.services.deposits.consume({ deposit, outTradeNo: w.orderNo('C'), amountFen: fen(2_000), complete: true, description: '租金' })
  expect(order.status).toBe('pending')
  expect(await reload(deposit)).toMatchObject({ consumedFen: 2_000, completingOrderId: order.id })
  // Nothing else may start while a completing consumption is unsettled.
  await expect(live.services.deposits.unfreeze({ deposit, outUnfreezeNo: w.orderNo('U'), amountFen: fen(100), operator: { kind: 'integrator', id: 'x' } })).rejects.toMatchObject({ code: 'deposit_completing' })

  live.clock.advance(6_000)
  await jobs()
  const [settled] = await db().select().from(orders).where(eq(orders.id, order.id))
  expect(settled).toMatchObject({ status: 'succeeded', amountFen: 2_000 })
  expect(await reload(deposit)).toMatchObject({ status: 'finished', consumedFen: 2_000, unfrozenFen: 3_000, completingOrderId: null })
})

it('cancels a WeChat freeze the customer never confirmed, at the deadline, once WeChat confirms', async () => {
  const { freeze } = await opened(false)
  await c().sim('wxpay', 'POST', '/__sim/wxpay/deposit/next', { result: 'USERPAYING_TIMEOUT' })
  const deposit = await freeze(8_000)
  expect(deposit.status).toBe('pending')
  live.clock.advance(6_000)
  await jobs()
  expect((await reload(deposit)).status).toBe('pending')

  live.clock.advance(MICRO_FREEZE_DEADLINE_MS)
  await jobs()
  expect(await reload(deposit)).toMatchObject({ status: 'cancelled', failureCode: 'CANCELLED' })
  const listed = (await c().sim<Array<{ out_trade_no: string, trade_state: string }>>('wxpay', 'GET', '/__sim/wxpay/deposits')).body
  expect(listed.find((d) => d.out_trade_no === deposit.outFreezeNo)?.trade_state).toBe('REVOKED')
})

it('takes a WeChat freeze whose answer said SYSTEMERROR once the query shows it, and completes an unfreeze whose answer could not be verified', async () => {
  const { w, freeze } = await opened(false)
  await c().sim('wxpay', 'POST', '/__sim/wxpay/deposit/next', { result: 'SYSTEMERROR' })
  const deposit = await freeze(6_000)
  expect(deposit.status).toBe('pending')
  live.clock.advance(6_000)
  await jobs()
  const frozen = await reload(deposit)
  expect(frozen).toMatchObject({ status: 'frozen', channelFreezeId: expect.stringMatching(/\d+/) })

  await c().sim('wxpay', 'POST', '/__sim/faults', { route: 'wxpay:POST /deposit/reverse', mode: 'SIGN_BAD', count: 1 })
  const row = await live.services.deposits.unfreeze({ deposit: frozen, outUnfreezeNo: w.orderNo('U'), amountFen: fen(6_000), operator: { kind: 'integrator', id: 'x' } })
  expect(row.status).toBe('processing')
  expect(await reload(deposit)).toMatchObject({ status: 'frozen', unfrozenFen: 6_000 })
  live.clock.advance(6_000)
  await jobs()
  const [done] = await db().select().from(depositUnfreezes).where(eq(depositUnfreezes.id, row.id))
  expect(done?.status).toBe('succeeded')
  expect(await reload(deposit)).toMatchObject({ status: 'finished', unfrozenFen: 6_000, consumedFen: 0 })
})
