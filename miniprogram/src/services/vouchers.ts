import type { MobileRoleDto, StorePauseBody, VoucherBatchDto, VoucherSetupDto } from '@yima/shared'
import { api } from '../lib/session'

/**
 * 代金券 on the phone (issue 9, C1–C4; seed 000 腾券发券手册 "可以使用下架功能暂停某批次券的发行，或者
 * 某门店的发券能力"): the merchant's imported batches, 下架 / 上架 (merchant admins), per-store
 * pauses (admins for any store, store managers for their own), and the ad on the pay-complete
 * page (C4, merchant admins). The server answers 403 to anyone else.
 */

const enc = encodeURIComponent

/** A merchant whose vouchers the person may see, and what they may change there. */
export interface VoucherMerchant {
  merchantId: string
  merchantName: string
  /** Its merchant admin: 下架 / 上架, every store's pause, the pay-complete ad. */
  admin: boolean
  /** The stores they manage (store manager), each pausable by them; the admin's come from the stores list. */
  managedStores: Array<{ storeId: string, storeName: string }>
}

/** The merchants the person administers or manages a store of, each once, in the order of the roles. */
export function voucherMerchants (roles: readonly MobileRoleDto[]): VoucherMerchant[] {
  const merchants = new Map<string, VoucherMerchant>()
  for (const r of roles) {
    if ((r.role !== 'merchant_admin' && r.role !== 'store_manager') || r.merchantId === null) continue
    const known = merchants.get(r.merchantId) ?? { merchantId: r.merchantId, merchantName: r.merchantName ?? '商户', admin: false, managedStores: [] }
    if (r.role === 'merchant_admin') known.admin = true
    if (r.role === 'store_manager' && r.storeId !== null && !known.managedStores.some((s) => s.storeId === r.storeId)) {
      known.managedStores.push({ storeId: r.storeId, storeName: r.storeName ?? '门店' })
    }
    merchants.set(r.merchantId, known)
  }
  return [...merchants.values()]
}

/** The merchants whose pay-complete ad the person may set (merchant admins only). */
export const adMerchants = (roles: readonly MobileRoleDto[]): VoucherMerchant[] => voucherMerchants(roles).filter((m) => m.admin)

/** The merchant's batches (credentials: presence only) and its voucher page. */
export async function getVoucherSetup (merchantId: string): Promise<VoucherSetupDto> {
  return await api<VoucherSetupDto>({ path: `/v1/mobile/merchants/${enc(merchantId)}/vouchers` })
}

/** 下架 (true) or 上架 (false) the batch: while paused no store hands it out. Merchant admins. */
export async function setBatchPaused (batchId: string, paused: boolean): Promise<VoucherBatchDto> {
  return await api<VoucherBatchDto>({ path: `/v1/mobile/voucher-batches/${enc(batchId)}`, method: 'PATCH', data: { paused } })
}

/** Pauses (or resumes) the batch's issuing at one store. */
export async function setStorePaused (batchId: string, storeId: string, paused: boolean): Promise<VoucherBatchDto> {
  const body: StorePauseBody = { paused }
  return await api<VoucherBatchDto>({ path: `/v1/mobile/voucher-batches/${enc(batchId)}/stores/${enc(storeId)}`, method: 'PUT', data: body })
}

/** The merchant's ad on the pay-complete page (C4); null clears a field. */
export interface MerchantAd { adImageUrl: string | null, adUrl: string | null }

/** The ad the pay-complete page shows now (merchant admins). */
export async function merchantAd (merchantId: string): Promise<MerchantAd> {
  return await api<MerchantAd>({ path: `/v1/mobile/merchants/${enc(merchantId)}/ad` })
}

export async function updateMerchantAd (merchantId: string, ad: MerchantAd): Promise<MerchantAd> {
  return await api<MerchantAd>({ path: `/v1/mobile/merchants/${enc(merchantId)}/ad`, method: 'PATCH', data: ad })
}
