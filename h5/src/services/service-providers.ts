import type {
  CreateServiceProviderBody, List, MaidanSyncDTO, ServiceProviderDTO, UpdateServiceProviderBody,
} from '@yima/shared'
import { query } from './api'
import { api } from './session'

const path = (id: string, rest = ''): string => `/v1/service-providers/${encodeURIComponent(id)}${rest}`

export const listServiceProviders = async (o: { startingAfter?: string } = {}): Promise<List<ServiceProviderDTO>> =>
  await api<List<ServiceProviderDTO>>({ path: `/v1/service-providers${query({ limit: 100, startingAfter: o.startingAfter })}` })

export const getServiceProvider = async (id: string): Promise<ServiceProviderDTO> => await api<ServiceProviderDTO>({ path: path(id) })

export const createServiceProvider = async (body: CreateServiceProviderBody): Promise<ServiceProviderDTO> =>
  await api<ServiceProviderDTO>({ method: 'POST', path: '/v1/service-providers', data: body })

export const updateServiceProvider = async (id: string, body: UpdateServiceProviderBody): Promise<ServiceProviderDTO> =>
  await api<ServiceProviderDTO>({ method: 'PATCH', path: path(id), data: body })

/** The open platform's authorization page for the SP's official account (T3); opened in a new window. */
export const startOfficialAccountAuthorization = async (id: string): Promise<{ url: string }> =>
  await api<{ url: string }>({ method: 'POST', path: path(id, '/official-account/authorization') })

/** 绑定微信买单服务商助手 (T8). */
export const bindMaidan = async (id: string): Promise<unknown> => await api<unknown>({ method: 'POST', path: path(id, '/maidan/bind') })

/** 同步买单子商户: accepted at once (202), then polled. */
export const startMaidanSync = async (id: string): Promise<MaidanSyncDTO> =>
  await api<MaidanSyncDTO>({ method: 'POST', path: path(id, '/maidan/syncs') })

export const getMaidanSync = async (syncId: string): Promise<MaidanSyncDTO> =>
  await api<MaidanSyncDTO>({ path: `/v1/maidan-syncs/${encodeURIComponent(syncId)}` })
