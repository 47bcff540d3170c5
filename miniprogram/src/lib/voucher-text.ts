import { fen, fenToYuanString, VOUCHER_SCENARIOS, VOUCHER_USES, type VoucherBatchDto } from '@yima/shared'
import { chinaDateTime } from './china-time'

/** 500 → '5', 550 → '5.5', 1234 → '12.34': yuan as a voucher's face reads. */
export function yuan (f: number): string {
  return fenToYuanString(fen(f)).replace(/\.?0+$/, '')
}

/** '满 50 减 5', or '无门槛减 5' when any payment may use it. */
export function faceText (b: Pick<VoucherBatchDto, 'amountFen' | 'thresholdFen'>): string {
  return b.thresholdFen > 0 ? `满 ${yuan(b.thresholdFen)} 减 ${yuan(b.amountFen)}` : `无门槛减 ${yuan(b.amountFen)}`
}

/** '2026-11-01 至 2027-01-29' in China dates. */
export function validityText (b: Pick<VoucherBatchDto, 'availableFrom' | 'availableTo'>): string {
  return `${chinaDateTime(b.availableFrom).slice(0, 10)} 至 ${chinaDateTime(b.availableTo).slice(0, 10)}`
}

/** 预充值: WeChat settles the discount to the merchant; 免充值: the merchant bears it. */
export const fundingText = (noCash: boolean): string => (noCash ? '免充值' : '预充值')

/** WeChat's batch statuses, as its back office names them. */
const WECHAT_STATUSES: Record<string, string> = { running: '运营中', paused: '已暂停', stoped: '已失效', unactivated: '待激活', audit: '审核中' }
export const wechatStatusText = (status: string): string => WECHAT_STATUSES[status] ?? status

export const scenarioText = (b: Pick<VoucherBatchDto, 'scenario'>): string => VOUCHER_SCENARIOS[b.scenario]?.label ?? b.scenario

/** '开卡有礼、消费有礼（满 50 元）', or '未设置用途'. */
export function usesText (b: Pick<VoucherBatchDto, 'uses' | 'spendGiftMinFen'>): string {
  if (b.uses.length === 0) return '未设置用途'
  return b.uses.map((u) => (u === 'spend_gift' && b.spendGiftMinFen !== null ? `${VOUCHER_USES[u]}（满 ${yuan(b.spendGiftMinFen)} 元）` : VOUCHER_USES[u])).join('、')
}
