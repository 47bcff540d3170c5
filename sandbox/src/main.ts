import { startSandbox, type Sandbox } from './index'
import { demoSettings } from './demo'
import { serverEnv } from './server-env'

/** `npm run sandbox`: every simulator on fixed ports from SANDBOX_PORT_BASE (default 4100). */
async function main (): Promise<void> {
  const base = Number(process.env.SANDBOX_PORT_BASE ?? 4100)
  if (!Number.isInteger(base) || base < 1 || base > 65_530) throw new Error(`SANDBOX_PORT_BASE must be a port number, not ${process.env.SANDBOX_PORT_BASE ?? ''}`)
  const sandbox = await startSandbox({
    host: process.env.SANDBOX_HOST ?? '127.0.0.1',
    ports: { wxmp: base, wxpay: base + 1, alipay: base + 2, sms: base + 3, devices: base + 4 },
  })
  // `npm start` runs the sandbox next to the server and reads the server's settings from this line.
  if (process.env.SANDBOX_PRINT_SERVER_ENV === '1') {
    process.stdout.write(`YIMA_DEMO=${JSON.stringify(await demoSettings(sandbox))}\n`)
    process.stdout.write(`YIMA_SERVER_ENV=${JSON.stringify(await serverEnv(sandbox))}\n`)
  }
  process.stdout.write(banner(sandbox))
  let stopping = false
  const stop = (): void => {
    // A second Ctrl+C does not wait for open connections.
    if (stopping) process.exit(1)
    stopping = true
    sandbox.stop().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

function banner ({ urls, clients }: Sandbox): string {
  return [
    '',
    'yima sandbox is running (fake WeChat, Alipay, SMS, printers and speakers):',
    `  home page           ${urls.wxmp}/`,
    `  WeChat platform     ${urls.wxmp}   (api.weixin.qq.com, open.weixin.qq.com)`,
    `  WeChat Pay          ${urls.wxpay}   (api.mch.weixin.qq.com)`,
    `  Alipay              ${urls.alipay}   (openapi.alipay.com)`,
    `  Tencent Cloud SMS   ${urls.sms}   (sms.tencentcloudapi.com; SDK endpoint ${clients.sms.endpoint}, protocol http://)`,
    `  Feie printers       ${clients.devices.feie.url}   (api.feieyun.cn/Api/Open/)`,
    `  Yilianyun printers  ${clients.devices.yly.baseUrl}   (open-api.10ss.net)`,
    `  BRHK speakers       ${clients.devices.brhk.baseUrl}   (speaker.17laimai.cn)`,
    '  control API         /__sim/* on every port (reset, faults, clock/advance, notifications)',
    '',
    'Ctrl+C stops it.',
    '',
  ].join('\n')
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException
  const hint = e.code === 'EADDRINUSE' ? ' (another sandbox running? set SANDBOX_PORT_BASE to use other ports)' : ''
  process.stderr.write(`sandbox: ${e.message ?? String(err)}${hint}\n`)
  process.exit(1)
})
