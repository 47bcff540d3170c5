import { fen, fenToYuanString } from '@yima/shared'
import { rfc3339China } from '../core/ids'
import { discountOf, type Ledger, type Order, type Refund } from './ledger'

// 交易账单 in WeChat's CSV layout: a BOM, a header row, one row per payment or refund with every
// cell prefixed by a backtick, then a summary caption and row. Formatter.castCsvBill reads it.

const HEADER = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态',
  '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态',
  '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注',
]
const SUMMARY = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额']

const yuan = (amount: number): string => fenToYuanString(fen(amount))
/** Fees at the usual 0.6 %, with five decimals of yuan: 0.6 % of n fen is exactly 6n hundred-thousandths of a yuan. */
const feeYuan = (fen: number): string => {
  const v = fen * 6
  return `${Math.trunc(v / 100_000)}.${String(v % 100_000).padStart(5, '0')}`
}
const billTime = (at: Date): string => rfc3339China(at).slice(0, 19).replace('T', ' ')
const billDay = (at: Date): string => rfc3339China(at).slice(0, 10)

/** The part of the voucher the merchant doesn't settle (免充值 vouchers). */
const noCashDiscount = (o: Order): number => o.promotions.filter((p) => p.type === 'NOCASH').reduce((s, p) => s + p.amount, 0)

interface Row { cells: string[], settlement: number, refund: number, total: number, requested: number }

function paymentRow (o: Order): Row {
  const settlement = o.total - noCashDiscount(o)
  return {
    cells: [
      billTime(o.successTime ?? o.createdAt), o.spAppId, o.spMchId, o.subMchId, o.deviceId ?? '', o.transactionId ?? '', o.outTradeNo,
      o.payer.sp_openid ?? o.payer.sub_openid ?? '', o.tradeType, 'SUCCESS', o.bankType ?? 'OTHERS', 'CNY', yuan(settlement), yuan(discountOf(o)),
      '0', '0', '0.00', '0.00', '', '', o.description, o.attach ?? '', feeYuan(settlement), '0.60%', yuan(o.total), '0.00', '',
    ],
    settlement,
    refund: 0,
    total: o.total,
    requested: 0,
  }
}

function refundRow (r: Refund): Row {
  const o = r.order
  const settlementRefund = r.amount - Math.min(r.discountRefund, noCashDiscount(o))
  return {
    cells: [
      billTime(o.successTime ?? o.createdAt), o.spAppId, o.spMchId, o.subMchId, o.deviceId ?? '', o.transactionId ?? '', o.outTradeNo,
      o.payer.sp_openid ?? o.payer.sub_openid ?? '', o.tradeType, 'REFUND', o.bankType ?? 'OTHERS', 'CNY', '0.00', '0.00',
      r.refundId, r.outRefundNo, yuan(settlementRefund), '0.00', 'ORIGINAL', 'SUCCESS', o.description, o.attach ?? '', '0.00000', '0.60%',
      '0.00', yuan(r.amount), '',
    ],
    settlement: 0,
    refund: settlementRefund,
    total: 0,
    requested: r.amount,
  }
}

/** The trade bill of one China-time day, or undefined when nothing happened (NO_STATEMENT_EXIST). */
export function tradeBill (ledger: Ledger, o: { day: string, spMchId: string, subMchId?: string, type: 'ALL' | 'SUCCESS' | 'REFUND' }): Buffer | undefined {
  const mine = (order: Order): boolean => order.spMchId === o.spMchId && (o.subMchId === undefined || order.subMchId === o.subMchId)
  const payments = o.type === 'REFUND'
    ? []
    : ledger.orders().filter((x) => mine(x) && x.successTime !== undefined && billDay(x.successTime) === o.day).map(paymentRow)
  const refunds = o.type === 'SUCCESS'
    ? []
    : ledger.refunds().filter((r) => mine(r.order) && r.status === 'SUCCESS' && r.successTime !== undefined && billDay(r.successTime) === o.day).map(refundRow)
  const rows = [...payments, ...refunds]
  if (rows.length === 0) return undefined
  const sum = (f: (r: Row) => number): number => rows.reduce((s, r) => s + f(r), 0)
  const lines = [
    HEADER.join(','),
    ...rows.map((r) => r.cells.map((c) => `\`${c}`).join(',')),
    SUMMARY.join(','),
    [String(rows.length), yuan(sum((r) => r.settlement)), yuan(sum((r) => r.refund)), '0.00', feeYuan(sum((r) => r.settlement)), yuan(sum((r) => r.total)), yuan(sum((r) => r.requested))]
      .map((c) => `\`${c}`).join(','),
  ]
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8')
}
