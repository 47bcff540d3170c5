/**
 * A WeChat Pay v3 error answer: HTTP status plus `{code, message, detail?}` (channels.md §2.7).
 * Thrown by handlers; the v3 pipeline turns it into a signed response.
 */
export class WxError extends Error {
  constructor (
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message)
  }

  toBody (): Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.detail === undefined ? {} : { detail: this.detail }) }
  }
}

export const paramError = (message: string, detail?: Record<string, unknown>): WxError => new WxError(400, 'PARAM_ERROR', message, detail)
export const invalidRequest = (message: string): WxError => new WxError(400, 'INVALID_REQUEST', message)
export const signError = (message: string): WxError => new WxError(401, 'SIGN_ERROR', message)
export const orderNotExist = (): WxError => new WxError(404, 'ORDER_NOT_EXIST', '订单不存在')
export const resourceNotExists = (message: string): WxError => new WxError(404, 'RESOURCE_NOT_EXISTS', message)
export const systemError = (): WxError => new WxError(500, 'SYSTEM_ERROR', '系统错误')

/** Control-API failures (`/__sim/*`): plain `{error}` bodies through the app's error middleware. */
export function controlError (status: number, message: string): Error {
  return Object.assign(new Error(message), { status, expose: true })
}
