import { ONLINE_STORE_NAME, type CardPaymentDto, type LedgerEntryDto, type MemberCardDto, type MemberDto } from '@yima/shared'
import type { CardLedgerRow, CardMemberRow, CardPaymentRow, MemberCardRow } from './cards.schema'

export const memberDto = (m: CardMemberRow): MemberDto => ({
  id: m.id,
  cardId: m.cardId,
  state: m.state,
  name: m.name,
  phone: m.phone,
  code: m.code,
  principalFen: m.principalFen,
  bonusFen: m.bonusFen,
  balanceFen: m.principalFen + m.bonusFen,
  createdAt: m.createdAt.toISOString(),
  activatedAt: m.activatedAt?.toISOString() ?? null,
})

export const entryDto = (e: CardLedgerRow, storeNames: ReadonlyMap<string, string>): LedgerEntryDto => ({
  id: e.id,
  memberId: e.memberId,
  kind: e.kind,
  pot: e.pot,
  amountFen: e.amountFen,
  principalAfterFen: e.principalAfterFen,
  bonusAfterFen: e.bonusAfterFen,
  storeId: e.storeId,
  storeName: e.storeId === null ? ONLINE_STORE_NAME : storeNames.get(e.storeId) ?? '',
  orderId: e.orderId,
  paymentId: e.paymentId,
  reason: e.reason,
  operatorName: e.operatorName,
  createdAt: e.createdAt.toISOString(),
})

export const paymentDto = (p: CardPaymentRow, storeName: string | null): CardPaymentDto => ({
  id: p.id,
  memberId: p.memberId,
  storeId: p.storeId,
  storeName: p.storeId === null ? ONLINE_STORE_NAME : storeName ?? '',
  amountFen: p.amountFen,
  principalFen: p.principalFen,
  bonusFen: p.bonusFen,
  refundedFen: p.refundedPrincipalFen + p.refundedBonusFen,
  remark: p.remark,
  createdAt: p.createdAt.toISOString(),
})

/** The customer-facing URLs of a card: the claim page (also the wallet's entries) and the recharge QR's. */
export const cardUrls = (publicUrl: string, cardId: string): { page: string, recharge: string } => ({
  page: `${publicUrl}/card/${cardId}`,
  recharge: `${publicUrl}/card/${cardId}?recharge=1`,
})

export function cardDto (c: MemberCardRow, o: { publicUrl: string, memberCount: number, totalBalanceFen: number }): MemberCardDto {
  const urls = cardUrls(o.publicUrl, c.id)
  const approved = c.status === 'approved'
  return {
    id: c.id,
    merchantId: c.merchantId,
    wxCardId: c.wxCardId,
    title: c.title,
    logoUrl: c.logoUrl,
    color: c.color,
    notice: c.notice,
    description: c.description,
    rechargeMode: c.rechargeMode,
    tiers: c.tiers,
    balanceCapFen: c.balanceCapFen,
    status: c.status,
    refuseReason: c.refuseReason,
    claimUrl: approved ? urls.page : null,
    rechargeUrl: approved ? urls.recharge : null,
    memberCount: o.memberCount,
    totalBalanceFen: o.totalBalanceFen,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  }
}
