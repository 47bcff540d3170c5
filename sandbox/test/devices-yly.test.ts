import { createHash, randomUUID } from 'node:crypto'
import { startSandbox, type Sandbox } from '../src'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => { await fetch(`${sandbox.urls.devices}/__sim/reset`, { method: 'POST' }) })

interface YlyAnswer { error: string, error_description: string, body?: Record<string, unknown> & Array<Record<string, unknown>> }

/** Common parameters as Yilianyun's docs define them: sign = md5(client_id + timestamp + client_secret). */
async function yly (path: string, params: Record<string, string>, o: { secret?: string, id?: string, clientId?: string } = {}): Promise<YlyAnswer> {
  const { clientId, clientSecret, baseUrl } = sandbox.clients.devices.yly
  const cid = o.clientId ?? clientId
  const timestamp = String(Math.floor(Date.now() / 1000))
  const sign = createHash('md5').update(cid + timestamp + (o.secret ?? clientSecret)).digest('hex')
  const r = await fetch(`${baseUrl}/${path}`, { method: 'POST', body: new URLSearchParams({ client_id: cid, timestamp, sign, id: o.id ?? randomUUID(), ...params }) })
  expect(r.status).toBe(200)
  return await r.json() as YlyAnswer
}

async function control<T> (path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${sandbox.urls.devices}/__sim${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await r.text()
  return (text === '' ? undefined : JSON.parse(text)) as T
}

async function token (): Promise<string> {
  const r = await yly('oauth/oauth', { grant_type: 'client_credentials', scope: 'all' })
  expect(r).toMatchObject({ error: '0', error_description: 'success', body: { access_token: expect.stringMatching(/^[0-9a-f]{32}$/), refresh_token: expect.any(String), machine_code: '', expires_in: 2592000, scope: 'all' } })
  return String(r.body?.access_token)
}

/** A new printer, authorised for the sandbox app (终端授权). */
async function authorised (accessToken: string): Promise<string> {
  const d = await control<{ sn: string, key: string }>('/devices', { vendor: 'yly' })
  expect(await yly('printer/addprinter', { access_token: accessToken, machine_code: d.sn, msign: d.key, print_name: '吧台' })).toEqual({ error: '0', error_description: 'success' })
  return d.sn
}

interface DeviceView { name: string, printed: Array<{ content: string, copies: number }>, waiting: unknown[] }
const device = async (sn: string): Promise<DeviceView> => await control<DeviceView>(`/devices/${sn}`)

describe('易联云 Yilianyun printers', () => {
  it('issues tokens, refreshes them once, and refuses bad signs and ids', async () => {
    const first = await yly('oauth/oauth', { grant_type: 'client_credentials', scope: 'all' })
    const refresh = String(first.body?.refresh_token)
    const renewed = await yly('oauth/oauth', { grant_type: 'refresh_token', scope: 'all', refresh_token: refresh })
    expect(renewed.body?.access_token).not.toBe(first.body?.access_token)
    expect(await yly('oauth/oauth', { grant_type: 'refresh_token', scope: 'all', refresh_token: refresh })).toMatchObject({ error: '18' })
    expect(await yly('oauth/oauth', { grant_type: 'client_credentials' }, { secret: 'wrong' })).toEqual({ error: '11', error_description: 'sign验证失败' })
    expect(await yly('oauth/oauth', { grant_type: 'client_credentials' }, { clientId: '1000000000' })).toMatchObject({ error: '11' })
    expect(await yly('oauth/oauth', { grant_type: 'client_credentials' }, { id: 'not-a-uuid' })).toEqual({ error: '33', error_description: 'Uuid不合法' })
    expect(await yly('oauth/oauth', {})).toEqual({ error: '12', error_description: '缺少必要参数' })
  })

  it('authorises a printer by machine code and key, and refuses a wrong key', async () => {
    const t = await token()
    const sn = await authorised(t)
    expect((await device(sn)).name).toBe('吧台')
    const other = await control<{ sn: string }>('/devices', { vendor: 'yly' })
    expect(await yly('printer/addprinter', { access_token: t, machine_code: other.sn, msign: 'wrong' })).toEqual({ error: '8', error_description: '打印机信息错误,参数有误' })
    expect(await yly('printer/addprinter', { access_token: 'f'.repeat(32), machine_code: other.sn, msign: 'wrong' })).toMatchObject({ error: '18' })
  })

  it('prints with <MN> copies and reports the order printed', async () => {
    const t = await token()
    const sn = await authorised(t)
    const content = '<MN>3</MN><FS2>一号店</FS2>\n支付宝收款 8.00 元'
    const r = await yly('print/index', { access_token: t, machine_code: sn, content, origin_id: 'ord20260101001' })
    expect(r).toEqual({ error: '0', error_description: 'success', body: { id: expect.stringMatching(/^\d{9}$/), origin_id: 'ord20260101001' } })
    expect((await device(sn)).printed).toEqual([{ at: expect.any(String), content, copies: 3, orderId: r.body?.id }])
    const state = await yly('printer/getorderstatus', { access_token: t, machine_code: sn, order_id: String(r.body?.id) })
    expect(state.body).toEqual({ id: r.body?.id, origin_id: 'ord20260101001', status: 1 })
    const list = await yly('printer/getorderpaginglist', { access_token: t, machine_code: sn, page_index: '1', page_size: '10' })
    expect(list.body).toEqual([expect.objectContaining({ id: r.body?.id, origin_id: 'ord20260101001', status: 1, content })])
  })

  it('refuses printing to a printer the app has not authorised, and bad print parameters', async () => {
    const t = await token()
    const stranger = await control<{ sn: string }>('/devices', { vendor: 'yly' })
    expect(await yly('print/index', { access_token: t, machine_code: stranger.sn, content: 'x', origin_id: 'a1' })).toMatchObject({ error: '8' })
    const sn = await authorised(t)
    expect(await yly('print/index', { access_token: t, machine_code: sn, content: 'x' })).toMatchObject({ error: '12' })
    expect(await yly('print/index', { access_token: t, machine_code: sn, content: 'x', origin_id: 'has space' })).toEqual({ error: '13', error_description: '打印失败,参数有误' })
    expect(await yly('print/index', { machine_code: sn, content: 'x', origin_id: 'a1' })).toMatchObject({ error: '12' })
    expect((await device(sn)).printed).toEqual([])
  })

  it('reports 0 离线, 1 在线, 2 缺纸 and holds orders until the printer can print', async () => {
    const t = await token()
    const sn = await authorised(t)
    const state = async (): Promise<unknown> => (await yly('printer/getprintstatus', { access_token: t, machine_code: sn })).body?.state
    expect(await state()).toBe('1')
    await control(`/devices/${sn}/state`, { paper: 'out' })
    expect(await state()).toBe('2')
    const held = await yly('print/index', { access_token: t, machine_code: sn, content: '缺纸时的小票', origin_id: 'held1' })
    await control(`/devices/${sn}/state`, { online: false, paper: 'ok' })
    expect(await state()).toBe('0')
    expect((await yly('printer/getorderstatus', { access_token: t, machine_code: sn, order_id: String(held.body?.id) })).body?.status).toBe(0)
    await control(`/devices/${sn}/state`, { online: true })
    expect((await yly('printer/getorderstatus', { access_token: t, machine_code: sn, order_id: String(held.body?.id) })).body?.status).toBe(1)
  })

  it('cancels waiting orders and loses a job to a PAPER_OUT fault', async () => {
    const t = await token()
    const sn = await authorised(t)
    await control(`/devices/${sn}/state`, { online: false })
    await yly('print/index', { access_token: t, machine_code: sn, content: '取消我', origin_id: 'c1' })
    expect(await yly('printer/cancelall', { access_token: t, machine_code: sn })).toEqual({ error: '0', error_description: 'success' })
    await control(`/devices/${sn}/state`, { online: true })
    expect((await device(sn)).printed).toEqual([])
    await control('/faults', { route: 'devices:yly:print/index', mode: 'PAPER_OUT' })
    const lost = await yly('print/index', { access_token: t, machine_code: sn, content: '丢了', origin_id: 'l1' })
    expect(lost.error).toBe('0')
    expect((await yly('printer/getorderstatus', { access_token: t, machine_code: sn, order_id: String(lost.body?.id) })).body?.status).toBe(0)
    await control('/faults', { route: 'devices:yly:printer/getprintstatus', mode: 'OFFLINE' })
    expect((await yly('printer/getprintstatus', { access_token: t, machine_code: sn })).body?.state).toBe('0')
  })

  it('unauthorises a printer, then refuses it', async () => {
    const t = await token()
    const sn = await authorised(t)
    expect(await yly('printer/deleteprinter', { access_token: t, machine_code: sn })).toEqual({ error: '0', error_description: 'success' })
    expect(await yly('printer/getprintstatus', { access_token: t, machine_code: sn })).toMatchObject({ error: '8' })
  })

  it('answers 500 on a 5xx fault and 404 for unknown paths', async () => {
    await control('/faults', { route: 'devices:yly:oauth/oauth', mode: '5xx' })
    const r = await fetch(`${sandbox.clients.devices.yly.baseUrl}/oauth/oauth`, { method: 'POST', body: new URLSearchParams({}) })
    expect(r.status).toBe(500)
    expect((await fetch(`${sandbox.clients.devices.yly.baseUrl}/printer/nothing`, { method: 'POST' })).status).toBe(404)
  })
})
