// The reliability suite (issue 11 §5): `npm run test:reliability` (scripts/reliability.mjs).
// Long, hostile runs kept out of `npm test`; CI runs them after the other suites.
const base = require('./jest.config.js')

const server = base.projects.find((p) => p.displayName === 'server')

module.exports = {
  rootDir: __dirname,
  testTimeout: 30 * 60_000,
  projects: [{ ...server, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.test.ts'], testPathIgnorePatterns: [] }],
}
