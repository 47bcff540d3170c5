import { existsSync } from 'node:fs'
import path from 'node:path'
import { send } from '@koa/send'
import type { Middleware } from 'koa'
import type { AppState } from './context'

const notBuilt = (command: string): string => `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>yima</title>
<body style="font-family:sans-serif;padding:2em"><h1>H5 页面尚未构建</h1>
<p>请先运行 <code>${command}</code>，或直接使用 <code>npm start</code>（会自动构建）。</p></body></html>`

/**
 * Serves a built Taro H5 app under `prefix` for GET/HEAD requests nothing else answered: the
 * customer and console pages at `/`, the staff mini-program's H5 build at `/mp/`. Taro's H5 build
 * routes by hash, so only real files exist; the prefix is its index. Hashed bundles are cached,
 * the index is not.
 */
export function serveH5 (distDir: string, o: { prefix?: string, buildCommand?: string } = {}): Middleware<AppState> {
  const root = path.resolve(distDir)
  const prefix = o.prefix ?? '/'
  return async (ctx, next) => {
    await next()
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.body != null || ctx.status !== 404) return
    if (prefix !== '/' && ctx.path === prefix.slice(0, -1)) { ctx.redirect(prefix); return }
    if (!ctx.path.startsWith(prefix)) return
    const file = ctx.path.slice(prefix.length - 1)
    const index = path.join(root, 'index.html')
    if (file === '/' || file === '/index.html') {
      if (!existsSync(index)) {
        ctx.status = 503
        ctx.type = 'html'
        ctx.body = notBuilt(o.buildCommand ?? 'npm run build -w h5')
        return
      }
      ctx.set('Cache-Control', 'no-cache')
      await send(ctx, 'index.html', { root })
      return
    }
    try {
      await send(ctx, file, { root, immutable: /\.[0-9a-f]{8,}\./.test(file), maxage: 3_600_000 })
    } catch (err) {
      // Missing, hidden or outside the root (send says 404/403): not a file of ours, so leave the 404.
      if (((err as { status?: number }).status ?? 500) >= 500) throw err
    }
  }
}
