import type { OnDutyDto } from '@yima/shared'
import { api } from '../lib/session'

/** Clocking in and out at a store (H1): the person's own clerk or manager row there. */
export async function clockIn (storeId: string): Promise<OnDutyDto> {
  return await api<OnDutyDto>({ path: `/v1/mobile/stores/${encodeURIComponent(storeId)}/clock-in`, method: 'POST' })
}

export async function clockOut (storeId: string): Promise<OnDutyDto> {
  return await api<OnDutyDto>({ path: `/v1/mobile/stores/${encodeURIComponent(storeId)}/clock-out`, method: 'POST' })
}

/** Whether the caller is on duty at the store (404/403 when they do not work there). */
export async function dutyAt (storeId: string): Promise<OnDutyDto> {
  return await api<OnDutyDto>({ path: `/v1/mobile/stores/${encodeURIComponent(storeId)}/shifts/me` })
}
