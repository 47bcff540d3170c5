// `npm start`: build the H5 app if it has not been built, then run the server (embedded PGlite
// unless DATABASE_URL is set). Signals are passed on so Ctrl-C drains the server gracefully.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

if (!existsSync(path.join(root, 'h5/dist/h5/index.html'))) {
  process.stdout.write('Building the H5 app (first start only)…\n')
  const build = spawnSync(npm, ['run', 'build', '-w', 'h5'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const tsx = createRequire(import.meta.url).resolve('tsx/cli')
const server = spawn(process.execPath, [tsx, path.join(root, 'server/src/main.ts')], { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { server.kill(signal) })
server.on('exit', (code, signal) => { process.exit(code ?? (signal === null ? 1 : 0)) })
