// Runs the sandbox for the browser test in its own process (run.js spawns it with tsx): every host
// on a free port, a second official account as the *platform's* account, then ONE JSON line on
// stdout — the server's environment plus the raw client configuration — and stays up until killed.
import { startSandbox } from '../../../sandbox/src/index'
import { serverEnv } from '../../../sandbox/src/server-env'

async function main (): Promise<void> {
  const sandbox = await startSandbox({ host: '127.0.0.1' })
  const { urls, clients } = sandbox

  const env = await serverEnv(sandbox)
  const platform = { appid: env.PLATFORM_OA_APPID, secret: env.PLATFORM_OA_SECRET }
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
