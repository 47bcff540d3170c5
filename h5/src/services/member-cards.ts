import type { CardSetupDto, CardSubMerchantBody, MemberCardBody, MemberCardDto, MerchantCardDto } from '@yima/shared'
import { api } from './session'

/*
 * The merchant's stored-value membership card in the console (issue 8, M1–M2; seed 000 配置会员卡):
 * the SP's 微信卡券权限, the merchant's 卡券子商户ID and review status, and the card itself.
 */

const path = (merchantId: string, rest = ''): string => `/v1/merchants/${encodeURIComponent(merchantId)}/member-card${rest}`

/** The card's setup (permission, card sub-merchant) and the card, null until one is added. */
export const getMerchantCard = async (merchantId: string): Promise<MerchantCardDto> =>
  await api<MerchantCardDto>({ path: path(merchantId) })

/** Sets the 卡券子商户ID (not the WeChat Pay sub_mch_id); the server asks WeChat for its review status at once. */
export const setCardSubMerchant = async (merchantId: string, body: CardSubMerchantBody): Promise<CardSetupDto> =>
  await api<CardSetupDto>({ method: 'PUT', path: path(merchantId, '/sub-merchant'), data: body })

/** Asks WeChat again for the card sub-merchant's and the card's review status. */
export const syncMerchantCard = async (merchantId: string): Promise<MerchantCardDto> =>
  await api<MerchantCardDto>({ method: 'POST', path: path(merchantId, '/sync') })

/** Creates the card (sent to WeChat for review); refused until the card sub-merchant is approved. */
export const createMemberCard = async (merchantId: string, body: MemberCardBody): Promise<MemberCardDto> =>
  await api<MemberCardDto>({ method: 'POST', path: path(merchantId), data: body })

/** Changes only the fields sent. */
export const updateMemberCard = async (merchantId: string, body: Partial<MemberCardBody>): Promise<MemberCardDto> =>
  await api<MemberCardDto>({ method: 'PATCH', path: path(merchantId), data: body })

/** Refused (409 member_card_has_balance) while any member still has a balance. */
export const deleteMemberCard = async (merchantId: string): Promise<void> => {
  await api<null>({ method: 'DELETE', path: path(merchantId) })
}
