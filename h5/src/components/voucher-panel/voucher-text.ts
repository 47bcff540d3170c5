import { fen, fenToYuanString, VOUCHER_SCENARIOS, type VoucherBatchDto } from '@yima/shared'

/** 500 → '5', 550 → '5.5', 1234 → '12.34': yuan as a voucher's face reads. */
export function yuan (f: number): string {
  return fenToYuanString(fen(f)).replace(/\.?0+$/, '')
}

/** '满 50 减 5', or '无门槛减 5' when any payment may use it. */
export function faceText (b: Pick<VoucherBatchDto, 'amountFen' | 'thresholdFen'>): string {
  return b.thresholdFen > 0 ? `满 ${yuan(b.thresholdFen)} 减 ${yuan(b.amountFen)}` : `无门槛减 ${yuan(b.amountFen)}`
}

// China keeps UTC+8 all year: validity dates read as WeChat shows them whatever the viewer's zone.
const chinaDate = (iso: string): string => {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? '—' : new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)
}

/** '2026-11-01 至 2027-01-29' (China dates). */
export function validityText (b: Pick<VoucherBatchDto, 'availableFrom' | 'availableTo'>): string {
  return `${chinaDate(b.availableFrom)} 至 ${chinaDate(b.availableTo)}`
}

/** 预充值: WeChat settles the discount to the merchant; 免充值: the merchant bears it. */
export function fundingText (noCash: boolean): string {
  return noCash ? '免充值' : '预充值'
}

export const FUNDING_HINT = '预充值：优惠由批次资金承担，商户订单实收不变；免充值：优惠从商户订单实收中扣减。'

/** WeChat's batch statuses, as its back office names them. */
const WECHAT_STATUSES: Record<string, { label: string, tone: 'ok' | 'bad' | 'warn' }> = {
  running: { label: '运营中', tone: 'ok' },
  paused: { label: '已暂停', tone: 'warn' },
  stoped: { label: '已失效', tone: 'bad' },
  unactivated: { label: '待激活', tone: 'warn' },
  audit: { label: '审核中', tone: 'warn' },
}

export function wechatStatus (status: string): { label: string, tone: 'ok' | 'bad' | 'warn' } {
  return WECHAT_STATUSES[status] ?? { label: status, tone: 'warn' }
}

export function scenarioText (b: Pick<VoucherBatchDto, 'scenario'>): string {
  return VOUCHER_SCENARIOS[b.scenario]?.label ?? b.scenario
}

/** The six scenarios of seed 002 as its table reads: 核销场景, 是否可与通用券互斥, 订单优惠标记. */
export const SCENARIO_ROWS = Object.entries(VOUCHER_SCENARIOS).map(([key, s]) => {
  const [where = '', mutex = ''] = s.label.split(' · ')
  return { key, where, mutex, tags: [...s.tags] as string[] }
})
