import { createApiClient, type ClaimedVoucherDto, type ClaimVoucherBody, type MerchantVoucherPageDto, type PayCompleteOffersDto } from '@yima/shared'
import { fetchTransport } from '../lib/fetch-transport'

/*
 * The customer's vouchers (C3): offers on the pay-complete page and on the merchant's voucher page
 * (商户二维码), and claiming one. The same payer cookie and light client as the pay page (plain
 * fetch; types only from the vouchers module, whose schemas would bring zod).
 */
const voucherApi = createApiClient({ base: process.env.TARO_APP_API_BASE ?? '', send: fetchTransport })

/** The main voucher and one reward batch for a paid order (empty for Alipay payers). */
export const getPayCompleteOffers = async (orderId: string): Promise<PayCompleteOffersDto> =>
  await voucherApi.request<PayCompleteOffersDto>({ path: `/v1/public/pay/orders/${encodeURIComponent(orderId)}/vouchers` })

/** The merchant's voucher page for the code of its voucher QR. */
export const getVoucherPage = async (code: string): Promise<MerchantVoucherPageDto> =>
  await voucherApi.request<MerchantVoucherPageDto>({ path: `/v1/public/voucher-pages/${encodeURIComponent(code)}` })

/** One key per claim attempt, reused only when the previous POST got no answer (as pay orders). */
export const claimVoucher = async (body: ClaimVoucherBody, idempotencyKey: string): Promise<ClaimedVoucherDto> =>
  await voucherApi.request<ClaimedVoucherDto>({ method: 'POST', path: '/v1/public/vouchers/claims', data: body, idempotencyKey })
