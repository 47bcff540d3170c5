import Taro from '@tarojs/taro'
import { createApiClient } from '@yima/shared'

export { ApiError, type RequestOptions } from '@yima/shared'

const base = process.env.TARO_APP_API_BASE ?? ''

/** The yima API at TARO_APP_API_BASE (inlined at build time; '' = same origin). */
export const { request, setAuthToken } = createApiClient({
  base,
  send: async (req) => await Taro.request({ ...req, data: req.data as TaroGeneral.IAnyObject | undefined }),
})

/**
 * The same API for pages opened on phones after a WeChat scan: they are signed in by the cookie
 * the server set during OAuth, so cookies go along even when the API is on another origin.
 */
export const cookieApi = createApiClient({
  base,
  send: async (req) => await Taro.request({ ...req, data: req.data as TaroGeneral.IAnyObject | undefined, credentials: 'include' }),
})

/** `?a=1&b=2` from the defined, non-empty entries ('' when none). */
export function query (params: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== null && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length === 0 ? '' : `?${parts.join('&')}`
}
