import type { AddStaffBody, QrCodeDTO, StaffDTO } from '@yima/shared'
import { api } from './session'

/** Whose admins: a service provider, a sub-service provider or a merchant (T4, T5). */
export type StaffOwnerKind = 'sp' | 'ssp' | 'merchant'
export interface StaffOwner { kind: StaffOwnerKind, id: string }

const COLLECTION: Record<StaffOwnerKind, string> = { sp: 'service-providers', ssp: 'sub-service-providers', merchant: 'merchants' }
const ownerPath = (o: StaffOwner, rest: string): string => `/v1/${COLLECTION[o.kind]}/${encodeURIComponent(o.id)}${rest}`

export const listStaff = async (owner: StaffOwner): Promise<StaffDTO[]> =>
  (await api<{ data: StaffDTO[] }>({ path: ownerPath(owner, '/staff') })).data

export const addStaff = async (owner: StaffOwner, body: AddStaffBody): Promise<StaffDTO> =>
  await api<StaffDTO>({ method: 'POST', path: ownerPath(owner, '/staff'), data: body })

/** Refused for the last admin and the last refund-capable admin (last_admin, last_refund_admin). */
export const deleteStaff = async (id: string): Promise<void> => {
  await api<null>({ method: 'DELETE', path: `/v1/staff/${encodeURIComponent(id)}` })
}

/** A single-use, expiring activation QR for this admin. */
export const getActivationQr = async (staffId: string): Promise<QrCodeDTO> =>
  await api<QrCodeDTO>({ path: `/v1/staff/${encodeURIComponent(staffId)}/activation-qr` })

/** The management QR of the owner: opens its admin pages on a phone. */
export const getManagementQr = async (owner: StaffOwner): Promise<QrCodeDTO> =>
  await api<QrCodeDTO>({ path: ownerPath(owner, '/management-qr') })
