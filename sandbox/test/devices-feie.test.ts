import { createHash } from 'node:crypto'
import { startSandbox, type Sandbox } from '../src'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => { await fetch(`${sandbox.urls.devices}/__sim/reset`, { method: 'POST' }) })

interface FeieAnswer { msg: string, ret: number, data: unknown, serverExecutedTime: number }
interface DeviceView { sn: string, name: string, online: boolean, paper: string, printed: Array<{ content: string, copies: number, orderId: string }>, waiting: Array<{ orderId: string }> }

/** Signed the way Feie's SDK samples do it: sig = sha1(user + UKEY + stime). */
async function feie (apiname: string, params: Record<string, string>, o: { user?: string, ukey?: string, stime?: string, signal?: AbortSignal } = {}): Promise<FeieAnswer> {
  const { user, ukey, url } = sandbox.clients.devices.feie
  const stime = o.stime ?? String(Math.floor(Date.now() / 1000))
  const u = o.user ?? user
  const sig = createHash('sha1').update(u + (o.ukey ?? ukey) + stime).digest('hex')
  const r = await fetch(url, { method: 'POST', body: new URLSearchParams({ user: u, stime, sig, apiname, ...params }), signal: o.signal })
  expect(r.status).toBe(200)
  return await r.json() as FeieAnswer
}

async function control<T> (path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${sandbox.urls.devices}/__sim${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await r.text()
  return (text === '' ? undefined : JSON.parse(text)) as T
}

/** A new printer at Feie, added to the sandbox account. */
async function addedPrinter (): Promise<{ sn: string, key: string }> {
  const d = await control<{ sn: string, key: string }>('/devices', { vendor: 'feie' })
  const added = await feie('Open_printerAddlist', { printerContent: `${d.sn}#${d.key}#收银台` })
  expect(added.data).toEqual({ ok: [`${d.sn}#${d.key}#收银台`], no: [] })
  return d
}

const device = async (sn: string): Promise<DeviceView> => await control<DeviceView>(`/devices/${sn}`)

describe('飞鹅云 Feie printers', () => {
  it('adds printers in bulk and says why a line was refused', async () => {
    const a = await control<{ sn: string, key: string }>('/devices', { vendor: 'feie' })
    const b = await control<{ sn: string, key: string }>('/devices', { vendor: 'feie' })
    const r = await feie('Open_printerAddlist', { printerContent: `${a.sn}#${a.key}#前台\n${b.sn}#wrongkey#后厨\n123456789#abcdefgh` })
    expect(r).toEqual({ msg: 'ok', ret: 0, data: { ok: [`${a.sn}#${a.key}#前台`], no: [`${b.sn}#wrongkey#后厨  （错误：识别码不正确）`, '123456789#abcdefgh  （错误：打印机编号错误）'] }, serverExecutedTime: expect.any(Number) })
    const again = await feie('Open_printerAddlist', { printerContent: `${a.sn}#${a.key}` })
    expect(again.data).toEqual({ ok: [], no: [`${a.sn}#${a.key}  （错误：已被添加过）`] })
    expect((await device(a.sn)).name).toBe('前台')
  })

  it('prints a receipt with its copies and reports the order printed', async () => {
    const { sn } = await addedPrinter()
    const content = '<CB>一号店</CB><BR>微信收款 12.50 元<BR>'
    const r = await feie('Open_printMsg', { sn, content, times: '2' })
    expect(r.ret).toBe(0)
    expect(r.data).toMatch(new RegExp(`^${sn}_\\d{14}_\\d{10}$`))
    const d = await device(sn)
    expect(d.printed).toEqual([{ at: expect.any(String), content, copies: 2, orderId: r.data }])
    expect(await feie('Open_queryOrderState', { orderid: String(r.data) })).toMatchObject({ ret: 0, data: true })
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    expect((await feie('Open_queryOrderInfoByDate', { sn, date: today })).data).toEqual({ print: 1, waiting: 0 })
    expect(await feie('Open_queryOrderInfoByDate', { sn, date: '2024/01/01' })).toMatchObject({ ret: 1001, msg: '参数错误 : 时间格式不正确。' })
  })

  it('refuses bad signatures, unknown users, empty parameters and unknown api names', async () => {
    const { sn } = await addedPrinter()
    expect(await feie('Open_printMsg', { sn, content: 'x' }, { ukey: 'notTheUkey' })).toMatchObject({ ret: -3, msg: '验证失败 : 签名错误.', data: null })
    expect(await feie('Open_printMsg', { sn, content: 'x' }, { user: 'someone@else' })).toMatchObject({ ret: -2, msg: '参数错误 : 该帐号未注册.' })
    expect(await feie('Open_printMsg', { sn, content: 'x' }, { stime: 'null' })).toMatchObject({ ret: -2 })
    expect(await feie('Open_printMsg', { sn, content: '' })).toMatchObject({ ret: -2 })
    expect(await feie('Open_noSuchApi', { sn })).toMatchObject({ ret: -2 })
    expect((await device(sn)).printed).toEqual([])
  })

  it('answers 1002 for a printer the account has not added', async () => {
    const stranger = await control<{ sn: string }>('/devices', { vendor: 'feie' })
    expect(await feie('Open_printMsg', { sn: stranger.sn, content: 'x' })).toMatchObject({ ret: 1002, msg: '验证失败 : 打印机编号和用户不匹配.' })
    expect(await feie('Open_queryPrinterStatus', { sn: stranger.sn })).toMatchObject({ ret: 1002 })
  })

  it('holds orders while the printer is offline or out of paper and prints them when it recovers', async () => {
    const { sn } = await addedPrinter()
    const status = async (): Promise<unknown> => (await feie('Open_queryPrinterStatus', { sn })).data
    expect(await status()).toBe('在线，工作状态正常')
    await control(`/devices/${sn}/state`, { online: false })
    expect(await status()).toBe('离线')
    const held = await feie('Open_printMsg', { sn, content: '离线时的小票' })
    expect(held.ret).toBe(0)
    expect((await feie('Open_queryOrderState', { orderid: String(held.data) })).data).toBe(false)
    await control(`/devices/${sn}/state`, { online: true, paper: 'out' })
    expect(await status()).toBe('在线，工作状态不正常')
    expect((await device(sn)).waiting.map((w) => w.orderId)).toEqual([held.data])
    await control(`/devices/${sn}/state`, { paper: 'ok' })
    expect((await feie('Open_queryOrderState', { orderid: String(held.data) })).data).toBe(true)
    expect((await device(sn)).printed.map((p) => p.content)).toEqual(['离线时的小票'])
  })

  it('loses a job to an OFFLINE fault and reports status faults once', async () => {
    const { sn } = await addedPrinter()
    await control('/faults', { route: 'devices:feie:Open_printMsg', mode: 'OFFLINE' })
    const lost = await feie('Open_printMsg', { sn, content: '丢失的小票' })
    expect(lost.ret).toBe(0)
    await control(`/devices/${sn}/state`, { online: true })
    expect((await feie('Open_queryOrderState', { orderid: String(lost.data) })).data).toBe(false)
    expect((await device(sn)).printed).toEqual([])
    await control('/faults', { route: 'devices:feie:Open_queryPrinterStatus', mode: 'PAPER_OUT' })
    expect((await feie('Open_queryPrinterStatus', { sn })).data).toBe('在线，工作状态不正常')
    expect((await feie('Open_queryPrinterStatus', { sn })).data).toBe('在线，工作状态正常')
  })

  it('answers 500 on a 5xx fault and nothing on a TIMEOUT fault', async () => {
    const { sn } = await addedPrinter()
    const { url, user } = sandbox.clients.devices.feie
    await control('/faults', { route: 'devices:feie:Open_printMsg', mode: '5xx' })
    const r = await fetch(url, { method: 'POST', body: new URLSearchParams({ user, stime: '1', sig: 'x', apiname: 'Open_printMsg', sn, content: 'x' }) })
    expect(r.status).toBe(500)
    await control('/faults', { route: 'devices:*', mode: 'TIMEOUT' })
    await expect(feie('Open_printMsg', { sn, content: 'x' }, { signal: AbortSignal.timeout(300) })).rejects.toThrow()
    expect((await device(sn)).printed).toEqual([])
  })

  it('clears the queue and deletes printers', async () => {
    const { sn } = await addedPrinter()
    await control(`/devices/${sn}/state`, { online: false })
    const held = await feie('Open_printMsg', { sn, content: '待打印' })
    expect(await feie('Open_delPrinterSqs', { sn })).toMatchObject({ ret: 0, data: true })
    await control(`/devices/${sn}/state`, { online: true })
    expect((await feie('Open_queryOrderState', { orderid: String(held.data) })).data).toBe(false)
    const del = await feie('Open_printerDelList', { snlist: `${sn}-000000001` })
    expect(del.data).toEqual({ ok: [`${sn}成功`], no: ['000000001打印机不存在'] })
    expect(await feie('Open_printMsg', { sn, content: 'x' })).toMatchObject({ ret: 1002 })
  })
})
