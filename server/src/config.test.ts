import { readFileSync } from 'node:fs'
import path from 'node:path'
import { inspect } from 'node:util'
import { ConfigError, ENV_VARIABLES, loadConfig } from './config'

const KEY = Buffer.alloc(32, 7).toString('base64')
const SESSION = 's'.repeat(40)

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ NODE_ENV: 'test' })
    expect(c.port).toBe(3000)
    expect(c.dataDir).toBe(path.resolve('./data'))
    expect(c.database).toEqual({ kind: 'pglite', dataDir: path.resolve('./data/pg') })
    expect(c.publicUrl).toBe('http://127.0.0.1:3000')
    expect(Object.isFrozen(c)).toBe(true)
  })

  it('honours PORT, DATA_DIR and DATABASE_URL', () => {
    const c = loadConfig({ NODE_ENV: 'test', PORT: '8080', DATA_DIR: '/var/lib/yima', DATABASE_URL: 'postgres://u:pw@db/yima' })
    expect(c.port).toBe(8080)
    expect(c.dataDir).toBe('/var/lib/yima')
    expect(c.database.kind).toBe('postgres')
    expect(JSON.stringify(c)).not.toContain('pw@db') // the URL holds a password
  })

  it('refuses to start production without its secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' }))
      .toThrow(new ConfigError('production requires SECRETS_KEY, SESSION_SECRET (see .env.example)'))
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', SECRETS_KEY: KEY }))
      .toThrow(/SESSION_SECRET/)
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', SECRETS_KEY: KEY, SESSION_SECRET: SESSION }).env).toBe('production')
  })

  it('refuses the embedded database in production unless asked for', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRETS_KEY: KEY, SESSION_SECRET: SESSION })).toThrow(/DATABASE_URL/)
    expect(loadConfig({ NODE_ENV: 'production', SECRETS_KEY: KEY, SESSION_SECRET: SESSION, ALLOW_EMBEDDED_DB_IN_PRODUCTION: 'true' }).database.kind).toBe('pglite')
  })

  it('rejects malformed values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => loadConfig({ NODE_ENV: 'test', SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/SECRETS_KEY.*32 bytes/)
  })

  it('reads retired secret keys for rotation', () => {
    const old = Buffer.alloc(32, 1).toString('base64')
    const older = Buffer.alloc(32, 2).toString('base64')
    const c = loadConfig({ NODE_ENV: 'test', SECRETS_KEY: KEY, SECRETS_KEYS_RETIRED: ` ${old}, ${older} ` })
    expect(c.secretsKeysRetired.reveal().map((k) => k[0])).toEqual([1, 2])
    expect(loadConfig({ NODE_ENV: 'test' }).secretsKeysRetired.reveal()).toEqual([])
    expect(() => loadConfig({ NODE_ENV: 'test', SECRETS_KEYS_RETIRED: `${old},short` })).toThrow(/SECRETS_KEYS_RETIRED.*32 bytes/)
  })

  it('never shares a generated secret between processes and never prints one', () => {
    const a = loadConfig({ NODE_ENV: 'test' })
    const b = loadConfig({ NODE_ENV: 'test' })
    expect(a.sessionSecret.reveal()).not.toBe(b.sessionSecret.reveal())
    expect(a.secretsKey.reveal()).toHaveLength(32)
    expect(inspect(a)).not.toContain(a.sessionSecret.reveal())
    expect(JSON.stringify(a)).not.toContain(a.sessionSecret.reveal())
  })

  it('lists exactly its variables in .env.example', () => {
    const example = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8')
    const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=\s*$/gm)].map((m) => m[1])
    expect(listed.sort()).toEqual([...ENV_VARIABLES].sort())
  })
})
