import { appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * The figures the reliability suite prints at the end (payments, kills, faults injected, fuzz
 * cases, violations): each test file runs in its own jest worker, so they meet in a file that
 * scripts/reliability.mjs reads and sums.
 */
export const COUNTS_FILE = process.env.YIMA_RELIABILITY_COUNTS ?? path.join(tmpdir(), 'yima-reliability-counts.jsonl')

export const reliabilityCounts = {
  add (name: string, n: number): void {
    appendFileSync(COUNTS_FILE, `${JSON.stringify({ name, n })}\n`)
  },
}
