import type { z } from 'zod'
import { errorResponses, type OpenAPIRegistry } from '../../docs/openapi'

export type DocMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'
export interface DocOptions {
  body?: z.ZodType
  /** Staff phones: the `yima_wx` cookie a management or activation QR sets, or the mini-program's bearer session. */
  mobile?: boolean
  /** Status → description; 200 OK when absent. */
  responses?: Record<number, string>
}

/** Registers console and mobile routes in the OpenAPI document under one tag. */
export function documenter (openapi: OpenAPIRegistry, tag: string) {
  return (method: DocMethod, path: string, summary: string, o: DocOptions = {}): void => {
    openapi.registerPath({
      method,
      path: path.replace(/:(\w+)/g, '{$1}'),
      tags: [tag],
      summary: o.mobile === true ? `${summary}（手机端：公众号会话或小程序登录）` : summary,
      ...(o.mobile === true ? {} : { security: [{ bearer: [] }] }),
      ...(o.body === undefined ? {} : { request: { body: { content: { 'application/json': { schema: o.body } } } } }),
      responses: { ...errorResponses, ...Object.fromEntries(Object.entries(o.responses ?? { 200: 'OK' }).map(([k, v]) => [k, { description: v }])) },
    })
  }
}
