import { randomInt } from 'node:crypto'
import { startSandbox, type Sandbox } from '../src'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => { await fetch(`${sandbox.urls.devices}/__sim/reset`, { method: 'POST' }) })

interface BrhkAnswer { errcode: number, errmsg: string, detail: unknown }
interface Announcement { at: string, text: string, volume: number }
interface DeviceView { volume: number, boundTo: string | null, spoken: Announcement[], missed: Announcement[] }

/** As the vendor guide shows: plain parameters, the agency token and the model's version; GET or POST. */
async function brhk (api: string, params: Record<string, string>, method: 'GET' | 'POST' = 'POST'): Promise<BrhkAnswer> {
  const { token, baseUrl } = sandbox.clients.devices.brhk
  const all = new URLSearchParams({ token, version: '9', ...params })
  const r = method === 'GET' ? await fetch(`${baseUrl}/${api}?${all.toString()}`) : await fetch(`${baseUrl}/${api}`, { method: 'POST', body: all })
  expect(r.status).toBe(200)
  return await r.json() as BrhkAnswer
}

async function control<T> (path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${sandbox.urls.devices}/__sim${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await r.text()
  return (text === '' ? undefined : JSON.parse(text)) as T
}

const speaker = async (extra: Record<string, string> = {}): Promise<string> => (await control<{ sn: string }>('/devices', { vendor: 'brhk', ...extra })).sn
const device = async (sn: string): Promise<DeviceView> => await control<DeviceView>(`/devices/${sn}`)
const SUCCESS = { errcode: 0, errmsg: 'success', detail: null }

describe('博瑞皓科 BRHK cloud speakers', () => {
  it('binds, refuses double binds and unbinds', async () => {
    const id = await speaker()
    expect(await brhk('bind.php', { id, m: '1', uid: 'store-1' })).toEqual(SUCCESS)
    expect(await brhk('bind.php', { id, m: '1', uid: 'store-1' })).toMatchObject({ errcode: 4, errmsg: 'SPEAKERID 已经被同一用户 ID 绑定' })
    expect(await brhk('bind.php', { id, m: '1', uid: 'store-2' })).toMatchObject({ errcode: 3 })
    expect(await brhk('bind.php', { id, m: '0', uid: 'store-2' })).toMatchObject({ errcode: 3 })
    expect(await brhk('bind.php', { id, m: '0', uid: 'store-1' }, 'GET')).toEqual(SUCCESS)
    expect(await brhk('bind.php', { id, m: '0', uid: 'store-1' })).toMatchObject({ errcode: 5, errmsg: 'SPEAKERID 未被任何用户 ID 绑定' })
    await brhk('bind.php', { id, m: '1', uid: 'store-3' })
    expect(await brhk('bind.php', { id, m: '4' })).toEqual(SUCCESS)
    expect((await device(id)).boundTo).toBeNull()
  })

  it('announces a payment as prompt + amount at the requested volume', async () => {
    const id = await speaker()
    expect(await brhk('add.php', { id, price: '1250', pt: '2' })).toMatchObject({ errcode: 5 })
    await brhk('bind.php', { id, m: '1', uid: 'store-1' })
    expect(await brhk('add.php', { id, price: '1250', pt: '2', vol: '80', trace_no: 'pay_1' })).toEqual(SUCCESS)
    expect(await brhk('add.php', { id, price: '5', pt: '1' }, 'GET')).toEqual(SUCCESS)
    const d = await device(id)
    expect(d.spoken.map((s) => [s.text, s.volume])).toEqual([['微信收款12.50元', 80], ['支付宝收款0.05元', 80]])
    expect(d.volume).toBe(80)
    expect(await brhk('add.php', { id, price: '0' })).toMatchObject({ errcode: 1 })
    expect(await brhk('add.php', { id, price: '100', vol: '101' })).toMatchObject({ errcode: 1 })
  })

  it('uses the 210-series prompts for other interface versions', async () => {
    const id = await speaker({ version: '1' })
    const { token, baseUrl } = sandbox.clients.devices.brhk
    const call = async (params: Record<string, string>): Promise<BrhkAnswer> =>
      await (await fetch(`${baseUrl}/add.php`, { method: 'POST', body: new URLSearchParams({ token, version: '1', id, ...params }) })).json() as BrhkAnswer
    await fetch(`${baseUrl}/bind.php`, { method: 'POST', body: new URLSearchParams({ token, version: '1', id, m: '1', uid: 'u' }) })
    expect(await call({ price: '1250', pt: '2' })).toEqual(SUCCESS)
    expect((await device(id)).spoken[0]?.text).toBe('微信支付12.50元')
  })

  it('reads free text through notify.php without a binding', async () => {
    const id = await speaker()
    expect(await brhk('notify.php', { id, message: '微信收款12.50元', vol: '40' })).toEqual(SUCCESS)
    expect((await device(id)).spoken).toEqual([{ at: expect.any(String), text: '微信收款12.50元', volume: 40 }])
    expect(await brhk('notify.php', { id, message: '长'.repeat(43) })).toMatchObject({ errcode: 1 })
    expect(await brhk('notify.php', { id })).toMatchObject({ errcode: 1 })
  })

  it('refuses missing ids, bad tokens, unknown speakers, foreign speakers and wrong versions', async () => {
    const id = await speaker()
    const foreign = await speaker({ agencyToken: '1234abcdefgh' })
    const { baseUrl } = sandbox.clients.devices.brhk
    expect(await brhk('notify.php', { message: 'x' })).toMatchObject({ errcode: 6, errmsg: '未提供 SPEAKERID' })
    const badToken = await (await fetch(`${baseUrl}/notify.php`, { method: 'POST', body: new URLSearchParams({ id, token: 'nope', version: '9', message: 'x' }) })).json() as BrhkAnswer
    expect(badToken).toMatchObject({ errcode: 9, errmsg: '无效的 token' })
    expect(await brhk('notify.php', { id: `9${randomInt(1e6, 9e6)}`, message: 'x' })).toMatchObject({ errcode: 2, errmsg: 'SPEAKERID 不存在' })
    expect(await brhk('notify.php', { id: foreign, message: 'x' })).toMatchObject({ errcode: 8, errmsg: '此 token 无此 SPEAKERID 权限' })
    expect(await brhk('notify.php', { id, message: 'x', version: '3' })).toMatchObject({ errcode: 8 })
    expect((await device(id)).spoken).toEqual([])
  })

  it('drops a repeated seq with the same content for 200 s (errcode 17)', async () => {
    const id = await speaker()
    expect(await brhk('notify.php', { id, message: '收款1元', seq: '7' })).toEqual(SUCCESS)
    expect(await brhk('notify.php', { id, message: '收款1元', seq: '7' })).toMatchObject({ errcode: 17, errmsg: '重复的请求' })
    expect(await brhk('notify.php', { id, message: '收款2元', seq: '7' })).toEqual(SUCCESS)
    await control('/clock/advance', { seconds: 201 })
    expect(await brhk('notify.php', { id, message: '收款2元', seq: '7' })).toEqual(SUCCESS)
    expect((await device(id)).spoken.map((s) => s.text)).toEqual(['收款1元', '收款2元', '收款2元'])
  })

  it('accepts pushes for an offline speaker but nobody hears them; an OFFLINE fault does the same once', async () => {
    const id = await speaker()
    await control(`/devices/${id}/state`, { online: false })
    expect(await brhk('notify.php', { id, message: '没人听见' })).toEqual(SUCCESS)
    await control(`/devices/${id}/state`, { online: true })
    await control('/faults', { route: 'devices:brhk:notify.php', mode: 'OFFLINE' })
    expect(await brhk('notify.php', { id, message: '也没人听见' })).toEqual(SUCCESS)
    expect(await brhk('notify.php', { id, message: '听见了' })).toEqual(SUCCESS)
    const d = await device(id)
    expect(d.missed.map((m) => m.text)).toEqual(['没人听见', '也没人听见'])
    expect(d.spoken.map((m) => m.text)).toEqual(['听见了'])
  })

  it('answers 500 on a 5xx fault and hangs on a TIMEOUT fault', async () => {
    const id = await speaker()
    await control('/faults', { route: 'devices:brhk:notify.php', mode: '5xx' })
    const { baseUrl, token } = sandbox.clients.devices.brhk
    expect((await fetch(`${baseUrl}/notify.php?id=${id}&token=${token}&version=9&message=x`)).status).toBe(500)
    await control('/faults', { route: 'devices:brhk:notify.php', mode: 'TIMEOUT' })
    await expect(fetch(`${baseUrl}/notify.php?id=${id}&token=${token}&version=9&message=x`, { signal: AbortSignal.timeout(300) })).rejects.toThrow()
    expect((await device(id)).spoken).toEqual([])
  })
})
