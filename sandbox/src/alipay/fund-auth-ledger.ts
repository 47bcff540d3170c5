import { fen, type Fen } from '@yima/shared'
import { chinaDate, digits } from '../core/ids'
import type { SimWorld } from '../core/world'
import type { Buyer } from './auth'

/** 资金授权 (fund auth, 预授权): an authorised amount held on the customer's account, released or paid out piecemeal. */

export type OperationType = 'FREEZE' | 'UNFREEZE' | 'PAY'
export type OperationStatus = 'INIT' | 'SUCCESS' | 'CLOSED'
/** INIT until the freeze succeeds; FINISH once something was paid and nothing stays frozen; CLOSED when it never froze or all of it was released. */
export type AuthOrderStatus = 'INIT' | 'AUTHORIZED' | 'FINISH' | 'CLOSED'

export interface FundOperation {
  /** 20 digits, like Alipay's operation_id. */
  operationId: string
  outRequestNo: string
  type: OperationType
  status: OperationStatus
  amount: Fen
  remark?: string
  createdAt: Date
  /** When the money moved (gmt_trans). */
  transAt?: Date
  /** PAY: the trade the consumption created. */
  tradeNo?: string
}

export interface AuthOrder {
  /** 28 digits: China date + 20 digits, like 2016101210002001810258115912. */
  authNo: string
  outOrderNo: string
  appId: string
  authAppId: string
  /** The merchant the app_auth_token names (or the ISV's own PID): orders are scoped to it. */
  sellerId: string
  origin: 'freeze' | 'voucher'
  productCode: string
  orderTitle: string
  /** The amount asked for; held once the freeze operation succeeds. */
  amount: Fen
  status: AuthOrderStatus
  /** A scan-code (voucher) order exists for queries only once the customer scans it, like a precreate trade. */
  visible: boolean
  payer?: Buyer
  /** voucher.create's QR content. */
  codeValue?: string
  operations: FundOperation[]
  unfrozen: Fen
  paid: Fen
  createdAt: Date
  expiresAt: number
  /** What alipay.fund.auth.operation.cancel did, so a repeated cancel answers the same action. */
  cancelAction?: 'close' | 'unfreeze'
}

export type NewAuthOrder = Pick<AuthOrder, 'outOrderNo' | 'appId' | 'authAppId' | 'sellerId' | 'origin' | 'productCode' | 'orderTitle' | 'amount' | 'expiresAt'>
  & Partial<Pick<AuthOrder, 'payer' | 'codeValue'>> & { outRequestNo: string, remark?: string }

/** A refusal with Alipay's fund auth sub code (these carry no ACQ. prefix). */
export interface FundAuthRefusal { refused: string, message: string }

/** How the next bar-code freeze goes; set by `POST /__sim/alipay/fund-auth/next`. */
export const FREEZE_OUTCOMES = ['SUCCESS', 'INIT_THEN_SUCCESS', 'INIT_TIMEOUT', 'FAIL'] as const
export type FreezeOutcome = typeof FREEZE_OUTCOMES[number]

/**
 * Every merchant's fund auth orders and their operations, with the invariants Alipay keeps:
 * Σ unfreeze + Σ pay ≤ the frozen amount; rest = frozen − unfrozen − paid; nothing moves before
 * the freeze succeeds or after the order ends. Amounts are fen.
 */
export class FundAuthLedger {
  readonly #orders = new Map<string, AuthOrder>()
  readonly #byOut = new Map<string, AuthOrder>()
  /** Scripted bar-code freeze outcomes, first one next; empty means SUCCESS. */
  readonly next: Array<{ result: FreezeOutcome, buyerId?: string }> = []

  constructor (private readonly world: SimWorld) {}

  /** A new order with its FREEZE operation, INIT until the customer confirms (`confirm`). */
  create (n: NewAuthOrder): AuthOrder {
    const now = this.world.clock.now()
    const { outRequestNo, remark, ...fields } = n
    const order: AuthOrder = {
      ...fields,
      authNo: `${chinaDate(now)}${digits(20)}`,
      status: 'INIT',
      visible: n.origin === 'freeze',
      operations: [operation('FREEZE', outRequestNo, n.amount, now, remark)],
      unfrozen: fen(0),
      paid: fen(0),
      createdAt: now,
    }
    this.#orders.set(order.authNo, order)
    this.#byOut.set(key(order.sellerId, order.outOrderNo), order)
    // A freeze nobody confirmed (or a QR code nobody scanned) closes at its timeout.
    this.world.scheduler.at(order.expiresAt, () => { this.close(order) })
    return order
  }

  /** An order of this seller by auth_no (preferred) or out_order_no, visible or not. */
  find (sellerId: string, ref: { authNo?: string, outOrderNo?: string }): AuthOrder | undefined {
    const o = ref.authNo !== undefined ? this.#orders.get(ref.authNo) : this.#byOut.get(key(sellerId, ref.outOrderNo ?? ''))
    return o?.sellerId === sellerId ? o : undefined
  }

  byCodeValue (codeValue: string): AuthOrder | undefined { return this.all().find((o) => o.codeValue === codeValue) }

  all (): AuthOrder[] { return [...this.#orders.values()] }

  /** The FREEZE operation: every order has exactly one, first. */
  freezeOf (o: AuthOrder): FundOperation {
    const op = o.operations[0]
    if (op?.type !== 'FREEZE') throw new TypeError(`auth order ${o.authNo} has no freeze operation`)
    return op
  }

  /** What is held now: the whole amount once frozen, minus what was released or paid. */
  rest (o: AuthOrder): Fen {
    return o.status === 'AUTHORIZED' ? fen(o.amount - o.unfrozen - o.paid) : fen(0)
  }

  /** The customer confirmed (entered the password, scanned and agreed): the amount is now held. */
  confirm (o: AuthOrder, payer: Buyer): boolean {
    const op = this.freezeOf(o)
    if (o.status !== 'INIT' || op.status !== 'INIT') return false
    op.status = 'SUCCESS'
    op.transAt = this.world.clock.now()
    o.status = 'AUTHORIZED'
    o.visible = true
    o.payer = payer
    return true
  }

  /** A freeze that never succeeded closes (timeout, cancel). */
  close (o: AuthOrder): boolean {
    if (o.status !== 'INIT') return false
    this.freezeOf(o).status = 'CLOSED'
    o.status = 'CLOSED'
    return true
  }

  /** Releases part of the rest; releasing the last of it ends the order. */
  unfreeze (o: AuthOrder, outRequestNo: string, amount: Fen, remark?: string): FundOperation | FundAuthRefusal {
    const refusal = this.#movable(o, amount)
    if (refusal !== undefined) return refusal
    const op = operation('UNFREEZE', outRequestNo, amount, this.world.clock.now(), remark)
    op.status = 'SUCCESS'
    op.transAt = op.createdAt
    o.operations.push(op)
    o.unfrozen = fen(o.unfrozen + amount)
    this.#endIfEmpty(o)
    return op
  }

  /**
   * 转支付: `amount` of the rest becomes the paid trade `tradeNo`. `complete` (auth_confirm_mode
   * COMPLETE) releases whatever stays frozen and ends the order.
   */
  pay (o: AuthOrder, outRequestNo: string, amount: Fen, tradeNo: string, complete: boolean): FundOperation | FundAuthRefusal {
    const refusal = this.#movable(o, amount)
    if (refusal !== undefined) return refusal
    const now = this.world.clock.now()
    const op = { ...operation('PAY', outRequestNo, amount, now), status: 'SUCCESS' as const, transAt: now, tradeNo }
    o.operations.push(op)
    o.paid = fen(o.paid + amount)
    const rest = this.rest(o)
    if (complete && rest > 0) {
      const release = { ...operation('UNFREEZE', `${outRequestNo}_complete`, rest, now, '转支付完结'), status: 'SUCCESS' as const, transAt: now }
      o.operations.push(release)
      o.unfrozen = fen(o.unfrozen + rest)
    }
    this.#endIfEmpty(o)
    return op
  }

  #movable (o: AuthOrder, amount: Fen): FundAuthRefusal | undefined {
    switch (o.status) {
      case 'INIT': return { refused: 'ILLEGAL_STATUS', message: '订单状态非法' }
      case 'FINISH': return { refused: 'ORDER_ALREADY_FINISH', message: '授权订单已经完结，无法再进行资金操作' }
      case 'CLOSED': return { refused: 'ORDER_ALREADY_CLOSED', message: '授权订单已经关闭，无法再进行资金操作' }
      case 'AUTHORIZED': break
    }
    if (amount > this.rest(o)) return { refused: 'REQUEST_AMOUNT_EXCEED', message: '请求金额超过剩余冻结金额' }
    return undefined
  }

  /** Nothing left frozen: FINISH when some of it was paid, CLOSED when all of it went back (Alipay's order_status). */
  #endIfEmpty (o: AuthOrder): void {
    if (this.rest(o) > 0) return
    o.status = o.paid > 0 ? 'FINISH' : 'CLOSED'
  }

  reset (): void {
    this.#orders.clear()
    this.#byOut.clear()
    this.next.length = 0
  }
}

function operation (type: OperationType, outRequestNo: string, amount: Fen, at: Date, remark?: string): FundOperation {
  return { operationId: `${chinaDate(at).slice(2)}${digits(14)}`, outRequestNo, type, status: 'INIT', amount, createdAt: at, ...(remark === undefined ? {} : { remark }) }
}

const key = (sellerId: string, outOrderNo: string): string => `${sellerId}|${outOrderNo}`
