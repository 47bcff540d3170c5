// Runs the sandbox for the browser test in its own process (run.js spawns it with tsx): every host
// on a free port, a second official account as the *platform's* account, then ONE JSON line on
// stdout — the server's environment plus the raw client configuration — and stays up until killed.
import { startSandbox } from '../../../sandbox/src/index'

interface ComponentConfig { appid: string, secret: string, token: string, encodingAESKey: string }
interface CreatedApp { appid: string, secret: string }

async function main (): Promise<void> {
  const sandbox = await startSandbox({ host: '127.0.0.1' })
  const { urls, clients } = sandbox

  // The platform's own official account (binding console accounts to WeChat, T1) is not the SP's.
  const res = await fetch(`${urls.wxmp}/__sim/wxmp/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'official_account', name: '易码云支付', principalName: '易码支付平台' }),
  })
  if (res.status !== 201) throw new Error(`POST /__sim/wxmp/apps answered ${res.status}: ${await res.text()}`)
  const platform = await res.json() as CreatedApp

  // Added to the wxmp client config by the open-platform (第三方平台) simulator.
  const component: ComponentConfig | undefined = clients.wxmp.component
  const env: Record<string, string> = {
    WXMP_API_BASE_URL: clients.wxmp.apiBaseUrl,
    WX_OPEN_BASE_URL: clients.wxmp.openBaseUrl,
    WX_MP_BASE_URL: urls.wxmp,
    WXPAY_BASE_URL: clients.wxpay.baseUrl,
    ALIPAY_GATEWAY: clients.alipay.gateway,
    ALIPAY_OPENAUTH_URL: `${urls.alipay}/`,
    PLATFORM_OA_APPID: platform.appid,
    PLATFORM_OA_SECRET: platform.secret,
    ...(component === undefined
      ? {}
      : {
          WX_COMPONENT_APPID: component.appid,
          WX_COMPONENT_SECRET: component.secret,
          WX_COMPONENT_TOKEN: component.token,
          WX_COMPONENT_AES_KEY: component.encodingAESKey,
        }),
  }
  process.stdout.write(`${JSON.stringify({ env, urls, platform, clients })}\n`)

  const stop = (): void => {
    sandbox.stop().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err: unknown) => {
  process.stderr.write(`e2e sandbox: ${String((err as Error).stack ?? err)}\n`)
  process.exit(1)
})
