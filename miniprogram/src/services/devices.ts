import {
  ApiError,
  type AddCashierDeviceBody, type AddCloudPrinterBody, type AddCloudSpeakerBody, type CashierDeviceDTO, type CloudDeviceDeletedDto,
  type CloudPrinterDto, type CloudSpeakerDto, type DeviceConfigQrDTO, type List, type UpdateCloudPrinterBody, type UpdateCloudSpeakerBody,
} from '@yima/shared'
import { api } from '../lib/session'

/**
 * A store's devices on the phone, for the merchant admin and the store's manager: cashier devices
 * (S5, seed 000 添加收银设备) and cloud printers and speakers (S6/S7, 云打印机/云喇叭自助配置).
 * A duplicate SN answers 409 `device_already_bound` ("设备已被绑定").
 */

const enc = encodeURIComponent

export async function listCashierDevices (storeId: string): Promise<CashierDeviceDTO[]> {
  return (await api<List<CashierDeviceDTO>>({ path: `/v1/mobile/stores/${enc(storeId)}/cashier-devices` })).data
}

export async function addCashierDevice (storeId: string, body: AddCashierDeviceBody): Promise<CashierDeviceDTO> {
  return await api<CashierDeviceDTO>({ path: `/v1/mobile/stores/${enc(storeId)}/cashier-devices`, method: 'POST', data: body })
}

/** The SN becomes free to bind again; past orders keep naming the device. */
export async function unbindCashierDevice (id: string): Promise<CashierDeviceDTO> {
  return await api<CashierDeviceDTO>({ path: `/v1/mobile/cashier-devices/${enc(id)}/unbind`, method: 'POST' })
}

/** What the device-configuration QR encodes, and the path of the same QR as a PNG. */
export async function getDeviceConfigQr (id: string): Promise<DeviceConfigQrDTO> {
  return await api<DeviceConfigQrDTO>({ path: `/v1/mobile/cashier-devices/${enc(id)}/config-qr` })
}

export async function listPrinters (storeId: string): Promise<CloudPrinterDto[]> {
  return (await api<List<CloudPrinterDto>>({ path: `/v1/mobile/stores/${enc(storeId)}/printers` })).data
}

export async function addPrinter (storeId: string, body: AddCloudPrinterBody): Promise<CloudPrinterDto> {
  return await api<CloudPrinterDto>({ path: `/v1/mobile/stores/${enc(storeId)}/printers`, method: 'POST', data: body })
}

export async function updatePrinter (id: string, body: UpdateCloudPrinterBody): Promise<CloudPrinterDto> {
  return await api<CloudPrinterDto>({ path: `/v1/mobile/printers/${enc(id)}`, method: 'PATCH', data: body })
}

export async function removePrinter (id: string): Promise<CloudDeviceDeletedDto> {
  return await api<CloudDeviceDeletedDto>({ path: `/v1/mobile/printers/${enc(id)}`, method: 'DELETE' })
}

export async function listSpeakers (storeId: string): Promise<CloudSpeakerDto[]> {
  return (await api<List<CloudSpeakerDto>>({ path: `/v1/mobile/stores/${enc(storeId)}/speakers` })).data
}

export async function addSpeaker (storeId: string, body: AddCloudSpeakerBody): Promise<CloudSpeakerDto> {
  return await api<CloudSpeakerDto>({ path: `/v1/mobile/stores/${enc(storeId)}/speakers`, method: 'POST', data: body })
}

export async function updateSpeaker (id: string, body: UpdateCloudSpeakerBody): Promise<CloudSpeakerDto> {
  return await api<CloudSpeakerDto>({ path: `/v1/mobile/speakers/${enc(id)}`, method: 'PATCH', data: body })
}

export async function removeSpeaker (id: string): Promise<CloudDeviceDeletedDto> {
  return await api<CloudDeviceDeletedDto>({ path: `/v1/mobile/speakers/${enc(id)}`, method: 'DELETE' })
}

/** A payment QR code of the store that a printer or speaker can be bound to. */
export interface StoreQrCodeOption { id: string, name: string | null, displayCode: string, kindLabel: string }

/**
 * The store's payment codes, to bind a printer or speaker to one of them. A server without the
 * route (404 route_not_found) offers only the whole store.
 */
export async function listStoreQrCodes (storeId: string): Promise<StoreQrCodeOption[]> {
  try {
    return (await api<List<StoreQrCodeOption>>({ path: `/v1/mobile/stores/${enc(storeId)}/qr-codes` })).data
  } catch (e) {
    if (e instanceof ApiError && e.code === 'route_not_found') return []
    throw e
  }
}
