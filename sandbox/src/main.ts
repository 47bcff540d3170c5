import { startSandbox } from './index'

/** `npm run sandbox`: every simulator on fixed ports (override with SANDBOX_PORT_BASE). */
async function main (): Promise<void> {
  const base = Number(process.env.SANDBOX_PORT_BASE ?? 4100)
  const sandbox = await startSandbox({
    host: process.env.SANDBOX_HOST ?? '127.0.0.1',
    ports: { wxmp: base, wxpay: base + 1, alipay: base + 2, sms: base + 3, devices: base + 4 },
  })
  process.stdout.write([
    '',
    'yima sandbox is running (fake WeChat, Alipay, SMS, printers and speakers):',
    `  home (inboxes)      ${sandbox.urls.wxmp}/`,
    `  WeChat platform     ${sandbox.urls.wxmp}   (api.weixin.qq.com, open.weixin.qq.com)`,
    `  WeChat Pay          ${sandbox.urls.wxpay}   (api.mch.weixin.qq.com)`,
    `  Alipay              ${sandbox.urls.alipay}   (openapi.alipay.com)`,
    `  Tencent Cloud SMS   ${sandbox.urls.sms}   (sms.tencentcloudapi.com)`,
    `  printers, speakers  ${sandbox.urls.devices}`,
    '',
  ].join('\n') + '\n')
  const stop = (): void => { sandbox.stop().then(() => process.exit(0), () => process.exit(1)) }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => { process.stderr.write(`sandbox: ${String(err)}\n`); process.exit(1) })
