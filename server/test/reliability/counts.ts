import { appendFileSync } from 'node:fs'

/**
 * The figures the reliability suite prints at the end (payments, kills, faults injected, fuzz
 * cases, violations): each test file runs in its own jest worker, so they meet in a file that
 * scripts/reliability.mjs reads and sums.
 */
const COUNTS_FILE = process.env.YIMA_RELIABILITY_COUNTS

export const reliabilityCounts = {
  /** Adds to a figure; outside `npm run test:reliability` (a test run alone, or in the integration suites) there is nobody to tell. */
  add (name: string, n: number): void {
    if (COUNTS_FILE !== undefined && COUNTS_FILE !== '') appendFileSync(COUNTS_FILE, `${JSON.stringify({ name, n })}\n`)
  },
}
