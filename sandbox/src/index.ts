import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import { bodyParser } from '@koa/bodyparser'
import { controlRoutes } from './core/control'
import { SimWorld, type HostName, type SimChannel } from './core/world'
import { createWxpay, type WxpayClientConfig } from './wxpay'
import { createAlipay, type AlipayClientConfig } from './alipay'
import { createWxmp, type WxmpClientConfig } from './wxmp'
import { createSms, type SmsClientConfig } from './sms'
import { createDevices, type DevicesClientConfig } from './devices'
import { webRoutes } from './web'

export { SimWorld, type HostName, type SimChannel } from './core/world'
export { WECHAT_RETRY_MS, ALIPAY_RETRY_MS, type NotificationAttempt } from './core/notifier'
export { FAULT_MODES, type FaultMode } from './core/faults'

export interface SandboxOptions {
  host?: string
  /** Port per host family; 0 (the default) lets the OS choose. */
  ports?: Partial<Record<HostName, number>>
}

export interface Sandbox {
  world: SimWorld
  urls: Record<HostName, string>
  /** Everything a yima configuration needs to use the sandbox instead of the real hosts. */
  clients: {
    wxpay: WxpayClientConfig
    alipay: AlipayClientConfig
    wxmp: WxmpClientConfig
    sms: SmsClientConfig
    devices: DevicesClientConfig
  }
  stop (): Promise<void>
}

/**
 * Starts every simulator, each host family on its own port, in this process. Used by jest
 * (`globalSetup`), by `npm run sandbox`, and by `npm start` for the demo.
 */
export async function startSandbox (o: SandboxOptions = {}): Promise<Sandbox> {
  const world = new SimWorld()
  const wxpay = createWxpay(world)
  const alipay = createAlipay(world)
  // One WeChat: the SP's official account is the sp_appid WeChat Pay knows (JSAPI payments need both).
  const wxmp = createWxmp(world, { officialAccountAppId: wxpay.clientConfig().spAppId })
  const sms = createSms(world)
  const devices = createDevices(world)
  const channels: SimChannel[] = [wxpay, alipay, wxmp, sms, devices]
  const servers: Server[] = []

  for (const channel of channels) {
    const app = new Koa()
    app.use(async (ctx, next) => {
      try {
        await next()
      } catch (err) {
        const e = err as { status?: number, expose?: boolean, message?: string }
        ctx.status = e.status ?? 500
        ctx.body = { error: e.expose === true ? e.message : 'sandbox error' }
        if (ctx.status >= 500) process.stderr.write(`sandbox ${channel.name}: ${String((err as Error).stack ?? err)}\n`)
      }
    })
    // Browser pages (cashier, bridges, home) call the control API from other origins.
    app.use(async (ctx, next) => {
      if (ctx.path.startsWith('/__sim')) {
        ctx.set('Access-Control-Allow-Origin', '*')
        ctx.set('Access-Control-Allow-Headers', 'content-type')
        if (ctx.method === 'OPTIONS') { ctx.status = 204; return }
      }
      await next()
    })
    // Signatures are over exact bytes: every parser keeps ctx.request.rawBody.
    app.use(bodyParser({ enableTypes: ['json', 'form', 'text', 'xml'], encoding: 'utf-8' }))
    app.use(controlRoutes(world, channels).routes())
    // The browser-facing host (open.weixin.qq.com's stand-in) also serves the sandbox home page.
    if (channel.name === 'wxmp') app.use(webRoutes(world).routes())
    app.use(channel.routes().routes())
    const server = createServer(app.callback())
    await new Promise<void>((resolve) => server.listen(o.ports?.[channel.name] ?? 0, o.host ?? '127.0.0.1', resolve))
    servers.push(server)
    world.urls[channel.name] = `http://${o.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`
  }

  return {
    world,
    urls: world.urls,
    clients: {
      wxpay: wxpay.clientConfig(),
      alipay: alipay.clientConfig(),
      wxmp: wxmp.clientConfig(),
      sms: sms.clientConfig(),
      devices: devices.clientConfig(),
    },
    stop: async () => {
      world.stop()
      await Promise.all(servers.map(async (s) => {
        s.closeAllConnections()
        await new Promise<void>((resolve) => s.close(() => { resolve() }))
      }))
    },
  }
}
