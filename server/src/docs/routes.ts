import path from 'node:path'
import Router from '@koa/router'
import { send } from '@koa/send'
import { getAbsoluteFSPath } from 'swagger-ui-dist'
import type { DefaultContext } from 'koa'
import type { AppState } from '../http/context'
import { buildOpenApiDocument, type OpenAPIRegistry } from './openapi'

const UI_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'])

const UI_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>yima API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/docs/assets/favicon-32x32.png"><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true })</script>
</body></html>`

/** `GET /openapi.json` (generated from the zod schemas the routes use) and a Swagger UI at `/docs`. */
export function docsRoutes (registry: OpenAPIRegistry, publicUrl: string): Router<AppState, DefaultContext> {
  const router = new Router<AppState, DefaultContext>()
  let document: unknown
  router.get('/openapi.json', (ctx) => {
    document ??= buildOpenApiDocument(registry, publicUrl)
    ctx.body = document
  })
  router.get('/docs', (ctx) => {
    ctx.type = 'html'
    ctx.body = UI_PAGE
  })
  const assets = getAbsoluteFSPath()
  router.get('/docs/assets/:file', async (ctx) => {
    if (!UI_ASSETS.has(ctx.params.file ?? '')) return
    await send(ctx, ctx.params.file as string, { root: path.resolve(assets), maxage: 86_400_000 })
  })
  return router
}
