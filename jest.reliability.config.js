// The reliability suite (issue 11 §5): `npm run test:reliability` (scripts/reliability.mjs).
// Long, hostile runs kept out of `npm test`; CI runs them after the other suites.
const base = require('./jest.config.js')

const server = base.projects.find((p) => p.displayName === 'server')

/**
 * Its security part is test/reliability/security.test.ts (a production process attacked from
 * outside) and the in-process suites it builds on, run here again so the suite's figures count
 * them: the tenant matrix, secrets in a database dump, sign-in and tokens, rate limits, the
 * callback URL guard.
 */
const SECURITY = [
  '<rootDir>/test/integration/tenancy/cross-tenant.test.ts',
  '<rootDir>/test/integration/tenancy/secrets-at-rest.test.ts',
  '<rootDir>/test/integration/identity.test.ts',
  '<rootDir>/test/integration/rate-limit.test.ts',
  '<rootDir>/src/modules/payments/callbacks/url-guard.test.ts',
]

module.exports = {
  rootDir: __dirname,
  testTimeout: 30 * 60_000,
  projects: [{ ...server, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.test.ts', ...SECURITY], testPathIgnorePatterns: [] }],
}
