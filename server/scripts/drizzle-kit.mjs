// Runs drizzle-kit with the server's drizzle-orm visible to it. npm cannot hoist drizzle-orm to the
// root (its optional expo/react-native peers conflict with the apps' React 18), and drizzle-kit
// finds drizzle-orm with a dynamic import() from the root, which no NODE_PATH reaches. So this
// links it there for the duration of the command and removes the link afterwards.
import { spawnSync } from 'node:child_process'
import { existsSync, symlinkSync, unlinkSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rootModules = path.resolve(server, '../node_modules')
const link = path.join(rootModules, 'drizzle-orm')
const created = !existsSync(link)
if (created) symlinkSync(path.join(server, 'node_modules/drizzle-orm'), link, 'dir')
try {
  const bin = path.join(rootModules, 'drizzle-kit/bin.cjs')
  const r = spawnSync(process.execPath, [bin, ...process.argv.slice(2), '--config', 'drizzle.config.ts'], { cwd: server, stdio: 'inherit' })
  process.exitCode = r.status ?? 1
} finally {
  if (created) unlinkSync(link)
}
