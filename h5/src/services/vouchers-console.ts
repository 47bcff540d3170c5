import type {
  ImportVoucherBatchBody, MerchantPayCredentialsBody, MerchantPayCredentialsDto, StorePauseBody, UpdateVoucherBatchBody,
  VoucherBatchDto, VoucherSetupDto,
} from '@yima/shared'
import { api } from './session'

/*
 * A merchant's WeChat Pay vouchers in the console (issue 9, C1–C4; seed 002 微信API证书配置 and
 * 导入pay券, seed 000 腾券发券手册): the merchant's own API credentials, the imported batches and
 * how yima hands them out, and the merchant's voucher page.
 */

const enc = encodeURIComponent
const merchantPath = (merchantId: string, rest: string): string => `/v1/merchants/${enc(merchantId)}${rest}`
const batchPath = (id: string, rest = ''): string => `/v1/voucher-batches/${enc(id)}${rest}`

/** The credentials (secrets only as present or not), the batches and the voucher page's link. */
export const getVoucherSetup = async (merchantId: string): Promise<VoucherSetupDto> =>
  await api<VoucherSetupDto>({ path: merchantPath(merchantId, '/vouchers') })

/** Replaces the merchant's credentials as a whole: the private key and APIv3 key are sent every time. */
export const savePayCredentials = async (merchantId: string, body: MerchantPayCredentialsBody): Promise<MerchantPayCredentialsDto> =>
  await api<MerchantPayCredentialsDto>({ method: 'PUT', path: merchantPath(merchantId, '/pay-credentials'), data: body })

/** Batches created by the merchant's own merchant ids are then issued as the SP. */
export const deletePayCredentials = async (merchantId: string): Promise<void> => {
  await api<null>({ method: 'DELETE', path: merchantPath(merchantId, '/pay-credentials') })
}

/** Reads the batch from WeChat; refused when it is not active, lasts more than 90 days or has no scenario's tags. */
export const importVoucherBatch = async (merchantId: string, body: ImportVoucherBatchBody): Promise<VoucherBatchDto> =>
  await api<VoucherBatchDto>({ method: 'POST', path: merchantPath(merchantId, '/voucher-batches'), data: body })

/** Uses, the 消费有礼 minimum, 下架 / 上架: only the fields sent change. */
export const updateVoucherBatch = async (id: string, body: UpdateVoucherBatchBody): Promise<VoucherBatchDto> =>
  await api<VoucherBatchDto>({ method: 'PATCH', path: batchPath(id), data: body })

/** WeChat's status and counts again. */
export const syncVoucherBatch = async (id: string): Promise<VoucherBatchDto> =>
  await api<VoucherBatchDto>({ method: 'POST', path: batchPath(id, '/sync') })

/** Pauses (or resumes) the batch's issuing at one store. */
export const setVoucherStorePaused = async (id: string, storeId: string, paused: boolean): Promise<VoucherBatchDto> =>
  await api<VoucherBatchDto>({ method: 'PUT', path: batchPath(id, `/stores/${enc(storeId)}`), data: { paused } satisfies StorePauseBody })

/** yima stops handing the batch out; vouchers already sent stay valid. */
export const deleteVoucherBatch = async (id: string): Promise<void> => {
  await api<null>({ method: 'DELETE', path: batchPath(id) })
}
