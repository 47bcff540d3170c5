import type { CreateStoreBody, List, MobileRoleDto, StaffDTO, StoreDTO, UpdateStoreBody } from '@yima/shared'
import { api } from '../lib/session'

/**
 * 门店 (S1) on the phone: anyone with a role at a store reads it; adding, editing and deleting are
 * the merchant admin's (the server answers 403 with the reason otherwise).
 */

const enc = encodeURIComponent

/** The merchant's stores the caller may see (deleted stores are not listed). */
export async function listStores (merchantId: string): Promise<StoreDTO[]> {
  return (await api<List<StoreDTO>>({ path: `/v1/mobile/merchants/${enc(merchantId)}/stores` })).data
}

export async function getStore (id: string): Promise<StoreDTO> {
  return await api<StoreDTO>({ path: `/v1/mobile/stores/${enc(id)}` })
}

export async function createStore (merchantId: string, body: CreateStoreBody): Promise<StoreDTO> {
  return await api<StoreDTO>({ path: `/v1/mobile/merchants/${enc(merchantId)}/stores`, method: 'POST', data: body })
}

/** Absent fields stay; `''` clears an optional text field. */
export async function updateStore (id: string, body: UpdateStoreBody): Promise<StoreDTO> {
  return await api<StoreDTO>({ path: `/v1/mobile/stores/${enc(id)}`, method: 'PATCH', data: body })
}

/** Refused (store_has_recent_transactions) when the store took payments in the last month. */
export async function deleteStore (id: string): Promise<void> {
  await api<unknown>({ path: `/v1/mobile/stores/${enc(id)}`, method: 'DELETE' })
}

/** The store's managers and clerks: for the merchant admin and the store's manager only (403 otherwise). */
export async function listStoreStaff (storeId: string): Promise<StaffDTO[]> {
  return (await api<{ data: StaffDTO[] }>({ path: `/v1/mobile/stores/${enc(storeId)}/staff` })).data
}

/** What the signed-in person may do at a store, read off their roles to decide what to show. */
export interface StoreAccess {
  /** The merchant admin: edits and deletes the store. */
  admin: boolean
  /** Their clerk or manager role at this store: they clock in and out here. */
  worker: MobileRoleDto | undefined
  /** The merchant admin or this store's manager: people, devices and binding codes. */
  manages: boolean
}

/**
 * Mirrors the server's rules (tenancy/mobile.ts) so nobody is offered a button that answers 403;
 * the server still decides on every request.
 */
export function accessAt (roles: readonly MobileRoleDto[], store: Pick<StoreDTO, 'id' | 'merchantId'>): StoreAccess {
  const admin = roles.some((r) => r.role === 'merchant_admin' && r.merchantId === store.merchantId)
  const worker = roles.find((r) => (r.role === 'clerk' || r.role === 'store_manager') && r.storeId === store.id)
  return { admin, worker, manages: admin || worker?.role === 'store_manager' }
}
