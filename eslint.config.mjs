import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['**/dist/**', '**/node_modules/**', 'server/drizzle/**', '**/coverage/**', 'data/**'],
  }),
  {
    rules: {
      // Trailing commas keep diffs to one line when a list grows.
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
    },
  },
]
