// Runs jest under --experimental-vm-modules (PGlite's dynamic import() needs it inside jest's VM),
// passing every argument through.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const jest = createRequire(import.meta.url).resolve('jest/bin/jest')
const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', jest, ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(r.status ?? 1)
