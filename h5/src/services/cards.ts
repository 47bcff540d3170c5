import {
  createApiClient,
  type ActivateCardBody,
  type AddCardParamsDto,
  type CardPayBody,
  type CardPaymentDto,
  type ClaimCardBody,
  type CustomerCardDto,
  type LedgerPageDto,
  type MemberDto,
  type RechargeBody,
  type RechargeDto,
} from '@yima/shared'
import { fetchTransport } from '../lib/fetch-transport'

/*
 * The customer's membership card (M3, `/v1/public/cards`): the same payer cookie and the same
 * light client as the pay page (plain fetch; types only from the cards module, whose schemas
 * would bring zod onto a customer's first load).
 */
const cardApi = createApiClient({ base: process.env.TARO_APP_API_BASE ?? '', send: fetchTransport })
const cardPath = (cardId: string, rest = ''): string => `/v1/public/cards/${encodeURIComponent(cardId)}${rest}`

/** The card, and this customer's membership; `code` (a store's one-code) names the store recharges count under. */
export const getCustomerCard = async (cardId: string, code?: string): Promise<CustomerCardDto> =>
  await cardApi.request<CustomerCardDto>({ path: cardPath(cardId, code === undefined ? '' : `?code=${encodeURIComponent(code)}`) })

/** The card and its signed cardExt for the bridge's `batchAddCard`. */
export const getAddCardParams = async (cardId: string): Promise<AddCardParamsDto> =>
  await cardApi.request<AddCardParamsDto>({ method: 'POST', path: cardPath(cardId, '/add-card-params') })

/** The encrypted code `batchAddCard` answered: the membership is made (state claimed). */
export const claimCard = async (cardId: string, body: ClaimCardBody): Promise<MemberDto> =>
  await cardApi.request<MemberDto>({ method: 'POST', path: cardPath(cardId, '/claims'), data: body })

export const activateCard = async (cardId: string, body: ActivateCardBody): Promise<MemberDto> =>
  await cardApi.request<MemberDto>({ method: 'POST', path: cardPath(cardId, '/activation'), data: body })

/** The customer's own entries: `days` China days from `date` (YYYY-MM-DD), newest first. */
export const getCardLedger = async (cardId: string, q: { date: string, days: number }): Promise<LedgerPageDto> =>
  await cardApi.request<LedgerPageDto>({ path: cardPath(cardId, `/ledger?date=${q.date}&days=${q.days}`) })

/** One key per attempt, as for pay orders: a retried POST is the same recharge order. */
export const createRecharge = async (cardId: string, body: RechargeBody, idempotencyKey: string): Promise<RechargeDto> =>
  await cardApi.request<RechargeDto>({ method: 'POST', path: cardPath(cardId, '/recharges'), data: body, idempotencyKey })

export const getRecharge = async (cardId: string, orderId: string): Promise<RechargeDto> =>
  await cardApi.request<RechargeDto>({ path: cardPath(cardId, `/recharges/${encodeURIComponent(orderId)}`) })

export interface CardPayResultDto { payment: CardPaymentDto, member: MemberDto }

/** 会员卡余额付款 on a store's one-code page. */
export const payWithCard = async (cardId: string, body: CardPayBody, idempotencyKey: string): Promise<CardPayResultDto> =>
  await cardApi.request<CardPayResultDto>({ method: 'POST', path: cardPath(cardId, '/payments'), data: body, idempotencyKey })
