import type { CreateSubServiceProviderBody, List, SubServiceProviderDTO, UpdateSubServiceProviderBody } from '@yima/shared'
import { query } from './api'
import { api } from './session'

const path = (id: string, rest = ''): string => `/v1/sub-service-providers/${encodeURIComponent(id)}${rest}`

export const listSubServiceProviders = async (o: { serviceProviderId?: string, startingAfter?: string } = {}): Promise<List<SubServiceProviderDTO>> =>
  await api<List<SubServiceProviderDTO>>({ path: `/v1/sub-service-providers${query({ serviceProviderId: o.serviceProviderId, limit: 100, startingAfter: o.startingAfter })}` })

export const getSubServiceProvider = async (id: string): Promise<SubServiceProviderDTO> => await api<SubServiceProviderDTO>({ path: path(id) })

export const createSubServiceProvider = async (body: CreateSubServiceProviderBody): Promise<SubServiceProviderDTO> =>
  await api<SubServiceProviderDTO>({ method: 'POST', path: '/v1/sub-service-providers', data: body })

export const updateSubServiceProvider = async (id: string, body: UpdateSubServiceProviderBody): Promise<SubServiceProviderDTO> =>
  await api<SubServiceProviderDTO>({ method: 'PATCH', path: path(id), data: body })
