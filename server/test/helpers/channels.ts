import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSandbox, type Sandbox } from '../../../sandbox/src'
import { paymentTemplate } from '../../../sandbox/src/server-env'
import type { Database } from '../../src/db/client'
import { Secret } from '../../src/secret'
import type { TestConfig } from './app'
import { testApp } from './app'
import { ticketStore } from '../../src/modules/tenancy/scan.routes'

export interface Channels {
  sandbox: Sandbox
  /** The platform's own official account (console WeChat binding), added next to the SP's. */
  platformOa: { appid: string, secret: string }
  /** The config that points yima at the sandbox, as an operator's .env would. */
  config: (publicUrl: string) => Partial<TestConfig>
  /** `/__sim/*` on one of the sandbox's hosts. */
  sim: <T = any>(host: keyof Sandbox['urls'], method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<{ status: number, body: T }>
}

/** One sandbox for the test file, started before its tests and stopped after. */
export function useChannels (): { get: () => Channels } {
  let channels: Channels | undefined
  beforeAll(async () => {
    const sandbox = await startSandbox()
    const sim: Channels['sim'] = async (host, method, path, body) => {
      const res = await fetch(`${sandbox.urls[host]}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      })
      const text = await res.text()
      let parsed: unknown = text
      try { parsed = JSON.parse(text) } catch { /* HTML or empty */ }
      return { status: res.status, body: parsed as any }
    }
    const platform = await sim<{ appid: string, secret: string }>('wxmp', 'POST', '/__sim/wxmp/apps', { name: '云支付平台公众号' })
    // The SP's official account has the payment-message template (N1), as serverEnv sets it up.
    const template = await paymentTemplate(sandbox)
    const c = sandbox.clients
    channels = {
      sandbox,
      platformOa: platform.body,
      sim,
      config: (publicUrl) => ({
        publicUrl,
        channels: {
          wxpayBaseUrl: c.wxpay.baseUrl,
          wechat: { api: c.wxmp.apiBaseUrl, open: c.wxmp.openBaseUrl, mp: c.wxmp.apiBaseUrl },
          alipayGateway: c.alipay.gateway,
          alipayOpenAuthUrl: c.alipay.endpoint,
        },
        platformOfficialAccount: { appId: platform.body.appid, secret: new Secret(platform.body.secret) },
        miniProgram: { appId: c.wxmp.miniProgram.appId, secret: new Secret(c.wxmp.miniProgram.appSecret) },
        wechatComponent: {
          appId: c.wxmp.component.appid,
          secret: new Secret(c.wxmp.component.secret),
          token: c.wxmp.component.token,
          aesKey: new Secret(c.wxmp.component.encodingAESKey),
        },
        paymentTemplates: { fallback: template.template_id, byAppId: {} },
        sms: {
          endpoint: c.sms.endpoint,
          protocol: 'http',
          region: c.sms.region,
          secretId: c.sms.secretId,
          secretKey: new Secret(c.sms.secretKey),
          sdkAppId: c.sms.sdkAppId,
          signName: c.sms.signName,
          templateId: c.sms.templates.payment.id,
        },
        // Cloud printers and speakers: the platform's accounts at Feie, Yilianyun and BRHK.
        devices: {
          feie: { url: c.devices.feie.url, user: c.devices.feie.user, ukey: new Secret(c.devices.feie.ukey) },
          yly: { baseUrl: c.devices.yly.baseUrl, clientId: c.devices.yly.clientId, clientSecret: new Secret(c.devices.yly.clientSecret) },
          brhk: { baseUrl: c.devices.brhk.baseUrl, agencyToken: new Secret(c.devices.brhk.token) },
        },
      }),
    }
  })
  afterAll(async () => { await channels?.sandbox.stop() })
  return {
    get: () => {
      if (channels === undefined) throw new Error('sandbox not started')
      return channels
    },
  }
}

/**
 * The app listening on a real port, configured for the sandbox, with the open platform's event
 * URL pointed at it (so component_verify_ticket arrives as in production).
 */
export async function startLiveApp (database: Database, channels: Channels, overrides: Partial<TestConfig> = {}): Promise<ReturnType<typeof testApp> & { url: string, server: Server, pushTicket: () => Promise<void>, stop: () => Promise<void> }> {
  let handler: Parameters<typeof createServer>[1] = (_req, res) => { res.statusCode = 503; res.end() }
  const server = createServer((req, res) => { handler?.(req, res) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const built = testApp(database, { config: { ...channels.config(url), ...overrides } })
  // The sandbox keeps real time (signatures, expiries): start the app's manual clock at now.
  built.clock.set(new Date())
  handler = built.app.callback()
  // The open platform pushes component_verify_ticket when the URL is saved (and every 10 minutes);
  // tests empty the database between cases, so they ask for a fresh push (pushTicket) as needed.
  const pushTicket = async (): Promise<void> => {
    const pushed = await channels.sim<{ ticket: string }>('wxmp', 'POST', '/__sim/wxmp/component/server', { url: `${url}/wx/component/events` })
    if (pushed.status !== 200) throw new Error(`component server: ${pushed.status}`)
    const tickets = ticketStore(database.db, built.services.box, channels.sandbox.clients.wxmp.component.appid)
    for (let i = 0; i < 300; i++) {
      if (await tickets.read() === pushed.body.ticket) return
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error('component_verify_ticket was not delivered')
  }
  await pushTicket()
  return { ...built, url, server, pushTicket, stop: async () => { await new Promise<void>((resolve) => server.close(() => resolve())) } }
}
