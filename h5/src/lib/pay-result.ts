import { fen, formatFen, type OrderStatus, type PayOrderDto } from '@yima/shared'

/**
 * How long the pay-complete page asks before saying "still confirming": the notification usually
 * lands within a second or two of the cashier closing; the server also queries the channel while
 * the order is pending. About 30 s in all.
 */
export const PAY_POLL_SCHEDULE: readonly number[] = [500, 1000, 1000, 1000, 1500, 1500, 2000, 2000, 3000, 3000, 5000, 8000]

/** Seconds between 支付成功 and going to the SP's pay-complete URL. */
export const COMPLETE_REDIRECT_SECONDS = 3

export const isFinalStatus = (s: OrderStatus): boolean => s !== 'created' && s !== 'pending'

export interface PayResultView {
  tone: 'success' | 'waiting' | 'pending' | 'error'
  title: string
  detail: string
}

/**
 * The pay-complete page's headline for an order. `gaveUp`: the poll schedule ran out while the
 * order was still open (or could not be read).
 */
export function payResultView (order: PayOrderDto | null, gaveUp: boolean): PayResultView {
  const status = order?.status
  if (status === 'succeeded') return { tone: 'success', title: '支付成功', detail: order === null ? '' : formatFen(fen(order.amountFen)) }
  if (status === 'failed') return { tone: 'error', title: '支付失败', detail: '本次支付没有成功，未扣款。您可以返回重新付款。' }
  if (status === 'closed') return { tone: 'error', title: '订单已关闭', detail: '订单已超时或已关闭，未扣款。如需付款，请重新扫码。' }
  if (status === 'reversed') return { tone: 'error', title: '订单已撤销', detail: '订单已撤销，如已扣款将原路退回。' }
  if (gaveUp) return { tone: 'pending', title: '支付结果确认中', detail: '如您已完成付款，请稍后刷新查看结果，请勿重复付款。' }
  return { tone: 'waiting', title: '正在确认支付结果…', detail: '' }
}

export const storeLabel = (store: { name: string, branchName: string | null }): string =>
  store.branchName === null || store.branchName === '' ? store.name : `${store.name}（${store.branchName}）`
