import type { CreateMerchantBody, List, MerchantCreatedDTO, MerchantDTO, UpdateMerchantBody, WechatChannel } from '@yima/shared'
import { query } from './api'
import { api } from './session'

const path = (id: string, rest = ''): string => `/v1/merchants/${encodeURIComponent(id)}${rest}`

export const listMerchants = async (o: { serviceProviderId?: string, subServiceProviderId?: string, startingAfter?: string } = {}): Promise<List<MerchantDTO>> =>
  await api<List<MerchantDTO>>({ path: `/v1/merchants${query({ ...o, limit: 100 })}` })

export const getMerchant = async (id: string): Promise<MerchantDTO> => await api<MerchantDTO>({ path: path(id) })

/** 201 with the keys, shown once (T7); 409 merchant_exists, 400 sub_mch_not_special. */
export const createMerchant = async (body: CreateMerchantBody): Promise<MerchantCreatedDTO> =>
  await api<MerchantCreatedDTO>({ method: 'POST', path: '/v1/merchants', data: body })

/** Also `{alipayUserId: null}`: deletes the Alipay user id so another Alipay account can authorize. */
export const updateMerchant = async (id: string, body: UpdateMerchantBody): Promise<MerchantDTO> =>
  await api<MerchantDTO>({ method: 'PATCH', path: path(id), data: body })

/** 切换渠道 (T8); maidan_not_enabled when the merchant has not opened 微信买单. */
export const switchWechatChannel = async (id: string, channel: WechatChannel): Promise<MerchantDTO> =>
  await api<MerchantDTO>({ method: 'POST', path: path(id, '/wechat-channel'), data: { channel } })

/** The SP's Alipay authorization QR for this merchant (app_auth_token). */
export const getAlipayAuthorization = async (id: string): Promise<{ url: string }> =>
  await api<{ url: string }>({ path: path(id, '/alipay-authorization') })
