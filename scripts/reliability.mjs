// `npm run test:reliability`: the reliability suite (jest.reliability.config.js), then the figures
// its tests recorded (server/test/reliability/counts.ts), summed: payments, kills, faults injected,
// fuzz cases, violations. Arguments go to jest (e.g. a test path).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const counts = process.env.YIMA_RELIABILITY_COUNTS ?? path.join(tmpdir(), `yima-reliability-${process.pid}.jsonl`)
rmSync(counts, { force: true })
const r = spawnSync(process.execPath, [path.join(root, 'scripts/jest.mjs'), '--config', path.join(root, 'jest.reliability.config.js'), '--runInBand', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, YIMA_RELIABILITY_COUNTS: counts },
})
const sums = new Map()
if (existsSync(counts)) {
  for (const line of readFileSync(counts, 'utf8').split('\n').filter(Boolean)) {
    const { name, n } = JSON.parse(line)
    sums.set(name, (sums.get(name) ?? 0) + n)
  }
  rmSync(counts, { force: true })
}
if (!sums.has('violations')) sums.set('violations', 0)
console.log(`\nreliability figures: ${[...sums].map(([k, v]) => `${k} ${v}`).join(', ')}`)
process.exit(r.status ?? 1)
