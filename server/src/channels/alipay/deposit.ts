import type { AlipaySdk } from 'alipay-sdk'
import { fenToYuanString, type Fen } from '@yima/shared'
import type { DepositAdapter, FreezeOutcome, UnfreezeInput, UnfreezeOutcome } from '../deposits'
import type { ChannelCredentials } from '../types'
import {
  alipayClient,
  alipayCredentials,
  call,
  createAlipayAdapter,
  nonEmpty,
  notAnswered,
  otherTrade,
  refusedCreate,
  succeeded,
  toFen,
  unknown,
  type AlipayAdapterOptions,
  type AlipayCredentials,
  type Answer,
} from './adapter'
import type { GatewayVerdict } from './status-map'
import {
  fromChinaTime,
  type CommonResponse,
  type FundAuthCancelResponse,
  type FundAuthDetailResponse,
  type FundAuthFreezeBiz,
  type FundAuthFreezeResponse,
  type FundAuthMethod,
  type FundAuthOperationRefBiz,
  type FundAuthUnfreezeBiz,
  type FundAuthUnfreezeResponse,
  type FundAuthVoucherBiz,
  type FundAuthVoucherResponse,
  type FundCancelAction,
  type FundOperationStatus,
  type TradePayFromAuthBiz,
  type TradePayResponse,
} from './wire'

/**
 * Alipay 资金授权 (当面资金授权, product PRE_AUTH) as deposits: the amount is frozen on the
 * customer's account (auth_no), released piecemeal (unfreeze) and consumed through alipay.trade.pay
 * with auth_no, a normal trade refunded as one. Our out_freeze_no is both out_order_no and the
 * freeze's out_request_no, so every query can name the freeze by our numbers alone.
 */
export function createAlipayDepositAdapter (o: AlipayAdapterOptions): DepositAdapter {
  // Consumption trades are ordinary trades: refunds go through the payment adapter.
  const trades = createAlipayAdapter(o)
  const client = (creds: ChannelCredentials): [AlipaySdk, AlipayCredentials] => {
    const c = alipayCredentials(creds)
    return [alipayClient(c, o), c]
  }

  return {
    channel: 'alipay',

    async microFreeze (i, creds) {
      const [sdk, c] = client(creds)
      const biz: FundAuthFreezeBiz = {
        ...orderBiz(i.outFreezeNo, i.description, i.amountFen),
        auth_code: i.authCode,
        auth_code_type: 'bar_code',
      }
      const a = await fundCall<FundAuthFreezeResponse>(sdk, c, 'alipay.fund.auth.order.freeze', biz)
      if (a.kind === 'unknown') return a
      switch (a.verdict.kind) {
        case 'ok': return freezeOutcome('alipay.fund.auth.order.freeze', a.body, i.outFreezeNo)
        // Not documented for freeze, but 10003 means the same as status INIT wherever Alipay uses it.
        case 'waiting': return { kind: 'pending', ...(nonEmpty(a.body.auth_no) ? { channelFreezeId: a.body.auth_no } : {}), raw: a.body }
        case 'refused':
          // A retried freeze that already went through: the query says with what.
          if (a.verdict.code === 'FREEZE_ALREADY_SUCCESS') return await queryFreeze(sdk, c, i.outFreezeNo)
          return { kind: 'failed', code: a.verdict.code, message: a.verdict.message, raw: a.body }
        default: return notAnswered('alipay.fund.auth.order.freeze', a.verdict, a.body)
      }
    },

    async scanFreeze (i, creds) {
      const [sdk, c] = client(creds)
      const biz: FundAuthVoucherBiz = { ...orderBiz(i.outFreezeNo, i.description, i.amountFen), timeout_express: timeoutExpress(i.expiresAt) }
      const a = await fundCall<FundAuthVoucherResponse>(sdk, c, 'alipay.fund.auth.order.voucher.create', biz)
      if (a.kind === 'unknown') return { outcome: a }
      switch (a.verdict.kind) {
        case 'ok': {
          if (a.body.out_order_no !== undefined && a.body.out_order_no !== i.outFreezeNo) {
            return { outcome: unknown(`voucher.create: answer is about out_order_no ${a.body.out_order_no}, not ${i.outFreezeNo}`, a.body) }
          }
          const qrCode = a.body.code_value
          if (!nonEmpty(qrCode)) return { outcome: unknown('voucher.create: 10000 without code_value', a.body) }
          // No auth_no yet: the order exists once the customer scans the code.
          return { outcome: { kind: 'pending', raw: a.body }, qrCode }
        }
        case 'refused': return { outcome: { kind: 'failed', code: a.verdict.code, message: a.verdict.message, raw: a.body } }
        default: return { outcome: notAnswered('alipay.fund.auth.order.voucher.create', a.verdict, a.body) }
      }
    },

    async queryFreeze (outFreezeNo, creds) {
      const [sdk, c] = client(creds)
      return await queryFreeze(sdk, c, outFreezeNo)
    },

    async cancelFreeze (outFreezeNo, creds) {
      const [sdk, c] = client(creds)
      const biz: FundAuthOperationRefBiz = { out_order_no: outFreezeNo, out_request_no: outFreezeNo, remark: '押金冻结撤销' }
      const a = await fundCall<FundAuthCancelResponse>(sdk, c, 'alipay.fund.auth.operation.cancel', biz)
      if (a.kind === 'unknown') return a
      switch (a.verdict.kind) {
        case 'ok': {
          if (a.body.out_order_no !== undefined && a.body.out_order_no !== outFreezeNo) {
            return unknown(`operation.cancel: answer is about out_order_no ${a.body.out_order_no}, not ${outFreezeNo}`, a.body)
          }
          const message = cancelMessage(a.body.action)
          if (message === undefined) return unknown(`operation.cancel: unrecognised action ${String(a.body.action)}`, a.body)
          return { kind: 'failed', code: 'CANCELLED', message, raw: a.body }
        }
        case 'refused':
          // Nothing reached Alipay, so nothing can complete later.
          if (a.verdict.code === 'AUTH_ORDER_NOT_EXIST') return { kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST', message: a.verdict.message, raw: a.body }
          // Not cancellable (released or paid in part, finished, over a day old): the freeze stands as the query says.
          return await queryFreeze(sdk, c, outFreezeNo)
        default: return notAnswered('alipay.fund.auth.operation.cancel', a.verdict, a.body)
      }
    },

    async consume (i, creds) {
      const [sdk, c] = client(creds)
      const biz: TradePayFromAuthBiz = {
        out_trade_no: i.outTradeNo,
        total_amount: fenToYuanString(i.amountFen),
        subject: i.description,
        product_code: 'PRE_AUTH',
        auth_no: i.channelFreezeId,
        auth_confirm_mode: i.complete ? 'COMPLETE' : 'NOT_COMPLETE',
        ...(i.payerId === undefined ? {} : { buyer_id: i.payerId }),
      }
      const a = await call<TradePayResponse>(sdk, c, 'alipay.trade.pay', biz)
      if (a.kind === 'unknown') return a
      const foreign = otherTrade('alipay.trade.pay', a.body, i.outTradeNo)
      if (foreign !== undefined) return foreign
      switch (a.verdict.kind) {
        case 'ok': return succeeded('alipay.trade.pay', a.body.trade_no, a.body.total_amount, a.body.gmt_payment, a.body)
        case 'waiting': return { kind: 'pending', ...(nonEmpty(a.body.trade_no) ? { channelTxnId: a.body.trade_no } : {}), raw: a.body }
        default: return refusedCreate('alipay.trade.pay', a.verdict, a.body)
      }
    },

    async queryConsume (i, creds) {
      const [sdk, c] = client(creds)
      const trade = await trades.queryPayment(i.outTradeNo, creds)
      if (trade.kind !== 'failed' || trade.code !== 'ACQ.TRADE_NOT_EXIST') return trade
      // No trade: the consumption never happened. Sending it again is safe while the freeze can still pay it.
      const freeze = await fundCall<FundAuthDetailResponse>(sdk, c, 'alipay.fund.auth.operation.detail.query', { out_order_no: i.outFreezeNo, out_request_no: i.outFreezeNo } satisfies FundAuthOperationRefBiz)
      if (freeze.kind === 'unknown') return freeze
      if (freeze.verdict.kind !== 'ok') return unknown(`detail.query after ACQ.TRADE_NOT_EXIST: ${freeze.verdict.kind}`, freeze.body)
      const rest = toFen(freeze.body.rest_amount)
      if (freeze.body.order_status === 'AUTHORIZED' && rest !== undefined && rest >= i.amountFen) return { kind: 'pending', raw: trade.raw }
      return { kind: 'failed', code: 'ACQ.TRADE_NOT_EXIST', message: `no consumption, and the freeze is ${String(freeze.body.order_status)} with ${String(freeze.body.rest_amount)} left`, raw: freeze.body }
    },

    async unfreeze (i, creds) {
      const [sdk, c] = client(creds)
      const biz: FundAuthUnfreezeBiz = {
        auth_no: i.channelFreezeId,
        out_request_no: i.outUnfreezeNo,
        amount: fenToYuanString(i.amountFen),
        // Required by Alipay; shown to the customer.
        remark: i.remark ?? '押金解冻',
      }
      const a = await fundCall<FundAuthUnfreezeResponse>(sdk, c, 'alipay.fund.auth.order.unfreeze', biz)
      if (a.kind === 'unknown') return a
      switch (a.verdict.kind) {
        case 'ok': return unfreezeOutcome('alipay.fund.auth.order.unfreeze', a.body, i)
        // The request was refused as a whole (more than the rest, finished, closed): nothing was released.
        case 'refused': return { kind: 'failed', code: a.verdict.code, message: a.verdict.message, raw: a.body }
        default: return notAnswered('alipay.fund.auth.order.unfreeze', a.verdict, a.body)
      }
    },

    async queryUnfreeze (i, creds) {
      const [sdk, c] = client(creds)
      const biz: FundAuthOperationRefBiz = { auth_no: i.channelFreezeId, out_request_no: i.outUnfreezeNo }
      const a = await fundCall<FundAuthDetailResponse>(sdk, c, 'alipay.fund.auth.operation.detail.query', biz)
      if (a.kind === 'unknown') return a
      switch (a.verdict.kind) {
        case 'ok':
          if (a.body.operation_type !== 'UNFREEZE') return unknown(`detail.query: ${i.outUnfreezeNo} is a ${String(a.body.operation_type)} operation, not UNFREEZE`, a.body)
          return unfreezeOutcome('alipay.fund.auth.operation.detail.query', a.body, i)
        case 'refused':
          // No such operation (or order): the unfreeze never happened, and retrying it is safe.
          if (a.verdict.code === 'AUTH_OPERATION_NOT_EXIST' || a.verdict.code === 'AUTH_ORDER_NOT_EXIST') {
            return { kind: 'failed', code: a.verdict.code, message: a.verdict.message, raw: a.body }
          }
          return unknown(`detail.query refused: ${a.verdict.code} ${a.verdict.message}`, a.body)
        default: return notAnswered('alipay.fund.auth.operation.detail.query', a.verdict, a.body)
      }
    },

    refund: async (i, creds) => await trades.refund(i, creds),
    queryRefund: async (i, creds) => await trades.queryRefund(i.outTradeNo, i.outRefundNo, creds),
  }
}

// ---- calls ----

/**
 * A fund auth call. Its sub codes have no `ACQ.` prefix, so its SYSTEM_ERROR ("call again with the
 * same parameters") is made `unavailable` here, as status-map does for ACQ.SYSTEM_ERROR.
 */
async function fundCall<T extends CommonResponse> (sdk: AlipaySdk, c: AlipayCredentials, method: FundAuthMethod, biz: object): Promise<Answer<T>> {
  const a = await call<T>(sdk, c, method, biz)
  if (a.kind === 'unknown') return a
  return { ...a, verdict: fundVerdict(a.verdict) }
}

const fundVerdict = (v: GatewayVerdict): GatewayVerdict =>
  v.kind === 'refused' && v.code === 'SYSTEM_ERROR' ? { kind: 'unavailable', code: v.code, message: v.message } : v

async function queryFreeze (sdk: AlipaySdk, c: AlipayCredentials, outFreezeNo: string): Promise<FreezeOutcome> {
  const biz: FundAuthOperationRefBiz = { out_order_no: outFreezeNo, out_request_no: outFreezeNo }
  const a = await fundCall<FundAuthDetailResponse>(sdk, c, 'alipay.fund.auth.operation.detail.query', biz)
  if (a.kind === 'unknown') return a
  switch (a.verdict.kind) {
    case 'ok':
      if (a.body.operation_type !== 'FREEZE') return unknown(`detail.query: ${outFreezeNo} is a ${String(a.body.operation_type)} operation, not FREEZE`, a.body)
      return freezeOutcome('alipay.fund.auth.operation.detail.query', a.body, outFreezeNo)
    case 'refused':
      // Also what an unscanned QR code answers: the order exists only once the customer scans it.
      // As with ACQ.TRADE_NOT_EXIST, the service keeps such a freeze pending until it expires.
      if (a.verdict.code === 'AUTH_ORDER_NOT_EXIST') return { kind: 'failed', code: 'AUTH_ORDER_NOT_EXIST', message: a.verdict.message, raw: a.body }
      return unknown(`detail.query refused: ${a.verdict.code} ${a.verdict.message}`, a.body)
    default: return notAnswered('alipay.fund.auth.operation.detail.query', a.verdict, a.body)
  }
}

// ---- outcomes ----

/** The FREEZE operation (freeze answer or detail query) as an outcome. */
function freezeOutcome (source: string, r: FundAuthFreezeResponse, outFreezeNo: string): FreezeOutcome {
  if (r.out_order_no !== undefined && r.out_order_no !== outFreezeNo) return unknown(`${source}: answer is about out_order_no ${r.out_order_no}, not ${outFreezeNo}`, r)
  const status = operationStatusOf(r.status)
  if (status === undefined) return unknown(`${source}: unrecognised status ${String(r.status)}`, r)
  switch (status) {
    case 'SUCCESS': {
      const amountFen = toFen(r.amount)
      if (!nonEmpty(r.auth_no) || amountFen === undefined) return unknown(`${source}: SUCCESS without a usable auth_no or amount`, r)
      return {
        kind: 'frozen',
        channelFreezeId: r.auth_no,
        amountFen,
        frozenAt: fromChinaTime(r.gmt_trans) ?? new Date(),
        ...(nonEmpty(r.payer_user_id) ? { payerId: r.payer_user_id } : {}),
        raw: r,
      }
    }
    case 'INIT': return { kind: 'pending', ...(nonEmpty(r.auth_no) ? { channelFreezeId: r.auth_no } : {}), raw: r }
    case 'CLOSED': return { kind: 'failed', code: 'CLOSED', message: 'the freeze was closed unconfirmed (timed out or cancelled)', raw: r }
  }
}

/** An UNFREEZE operation (unfreeze answer or detail query) as an outcome. */
function unfreezeOutcome (source: string, r: FundAuthUnfreezeResponse, i: UnfreezeInput): UnfreezeOutcome {
  if ((r.out_request_no !== undefined && r.out_request_no !== i.outUnfreezeNo) || (r.auth_no !== undefined && r.auth_no !== i.channelFreezeId)) {
    return unknown(`${source}: answer is about ${String(r.auth_no)}/${String(r.out_request_no)}, not ${i.channelFreezeId}/${i.outUnfreezeNo}`, r)
  }
  const status = operationStatusOf(r.status)
  if (status === undefined) return unknown(`${source}: unrecognised status ${String(r.status)}`, r)
  switch (status) {
    case 'SUCCESS': {
      // A repeated out_request_no answers the first operation: its amount must be the one asked for.
      const amountFen = toFen(r.amount)
      if (amountFen !== i.amountFen) return unknown(`${source}: SUCCESS for ${String(r.amount)}, not ${fenToYuanString(i.amountFen)}`, r)
      return { kind: 'succeeded', ...(nonEmpty(r.operation_id) ? { channelUnfreezeId: r.operation_id } : {}), amountFen, unfrozenAt: fromChinaTime(r.gmt_trans) ?? new Date(), raw: r }
    }
    case 'INIT': return { kind: 'pending', raw: r }
    case 'CLOSED': return { kind: 'failed', code: 'CLOSED', message: 'the unfreeze was closed', raw: r }
  }
}

// ---- Alipay's vocabulary (exhaustive; anything else is unknown, style.md §6) ----

const OPERATION_STATUSES: Record<FundOperationStatus, true> = { INIT: true, SUCCESS: true, CLOSED: true }
const CANCEL_ACTIONS: Record<FundCancelAction, true> = { close: true, unfreeze: true }
const isOneOf = <T extends string>(table: Record<T, true>, s: unknown): s is T => typeof s === 'string' && Object.hasOwn(table, s)

const operationStatusOf = (s: unknown): FundOperationStatus | undefined => isOneOf(OPERATION_STATUSES, s) ? s : undefined

function cancelMessage (action: unknown): string | undefined {
  if (!isOneOf(CANCEL_ACTIONS, action)) return undefined
  switch (action) {
    case 'close': return 'cancelled: the unconfirmed freeze was closed'
    case 'unfreeze': return 'cancelled: the freeze had succeeded and was released in full'
  }
}

// ---- small helpers ----

function orderBiz (outFreezeNo: string, description: string, amountFen: Fen): Pick<FundAuthFreezeBiz, 'out_order_no' | 'out_request_no' | 'order_title' | 'amount' | 'product_code'> {
  return { out_order_no: outFreezeNo, out_request_no: outFreezeNo, order_title: description, amount: fenToYuanString(amountFen), product_code: 'PRE_AUTH' }
}

/** voucher.create takes a relative timeout only (1m–15d): whole minutes until expiresAt, at least one. */
function timeoutExpress (expiresAt: Date): string {
  const minutes = Math.ceil((expiresAt.getTime() - Date.now()) / 60_000)
  return `${Math.min(Math.max(minutes, 1), 15 * 24 * 60)}m`
}
