import Taro from '@tarojs/taro'
import { createApiClient } from '@yima/shared'

export { ApiError, type RequestOptions } from '@yima/shared'

/**
 * The yima API at TARO_APP_API_BASE (inlined at build time; '' = same origin). The weapp sends the
 * mini-program session as a bearer token (lib/session); the H5 build, served by the server inside
 * the official account, rides on the `yima_wx` cookie the activation or management code set.
 */
export const { request, setAuthToken } = createApiClient({
  base: process.env.TARO_APP_API_BASE ?? '',
  send: async (req) => await Taro.request({
    ...req,
    data: req.data as TaroGeneral.IAnyObject | undefined,
    credentials: 'include',
  }),
})
