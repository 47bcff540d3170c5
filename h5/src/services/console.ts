import type { ConsoleMeDTO, WechatBindingDTO, WechatIdentityDTO } from '@yima/shared'
import { api } from './session'

/** The signed-in console account; `wechatBound` false means the binding dialog must come first (T1). */
export const getMe = async (): Promise<ConsoleMeDTO> => await api<ConsoleMeDTO>({ path: '/v1/console/me' })

/** A new binding QR (expires after ~5 min). */
export const createWechatBinding = async (): Promise<WechatBindingDTO> =>
  await api<WechatBindingDTO>({ method: 'POST', path: '/v1/console/wechat-bindings' })

export const getWechatBinding = async (id: string): Promise<WechatBindingDTO> =>
  await api<WechatBindingDTO>({ path: `/v1/console/wechat-bindings/${encodeURIComponent(id)}` })

export const listWechatIdentities = async (): Promise<WechatIdentityDTO[]> =>
  (await api<{ data: WechatIdentityDTO[] }>({ path: '/v1/console/wechat-identities' })).data

export const unbindWechatIdentity = async (id: string): Promise<void> => {
  await api<null>({ method: 'DELETE', path: `/v1/console/wechat-identities/${encodeURIComponent(id)}` })
}
