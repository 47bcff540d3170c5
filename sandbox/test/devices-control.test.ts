import { createHash } from 'node:crypto'
import { startSandbox, type Sandbox } from '../src'

let sandbox: Sandbox
beforeAll(async () => { sandbox = await startSandbox() })
afterAll(async () => { await sandbox.stop() })
beforeEach(async () => { await fetch(`${sandbox.urls.devices}/__sim/reset`, { method: 'POST' }) })

const post = async (path: string, body: unknown): Promise<Response> =>
  await fetch(`${sandbox.urls.devices}/__sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

interface DeviceView { vendor: string, sn: string, name: string, online: boolean, paper: string, boundTo: string | null, printed: unknown[], spoken: unknown[] }
const devices = async (query = ''): Promise<DeviceView[]> => await (await fetch(`${sandbox.urls.devices}/__sim/devices${query}`)).json() as DeviceView[]

describe('devices control API', () => {
  it('starts with two devices per vendor, listed in clientConfig with their keys', async () => {
    const { devices: factory, feie, yly, brhk } = sandbox.clients.devices
    expect(factory.map((d) => d.vendor)).toEqual(['feie', 'feie', 'yly', 'yly', 'brhk', 'brhk'])
    expect(factory.every((d) => d.vendor === 'brhk' || d.key.length > 0)).toBe(true)
    const listed = await devices()
    for (const d of factory) {
      expect(listed).toContainEqual(expect.objectContaining({ vendor: d.vendor, sn: d.sn, name: d.name, online: true, paper: 'ok', boundTo: null, printed: [], spoken: [] }))
    }
    expect((await devices('?vendor=yly')).map((d) => d.vendor)).toEqual(['yly', 'yly'])
    expect(feie.url).toBe(`${sandbox.urls.devices}/feie/Api/Open/`)
    expect(yly.baseUrl).toBe(`${sandbox.urls.devices}/yly`)
    expect(brhk.baseUrl).toBe(`${sandbox.urls.devices}/brhk`)
    expect(brhk.token).toMatch(/^[1-9]\d{3}[0-9A-Za-z]{8}$/)
  })

  it('makes devices with vendor-shaped serials, or the given ones, and refuses duplicates and bad input', async () => {
    const made = await post('/devices', { vendor: 'feie', name: '测试机' })
    expect(made.status).toBe(201)
    const d = await made.json() as { sn: string, key: string, name: string }
    expect(d.sn).toMatch(/^9\d{8}$/)
    expect(d.key).toMatch(/^[0-9a-z]{8}$/)
    expect((await post('/devices', { vendor: 'feie', sn: d.sn })).status).toBe(409)
    expect((await post('/devices', { vendor: 'epson' })).status).toBe(400)
    const given = await (await post('/devices', { vendor: 'yly', sn: 'YLY0001', key: 'secretkey' })).json() as { sn: string, key: string }
    expect(given).toMatchObject({ sn: 'YLY0001', key: 'secretkey' })
  })

  it('switches power and paper, and refuses paper for speakers and unknown devices', async () => {
    const [printer, speaker] = [sandbox.clients.devices.devices[0], sandbox.clients.devices.devices[4]]
    const off = await post(`/devices/${printer?.sn ?? ''}/state`, { online: false, paper: 'out' })
    expect(await off.json()).toMatchObject({ online: false, paper: 'out' })
    expect((await post(`/devices/${speaker?.sn ?? ''}/state`, { paper: 'out' })).status).toBe(400)
    expect((await post(`/devices/${speaker?.sn ?? ''}/state`, { online: 'no' })).status).toBe(400)
    expect((await post('/devices/000/state', { online: true })).status).toBe(404)
    expect((await fetch(`${sandbox.urls.devices}/__sim/devices/000`)).status).toBe(404)
  })

  it('forgets test devices, bindings and output on reset, keeping the built-in devices', async () => {
    const made = await (await post('/devices', { vendor: 'brhk' })).json() as { sn: string }
    const printer = sandbox.clients.devices.devices[0]
    const { user, ukey, url } = sandbox.clients.devices.feie
    const stime = '1700000000'
    const sig = createHash('sha1').update(user + ukey + stime).digest('hex')
    await fetch(url, { method: 'POST', body: new URLSearchParams({ user, stime, sig, apiname: 'Open_printerAddlist', printerContent: `${printer?.sn ?? ''}#${printer?.key ?? ''}` }) })
    await fetch(url, { method: 'POST', body: new URLSearchParams({ user, stime, sig, apiname: 'Open_printMsg', sn: printer?.sn ?? '', content: '小票' }) })
    await post(`/devices/${printer?.sn ?? ''}/state`, { online: false })
    const before = (await devices()).find((d) => d.sn === printer?.sn)
    expect(before).toMatchObject({ boundTo: user, online: false, printed: [expect.objectContaining({ content: '小票' })] })
    await fetch(`${sandbox.urls.wxpay}/__sim/reset`, { method: 'POST' })
    const after = await devices()
    expect(after.find((d) => d.sn === made.sn)).toBeUndefined()
    expect(after.find((d) => d.sn === printer?.sn)).toMatchObject({ boundTo: null, online: true, paper: 'ok', printed: [] })
  })
})
