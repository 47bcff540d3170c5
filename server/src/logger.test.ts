import { Writable } from 'node:stream'
import { createLogger } from './logger'
import { Secret } from './secret'

function capture () {
  const lines: string[] = []
  const stream = new Writable({ write (chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done() } })
  return { logger: createLogger('info', stream), text: () => lines.join('') }
}

describe('logger redaction', () => {
  it('hides secrets, tokens, openids and phones at any depth', () => {
    const { logger, text } = capture()
    logger.info({
      authorization: 'Bearer eyJhbGciOi.token.value',
      merchant: { apiV3Key: 'abcdefghijABCDEFGHIJ0123456789ab', privateKey: '-----BEGIN PRIVATE KEY-----' },
      customer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', phone: '13800138000' },
      req: { headers: { cookie: 'sid=123456' } },
      staff: [{ mobile: '13900139000' }],
      amountFen: 1250,
    }, 'paid')
    const out = text()
    for (const secret of ['eyJhbGciOi', 'abcdefghijABCDEFGHIJ', 'BEGIN PRIVATE', 'oUpF8uMuAJO', '13800138000', 'sid=123456', '13900139000']) {
      expect(out).not.toContain(secret)
    }
    expect(out).toContain('"amountFen":1250')
    expect(out).toContain('[redacted]')
  })

  it('prints a Secret as [secret]', () => {
    const { logger, text } = capture()
    logger.info({ dsn: new Secret('postgres://u:hunter2@db/x') }, 'connecting')
    expect(text()).not.toContain('hunter2')
    expect(String(new Secret('x'))).toBe('[secret]')
    expect(new Secret('x').reveal()).toBe('x')
  })
})
