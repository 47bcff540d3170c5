// Unit and integration tests for the TypeScript packages (the Taro apps have their own jsdom configs).
// Run through scripts/jest.mjs: PGlite loads its WASM with a dynamic import(), which jest's VM only
// allows under --experimental-vm-modules.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }]

const project = (name, extra = {}) => ({
  displayName: name,
  rootDir: `<rootDir>/${name}`,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  ...extra,
})

module.exports = {
  rootDir: __dirname,
  testTimeout: 30_000,
  projects: [
    project('shared'),
    // test/reliability is its own suite (jest.reliability.config.js, `npm run test:reliability`).
    project('server', { globalSetup: '<rootDir>/test/global-setup.ts', testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'] }),
    project('sandbox'),
  ],
}
