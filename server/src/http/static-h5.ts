import { existsSync } from 'node:fs'
import path from 'node:path'
import { send } from '@koa/send'
import type { Middleware } from 'koa'
import type { AppState } from './context'

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>yima</title>
<body style="font-family:sans-serif;padding:2em"><h1>H5 页面尚未构建</h1>
<p>请先运行 <code>npm run build -w h5</code>，或直接使用 <code>npm start</code>（会自动构建）。</p></body></html>`

/**
 * Serves the built H5 app for GET/HEAD requests nothing else answered. Taro's H5 build routes by
 * hash, so only real files exist; `/` is its index. Hashed bundles are cached, the index is not.
 */
export function serveH5 (distDir: string): Middleware<AppState> {
  const root = path.resolve(distDir)
  return async (ctx, next) => {
    await next()
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.body != null || ctx.status !== 404) return
    const index = path.join(root, 'index.html')
    if (ctx.path === '/' || ctx.path === '/index.html') {
      if (!existsSync(index)) {
        ctx.status = 503
        ctx.type = 'html'
        ctx.body = NOT_BUILT
        return
      }
      ctx.set('Cache-Control', 'no-cache')
      await send(ctx, 'index.html', { root })
      return
    }
    try {
      await send(ctx, ctx.path, { root, immutable: /\.[0-9a-f]{8,}\./.test(ctx.path), maxage: 3_600_000 })
    } catch (err) {
      // Missing, hidden or outside the root (send says 404/403): not a file of ours, so leave the 404.
      if (((err as { status?: number }).status ?? 500) >= 500) throw err
    }
  }
}
