import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RunningServer {
  server: Server
  port: number
  /**
   * Stops accepting connections and waits for in-flight requests to finish; after `timeoutMs`
   * the remaining connections are cut.
   */
  close (timeoutMs: number): Promise<void>
}

export async function listen (handler: RequestListener, o: { host: string, port: number }): Promise<RunningServer> {
  const server = createServer(handler)
  // Above typical load-balancer idle timeouts, so the balancer closes idle connections first.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve() })
  })
  const port = (server.address() as AddressInfo).port
  return {
    server,
    port,
    close: async (timeoutMs) => {
      const closed = new Promise<void>((resolve) => server.close(() => { resolve() }))
      server.closeIdleConnections()
      const timer = setTimeout(() => { server.closeAllConnections() }, timeoutMs)
      try { await closed } finally { clearTimeout(timer) }
    },
  }
}
