import Taro from '@tarojs/taro'
import { createApiClient } from '@yima/shared'

export { ApiError, type RequestOptions } from '@yima/shared'

/** The yima API at TARO_APP_API_BASE (inlined at build time; '' = same origin). */
export const { request, setAuthToken } = createApiClient({
  base: process.env.TARO_APP_API_BASE ?? '',
  send: async (req) => await Taro.request({ ...req, data: req.data as TaroGeneral.IAnyObject | undefined }),
})
