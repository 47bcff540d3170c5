// npm run bench -- dispatch: from a payment's success (its notification answered 204) to the clerk's
// WeChat template message arriving at the sandbox's official-account API, and to the cloud printer's
// job arriving at the sandbox's Feie cloud, with the outbox worker running as main.ts runs it
// (default OUTBOX_POLL_MS and OUTBOX_BATCH_SIZE). Payments arrive at random (exponential gaps), so
// they fall anywhere in the worker's poll cycle. Baseline: the same template send and print call
// made directly, one after another: the floor of the path, so the difference is what the outbox adds.
import pino from 'pino'
import { fen, fenToYuanString } from '@yima/shared'
import { systemClock } from '@yima/server/src/clock'
import type { Database } from '@yima/server/src/db/client'
import { AccessTokens } from '@yima/server/src/channels/wechat-mp/access-token'
import { sendTemplateMessage } from '@yima/server/src/channels/wechat-mp/template'
import { createDeviceVendors } from '@yima/server/src/channels/devices'
import { OutboxWorker } from '@yima/server/src/outbox'
import { ALL_SCOPE } from '@yima/server/src/modules/tenancy/scope'
import { ShiftsService } from '@yima/server/src/modules/shifts/shifts.service'
import { Secret } from '@yima/server/src/secret'
import { quantile, type Table } from './table'
import { bare, createOrder, payers, payInSandbox, postJson, replay, scratchDatabase, send, serve, startWorld, type World } from './world'

const PAYMENTS = 100
const MEAN_GAP_MS = 100
const DEADLINE_MS = 60_000

interface Message { openid: string, at: string, data: Record<string, { value: string }> }
interface Printed { at: string, content: string }

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** A clerk of the demo store, activated under the SP's official account and on duty: told of every one-code payment. */
async function clerkOnDuty (world: World, database: Database): Promise<string> {
  const { tenant, services, sandbox } = world
  const oaAppId = sandbox.clients.wxmp.officialAccount.appId
  const person = await services.tenancy.staff.add(world.caller, { kind: 'store', id: tenant.storeId, name: '演示餐厅', spId: tenant.spId, merchantId: tenant.merchantId }, 'clerk', { name: '王小明' })
  const user = JSON.parse((await postJson(`${sandbox.urls.wxmp}/__sim/wxmp/users`, { nickname: '王小明', phone: '13700000000' })).body) as { openids: Record<string, { openid: string }> }
  const openid = user.openids[oaAppId]?.openid
  if (openid === undefined) throw new Error('the sandbox user has no openid under the SP\'s official account')
  // Activated as the activation scan would (the tests do the same).
  await bare(database).query('update staff set wx_app_id = $1, wx_openid = $2, activated_at = now() where id = $3', [oaAppId, openid, person.id])
  const row = await services.tenancy.staff.row(ALL_SCOPE, person.id)
  await new ShiftsService({ db: database.db, clock: systemClock, newId: world.newId }).clockIn(row, { id: tenant.storeId, merchantId: tenant.merchantId })
  return openid
}

/** A Feie printer off the sandbox's line, added to the store: prints every one-code payment. */
async function storePrinter (world: World): Promise<{ sn: string, key: string }> {
  const device = JSON.parse((await postJson(`${world.sandbox.urls.devices}/__sim/devices`, { vendor: 'feie' })).body) as { sn: string, key: string }
  await world.services.printers.add(world.caller, world.tenant.storeId, { brand: 'feie', sn: device.sn, key: device.key })
  return device
}

/** In a database of its own (yima_bench_dispatch), so no job other sections or runs left due queues ahead. */
export async function dispatchBench (url: string | undefined, table: Table): Promise<void> {
  const scratch = await scratchDatabase(url, 'yima_bench_dispatch')
  try {
    await dispatch(scratch.database, table)
  } finally {
    await scratch.drop()
  }
}

async function dispatch (database: Database, table: Table): Promise<void> {
  const world = await startWorld(database)
  const server = await serve(world, database)
  const { config, services, sandbox } = world
  const worker = new OutboxWorker({ db: database.db, clock: systemClock, newId: world.newId, logger: pino({ level: 'silent' }), handlers: services.jobHandlers, batchSize: config.outbox.batchSize, pollMs: config.outbox.pollMs })
  try {
    const openid = await clerkOnDuty(world, database)
    const printer = await storePrinter(world)
    const customers = await payers(world, server.base, 10)
    const amounts = Array.from({ length: PAYMENTS }, (_, i) => 100 + i)
    const created: Array<{ orderId: string, outTradeNo: string }> = []
    for (const [i, amount] of amounts.entries()) created.push((await createOrder(server.base, world, customers[i % customers.length] ?? { cookie: '', ip: '' }, amount)).order)
    const logged = await payInSandbox(world, created.map((o) => o.outTradeNo))

    worker.start()
    // Payments succeed at random moments; t0 = when yima answered the notification (the payment is committed).
    const paidAt = new Map<string, number>()
    const inFlight: Array<Promise<void>> = []
    for (const o of created) {
      await sleep(-Math.log(1 - Math.random()) * MEAN_GAP_MS)
      const a = logged.get(o.orderId)
      if (a === undefined) throw new Error(`no notification logged for ${o.orderId}`)
      inFlight.push(replay(`${server.base}/hooks/wechat_pay/${o.orderId}`, a).then((r) => {
        if (r.status !== 204) throw new Error(`notification: ${r.status} ${r.body}`)
        paidAt.set(o.outTradeNo, Date.now())
      }))
    }
    await Promise.all(inFlight)

    // What arrived: messages to the clerk (matched by amount, unique here) and receipts (by order number).
    const byAmount = new Map(created.map((o, i) => [`${fenToYuanString(fen(amounts[i] ?? 0))}元`, o.outTradeNo]))
    const deadline = Date.now() + DEADLINE_MS
    let messages: Message[] = []
    let printed: Printed[] = []
    for (;;) {
      messages = JSON.parse((await send(`${sandbox.urls.wxmp}/__sim/wxmp/messages?openid=${openid}`)).body) as Message[]
      printed = (JSON.parse((await send(`${sandbox.urls.devices}/__sim/devices/${printer.sn}`)).body) as { printed: Printed[] }).printed
      if (messages.length >= PAYMENTS && printed.length >= PAYMENTS) break
      if (Date.now() > deadline) throw new Error(`after ${DEADLINE_MS / 1000} s: ${messages.length} messages and ${printed.length} receipts of ${PAYMENTS} payments`)
      await sleep(250)
    }
    const lag = (outTradeNo: string | undefined, at: string): number => Date.parse(at) - (paidAt.get(outTradeNo ?? '') ?? Number.NaN)
    const messageMs = messages.map((m) => lag(byAmount.get(m.data.amount1?.value ?? ''), m.at))
    const printMs = printed.map((p) => lag(created.find((o) => p.content.includes(o.outTradeNo))?.outTradeNo, p.at))
    if ([...messageMs, ...printMs].some((x) => !Number.isFinite(x))) throw new Error('a message or receipt matches no payment')

    const floor = await directCalls(world, openid, printer.sn)
    const name = `(outbox woken by NOTIFY, poll ${config.outbox.pollMs} ms as fallback, ${config.outbox.batchSize} slots; baseline: the call made directly)`
    table.add(`payment → clerk template message ${name}: p50`, quantile(messageMs, 0.5), quantile(floor.template, 0.5), 'ms')
    table.add('payment → clerk template message: p99', quantile(messageMs, 0.99), quantile(floor.template, 0.99), 'ms')
    table.add('payment → cloud printer job (Feie) received: p50', quantile(printMs, 0.5), quantile(floor.print, 0.5), 'ms')
    table.add('payment → cloud printer job (Feie) received: p99', quantile(printMs, 0.99), quantile(floor.print, 0.99), 'ms')
  } finally {
    await worker.stop()
    await server.close()
    await sandbox.stop()
  }
}

/** The floor: the template send (token cached, as the job has it) and the Feie print call, PAYMENTS times each. */
async function directCalls (world: World, openid: string, sn: string): Promise<{ template: number[], print: number[] }> {
  const { config, sandbox } = world
  const hosts = config.channels.wechat
  const tokens = new AccessTokens({ hosts, clock: systemClock })
  const oa = sandbox.clients.wxmp.officialAccount
  const source = { kind: 'secret' as const, appId: oa.appId, secret: new Secret(oa.appSecret) }
  const templateId = config.paymentTemplates?.fallback ?? Object.values(config.paymentTemplates?.byAppId ?? {})[0] ?? ''
  await tokens.token(source)
  const feie = createDeviceVendors(config.devices).printers.feie
  if (feie === undefined) throw new Error('no Feie account configured')
  const template: number[] = []
  const print: number[] = []
  for (let i = 0; i < PAYMENTS; i++) {
    let t = performance.now()
    await tokens.call(source, async (token) => await sendTemplateMessage(hosts.api, token, {
      touser: openid,
      template_id: templateId,
      client_msg_id: `bench${i}`,
      data: { amount1: { value: '1.00元' }, thing2: { value: '演示餐厅' }, phrase3: { value: '微信支付' }, time4: { value: '2025年1月1日 12:00' }, character_string5: { value: '0001' } },
    }))
    template.push(performance.now() - t)
    t = performance.now()
    const r = await feie.print({ sn, doc: { title: '收款小票', lines: ['商户：演示餐厅', '订单金额：1.00元'] }, copies: 1, requestId: `bench${i}` })
    if (r.kind !== 'ok') throw new Error(`direct print: ${JSON.stringify(r)}`)
    print.push(performance.now() - t)
  }
  return { template, print }
}
