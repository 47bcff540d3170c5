import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { ENV_VARIABLES } from '../../src/config'

const REPO_ROOT = path.resolve(__dirname, '../../..')
const MAIN = path.join(REPO_ROOT, 'server/src/main.ts')
/** Kept of each instance's stdout and stderr by default, for failure messages. */
const OUTPUT_LIMIT = 64 * 1024

/** A yima server running as its own process, exactly as `npm start -w server` runs it. */
export interface Instance {
  readonly name: string
  /** The server's own process id (no tsx wrapper in between): its outbox worker id contains it. */
  readonly pid: number
  /** http://127.0.0.1:<port> */
  readonly url: string
  /** Resolves when the process has exited, however. */
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** The tail of its stdout and stderr (`outputLimit` characters). */
  output: () => string
  /** Polls `/readyz` until it answers 200. */
  waitReady: (timeoutMs?: number) => Promise<void>
  /** Sends the signal and waits for the process to exit. */
  kill: (signal: NodeJS.Signals) => Promise<void>
  /** SIGTERM (graceful drain), then SIGKILL if it has not exited within `graceMs`. */
  stop: (graceMs?: number) => Promise<void>
}

/**
 * Starts `server/src/main.ts` under node with tsx's loader, with `env` over a copy of this
 * process's environment from which every variable yima reads has been removed (so a developer's
 * or CI's settings cannot leak in). Give `PORT: '0'`: the port is read from the startup banner.
 * Resolves once the server listens and `/readyz` answers 200; rejects with its output otherwise.
 */
export async function startInstance (name: string, env: Readonly<Record<string, string>>, o: { readyTimeoutMs?: number, outputLimit?: number } = {}): Promise<Instance> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(ENV_VARIABLES as string[]).includes(k)))
  const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, MAIN], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-(o.outputLimit ?? OUTPUT_LIMIT))
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }) })
  })
  const timeoutMs = o.readyTimeoutMs ?? 120_000
  const deadline = Date.now() + timeoutMs
  const failure = (why: string): Error => new Error(`instance ${name} ${why}\n--- its output ---\n${output}`)

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /yima is running: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
        if (m !== null) { clearInterval(timer); resolve(m[1] as string) }
        if (Date.now() > deadline) { clearInterval(timer); reject(failure(`did not listen within ${timeoutMs} ms`)) }
      }, 50)
      exited.then(({ code, signal }) => { clearInterval(timer); reject(failure(`exited (${code ?? signal}) before it listened`)) }, reject)
    })
    const instance = handle(name, child, url, exited, () => output)
    await instance.waitReady(Math.max(1_000, deadline - Date.now()))
    return instance
  } catch (err) {
    child.kill('SIGKILL')
    await exited
    throw err
  }
}

function handle (name: string, child: ChildProcess, url: string, exited: Instance['exited'], output: () => string): Instance {
  let gone = child.exitCode !== null || child.signalCode !== null
  child.once('exit', () => { gone = true })
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!gone) child.kill(signal)
    await exited
  }
  return {
    name,
    pid: child.pid as number,
    url,
    exited,
    output,
    kill,
    waitReady: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs
      let last = 'no answer yet'
      while (Date.now() < deadline) {
        if (gone) throw new Error(`instance ${name} exited while waiting for /readyz\n--- its output ---\n${output()}`)
        try {
          const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })
          last = `${res.status} ${await res.text()}`
          if (res.status === 200) return
        } catch (err) {
          last = String(err)
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      throw new Error(`instance ${name} not ready within ${timeoutMs} ms (last /readyz: ${last})\n--- its output ---\n${output()}`)
    },
    stop: async (graceMs = 20_000) => {
      if (gone) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, graceMs)
      try { await exited } finally { clearTimeout(timer) }
    },
  }
}

/**
 * A TCP port free right now on 127.0.0.1, for an instance that must come back on the same address
 * after a restart (channel notify URLs are built from PUBLIC_URL, which names the port).
 */
export async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => { probe.once('error', reject); probe.listen(0, '127.0.0.1', resolve) })
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => { resolve() }))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
