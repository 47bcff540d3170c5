import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi'
import { z } from 'zod'
import { ERROR_MESSAGES, ERROR_STATUS, type ErrorCode, type ErrorType } from '@yima/shared'

export { OpenAPIRegistry }

export const ErrorBodySchema = z.object({
  error: z.object({
    type: z.enum(Object.keys(ERROR_STATUS) as [ErrorType, ...ErrorType[]]),
    code: z.enum(Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]]),
    message: z.string().meta({ description: '可直接展示给用户的说明' }),
    param: z.string().optional().meta({ description: '出错的请求字段（点分路径）' }),
    requestId: z.string().meta({ description: '与响应头 X-Request-Id 相同，排查问题时提供' }),
  }),
}).meta({ id: 'ErrorBody' })

/** The error responses every operation may return; operations add their own success responses. */
export const errorResponses = {
  400: { description: '请求无效', content: { 'application/json': { schema: ErrorBodySchema } } },
  500: { description: '服务内部错误', content: { 'application/json': { schema: ErrorBodySchema } } },
}

export function createOpenApiRegistry (): OpenAPIRegistry {
  const registry = new OpenAPIRegistry()
  registry.registerComponent('parameters', 'IdempotencyKey', {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: '创建资金对象的 POST 请求可带此头：同一键与同一请求体重复提交时返回首次的结果，不会重复扣款',
    schema: { type: 'string', maxLength: 255 },
  })
  return registry
}

export function buildOpenApiDocument (registry: OpenAPIRegistry, serverUrl: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'yima API',
      version: '0.1.0',
      description: 'yima 的 REST API。金额一律以分为单位的整数（字段名以 Fen 结尾）；错误体为 `{ error: { type, code, message, param, requestId } }`。',
    },
    servers: [{ url: serverUrl }],
  })
}
