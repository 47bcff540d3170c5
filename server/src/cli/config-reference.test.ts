import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ENV_VARIABLES, EnvSchema } from '../config'
import { renderConfigReference } from './config-reference'

const PAGE = path.resolve(__dirname, '../../../docs/configuration.md')

describe('docs/configuration.md', () => {
  it('is the page rendered from the config schema (run `npm run docs:config -w server` after changing config.ts)', () => {
    expect(readFileSync(PAGE, 'utf8')).toBe(renderConfigReference())
  })

  it('describes every variable, with its default or requirement', () => {
    const page = renderConfigReference()
    for (const name of ENV_VARIABLES) {
      expect(EnvSchema.shape[name].description ?? '').not.toBe('')
      expect(page).toContain(`| \`${name}\` |`)
    }
    expect(page).toContain('| `PORT` | `3000` | Port the HTTP server listens on. |')
    expect(page).toContain('| `SECRETS_KEY` | required in production |')
    expect(page).toContain('| `PUBLIC_URL` | optional |')
    expect(page).toContain('One of `development`, `test`, `production`.')
  })
})
