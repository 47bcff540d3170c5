import type { StaffDTO, StaffRole } from '@yima/shared'
import { cookieApi } from './api'

export type EntityKind = 'sp' | 'ssp' | 'merchant' | 'store'
export const ENTITY_KINDS: readonly EntityKind[] = ['sp', 'ssp', 'merchant', 'store']

export interface ManagedEntity { kind: EntityKind, id: string, name: string, role: StaffRole, admins: StaffDTO[] }

/** What the management QR opens (T4): the entity and its admins, for the WeChat user the cookie names. */
export const getManagedEntity = async (kind: EntityKind, id: string): Promise<ManagedEntity> =>
  await cookieApi.request<ManagedEntity>({ path: `/v1/mobile/entities/${kind}/${encodeURIComponent(id)}` })
