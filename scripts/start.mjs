// `npm start`: build the H5 apps (customer and console pages; the staff pages of the mini-program
// at /mp/) if they have not been built, then run the server (embedded PGlite
// unless DATABASE_URL is set). Outside production, and unless channel hosts are configured, the
// sandbox runs beside it (fake WeChat Pay, WeChat, Alipay) and the server is pointed at it, and a
// first console account is created. Signals are passed on so Ctrl-C drains the server gracefully.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const tsx = createRequire(import.meta.url).resolve('tsx/cli')
const production = process.env.NODE_ENV === 'production'
const channelsConfigured = ['WXPAY_BASE_URL', 'WXMP_API_BASE_URL', 'ALIPAY_GATEWAY'].some((v) => process.env[v] !== undefined)
const useSandbox = !production && !channelsConfigured && process.env.YIMA_SANDBOX !== '0'
const port = Number(process.env.PORT ?? 3000)
const serverUrl = process.env.PUBLIC_URL ?? `http://127.0.0.1:${port}`
const dataDir = path.resolve(root, process.env.DATA_DIR ?? 'data')

for (const [dist, workspace, script] of [['h5/dist/h5', 'h5', 'build'], ['miniprogram/dist/h5', 'miniprogram', 'build:h5']]) {
  if (existsSync(path.join(root, dist, 'index.html'))) continue
  process.stdout.write(`Building ${dist} (first start only)…\n`)
  const build = spawnSync(npm, ['run', script, '-w', workspace], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const children = []
const stopAll = (signal) => { for (const child of children) child.kill(signal) }
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopAll(signal) })

/** Starts the sandbox and resolves with the server settings it prints. */
function startSandbox () {
  return new Promise((resolve, reject) => {
    const sandbox = spawn(process.execPath, [tsx, path.join(root, 'sandbox/src/main.ts')], {
      cwd: root,
      env: { ...process.env, SANDBOX_PRINT_SERVER_ENV: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(sandbox)
    sandbox.on('exit', (code) => { reject(new Error(`the sandbox exited (${code}) before it was ready`)) })
    let demo = null
    createInterface({ input: sandbox.stdout }).on('line', (line) => {
      // The demo settings (this run's sandbox keys) come first, then the server's environment.
      if (line.startsWith('YIMA_DEMO=')) demo = line.slice('YIMA_DEMO='.length)
      else if (line.startsWith('YIMA_SERVER_ENV=')) resolve({ env: JSON.parse(line.slice('YIMA_SERVER_ENV='.length)), wxmp: JSON.parse(line.slice('YIMA_SERVER_ENV='.length)).WXMP_API_BASE_URL, demo })
      else process.stdout.write(`${line}\n`)
    })
  })
}

/** The first console account of a development data directory: created once, shown at every start. */
function devOperator (env) {
  const file = path.join(dataDir, 'dev-operator.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'))
  const account = { login: 'admin', password: randomBytes(9).toString('base64url') }
  const created = spawnSync(process.execPath, [tsx, path.join(root, 'server/src/cli/create-account.ts'), '--login', account.login, '--password', account.password, '--name', '平台管理员', '--operator'],
    { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
  if (created.status !== 0) return null
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, JSON.stringify(account), { mode: 0o600 })
  return account
}

async function waitHealthy () {
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return true } catch { /* not yet */ }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return false
}

let env = { ...process.env }
let operator = null
if (useSandbox) {
  const sandbox = await startSandbox()
  env = { ...sandbox.env, ...process.env, PUBLIC_URL: serverUrl }
  operator = devOperator(env)
  // A demo SP, merchant and store with printed codes, refreshed to this sandbox's keys (seed-demo.ts).
  const seeded = operator === null || sandbox.demo === null
    ? { status: 1, stdout: '' }
    : spawnSync(process.execPath, [tsx, path.join(root, 'server/src/cli/seed-demo.ts'), '--owner', operator.login],
      { cwd: root, env: { ...env, YIMA_DEMO: sandbox.demo }, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  const server = spawn(process.execPath, [tsx, path.join(root, 'server/src/main.ts')], { cwd: root, stdio: 'inherit', env })
  children.push(server)
  server.on('exit', (code, signal) => { stopAll('SIGTERM'); process.exit(code ?? (signal === null ? 1 : 0)) })
  if (await waitHealthy()) {
    // The open platform pushes component_verify_ticket to the server once it knows where.
    await fetch(`${sandbox.wxmp}/__sim/wxmp/component/server`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: `${serverUrl}/wx/component/events` }) })
    process.stdout.write([
      '',
      `Console: ${serverUrl}/#/pages/console/login/index`,
      operator === null ? '  (create an account: npm run account:create -w server -- --login <login> --password <password> --operator)' : `  sign in as ${operator.login} / ${operator.password} (kept in ${path.relative(root, path.join(dataDir, 'dev-operator.json'))})`,
      `  WeChat scans happen in the sandbox: open the binding or activation link from the console in a browser and pick a test user (sandbox home: ${sandbox.wxmp}/)`,
      `Staff pages (商户助手, H5 build of the mini-program): ${serverUrl}/mp/ — sign in by opening a staff activation link as a test user`,
      '',
      seeded.status === 0 ? seeded.stdout.trimEnd() : '(the demo store could not be seeded; see the error above)',
      '',
    ].join('\n') + '\n')
  }
} else {
  const server = spawn(process.execPath, [tsx, path.join(root, 'server/src/main.ts')], { cwd: root, stdio: 'inherit', env })
  children.push(server)
  server.on('exit', (code, signal) => { process.exit(code ?? (signal === null ? 1 : 0)) })
}
