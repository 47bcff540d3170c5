import { request } from 'node:http'
import { listen } from './http-server'

function get (port: number, path: string): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    }).on('error', reject).end()
  })
}

describe('listen / close', () => {
  it('finishes in-flight requests before closing, then refuses new connections', async () => {
    const running = await listen((req, res) => {
      const delay = req.url === '/slow' ? 200 : 0
      setTimeout(() => { res.end(req.url) }, delay)
    }, { host: '127.0.0.1', port: 0 })
    const slow = get(running.port, '/slow')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closing = running.close(5_000)
    await expect(slow).resolves.toEqual({ status: 200, body: '/slow' })
    await closing
    await expect(get(running.port, '/late')).rejects.toThrow(/ECONNREFUSED/)
  })

  it('cuts connections that outlive the timeout', async () => {
    const running = await listen(() => { /* never answers */ }, { host: '127.0.0.1', port: 0 })
    const hanging = get(running.port, '/hang').catch((e: Error) => e)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await running.close(100)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(String(await hanging)).toMatch(/socket hang up|ECONNRESET/)
  })
})
