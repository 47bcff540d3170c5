import type {
  AddStoreStaffBody, MobileMeDto, QrCodeDTO, StaffDTO, StaffNotificationsBody, StaffNotificationsDto, UpdateStaffBody,
} from '@yima/shared'
import { api } from '../lib/session'

/**
 * A store's people on the phone (S2): the merchant admin manages everyone of the merchant's
 * stores, a store manager the clerks of their own store; the server answers 403 with the reason
 * otherwise. And the signed-in person's own payment-message switches (N1).
 */

const enc = encodeURIComponent

export async function getStaff (id: string): Promise<StaffDTO> {
  return await api<StaffDTO>({ path: `/v1/mobile/staff/${enc(id)}` })
}

/** 201 with the new person, not yet activated: their activation QR comes next. */
export async function addStoreStaff (storeId: string, body: AddStoreStaffBody): Promise<StaffDTO> {
  return await api<StaffDTO>({ path: `/v1/mobile/stores/${enc(storeId)}/staff`, method: 'POST', data: body })
}

export async function updateStaff (id: string, body: UpdateStaffBody): Promise<StaffDTO> {
  return await api<StaffDTO>({ path: `/v1/mobile/staff/${enc(id)}`, method: 'PATCH', data: body })
}

export async function removeStaff (id: string): Promise<void> {
  await api<unknown>({ path: `/v1/mobile/staff/${enc(id)}`, method: 'DELETE' })
}

export async function setRefundPermission (id: string, refundPermission: boolean): Promise<StaffDTO> {
  return await api<StaffDTO>({ path: `/v1/mobile/staff/${enc(id)}/refund-permission`, method: 'POST', data: { refundPermission } })
}

/** The live activation code (the same one until it expires); 409 once the person is activated. */
export async function getActivationQr (id: string): Promise<QrCodeDTO & { staffId: string }> {
  return await api<QrCodeDTO & { staffId: string }>({ path: `/v1/mobile/staff/${enc(id)}/activation-qr` })
}

export async function getMe (): Promise<MobileMeDto> {
  return await api<MobileMeDto>({ path: '/v1/mobile/me' })
}

export async function getMyNotifications (storeId: string): Promise<StaffNotificationsDto> {
  return await api<StaffNotificationsDto>({ path: `/v1/mobile/staff/me/notifications?storeId=${enc(storeId)}` })
}

export async function updateMyNotifications (body: StaffNotificationsBody): Promise<StaffNotificationsDto> {
  return await api<StaffNotificationsDto>({ path: '/v1/mobile/staff/me/notifications', method: 'PATCH', data: body })
}
