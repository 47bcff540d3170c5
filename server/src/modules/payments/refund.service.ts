import { eq } from 'drizzle-orm'
import { AppError, fen, type Fen, type IdGenerator, type RefundBody, type RefundDto } from '@yima/shared'
import type { DepositAdapter, DepositRefundInput } from '../../channels/deposits'
import type { ChannelRegistry } from '../../channels/registry'
import type { ChannelCredentials, ChannelName, RefundInput, RefundOutcome } from '../../channels/types'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { JobHandler, Outbox } from '../../outbox'
import { orders, type OrderRow, type RefundRow } from './payment.schema'
import { findRefund, listRefunds, reserveRefund } from './payment.repo'
import type { PaymentService } from './payment.service'
import { NotSettledYet } from './reconcile.jobs'

export const REFUND_SYNC_TOPIC = 'payments.refund_sync'

/**
 * When the first look at a refund the channel has not settled is due. Well after any channel call
 * can still be in flight (10 s at most), so "no such refund" then really means it was never made.
 */
export const REFUND_FIRST_SYNC_MS = 60_000

/** Who authorized a refund: a console account (the SP's operator) or a staff member. */
/** Who authorized a refund: a console account, a staff member, or a Cloud Pay integrator (its out_sub_mch_id). */
export interface RefundOperator { kind: 'account' | 'staff' | 'integrator', id: string }

export interface RefundSyncPayload { refundId: string }

export interface RefundDeps {
  db: Db
  clock: Clock
  newId: IdGenerator
  channels: ChannelRegistry
  /**
   * A deposit's consumption (P8) is refunded through the deposit API (WeChat `/deposit/refund`,
   * which wants the whole deposit's amount beside the refund): the adapters and that amount.
   */
  deposits?: { adapters: Readonly<Record<ChannelName, DepositAdapter>>, freezeFen: (depositId: string) => Promise<Fen> }
  outbox: Outbox
  payments: PaymentService
  publicUrl: string
}

export const refundDto = (r: RefundRow): RefundDto => ({
  id: r.id,
  orderId: r.orderId,
  outRefundNo: r.outRefundNo,
  amountFen: r.amountFen,
  status: r.status,
  reason: r.reason,
  operator: { kind: r.operatorKind, id: r.operatorId },
  refundedAt: r.refundedAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
})

/**
 * Refunds (P5). The amount is reserved under the order's row lock first (so concurrent refunds
 * never exceed what was paid), in the same transaction as the job that follows the refund to its
 * end; the channel is called afterwards, outside any transaction. "Accepted" is not "refunded":
 * a refund stays `processing` until the channel says succeeded or failed (its answer, a
 * notification, or the sync job's query), and a failed refund gives its amount back.
 */
export class RefundService {
  constructor (private readonly deps: RefundDeps) {}

  /**
   * Refunds `body.amountFen` of a paid order the caller may refund (checked by the caller). The
   * same outRefundNo again is the same refund (answered as it stands); with another amount, 409.
   */
  async create (operator: RefundOperator, order: OrderRow, body: RefundBody): Promise<{ refund: RefundRow, created: boolean }> {
    // The money of a card recharge is in a member's balance (M5): giving it back is a balance
    // change the merchant makes on the member, not a refund that would leave the balance standing.
    if (order.sourceType === 'card_recharge') throw new AppError('conflict', 'card_recharge_not_refundable')
    const now = this.deps.clock.now()
    const id = this.deps.newId('rfd')
    // Derived from the order's number, so the channel's bill lists it next to its payment: ≤ 32 + 1 + 26 characters.
    const outRefundNo = body.outRefundNo ?? `${order.outTradeNo}R${id.slice(4)}`
    const { refund, duplicate } = await this.deps.db.transaction(async (tx) => {
      const reserved = await reserveRefund(tx, {
        id,
        orderId: order.id,
        spId: order.spId,
        merchantId: order.merchantId,
        storeId: order.storeId,
        outRefundNo,
        amountFen: fen(body.amountFen),
        status: 'processing',
        reason: body.reason ?? null,
        operatorKind: operator.kind,
        operatorId: operator.id,
        createdAt: now,
        updatedAt: now,
      })
      if (!reserved.duplicate) {
        await this.deps.outbox.enqueue(tx, {
          topic: REFUND_SYNC_TOPIC,
          payload: { refundId: reserved.refund.id } satisfies RefundSyncPayload,
          dedupeKey: reserved.refund.id,
          runAt: new Date(now.getTime() + REFUND_FIRST_SYNC_MS),
        })
      }
      return reserved
    })
    if (refund.status !== 'processing') return { refund, created: !duplicate }
    // Also for a repeat of a refund still processing: the channel dedupes on out_refund_no, and
    // asking again recovers a request whose first call died halfway.
    return { refund: await this.#submit(refund, order), created: !duplicate }
  }

  async list (order: OrderRow): Promise<RefundRow[]> {
    return await listRefunds(this.deps.db, order.id)
  }

  /**
   * The sync job: asks the channel about a refund still processing. Alipay answers "not
   * refunded" both for a refund on its way and for one that never arrived, and asks for the
   * same out_request_no to be sent again; that is idempotent, so it is what happens here.
   */
  async sync ({ refundId }: RefundSyncPayload): Promise<Record<string, unknown>> {
    const refund = await findRefund(this.deps.db, refundId)
    if (refund === undefined) return { skipped: 'no such refund' }
    if (refund.status !== 'processing') return { status: refund.status }
    const order = await this.#order(refund.orderId)
    const creds = await this.deps.payments.credentialsOf(order)
    let outcome: RefundOutcome = await this.#query(refund, order, creds)
    if (outcome.kind === 'pending' && order.payPlatform === 'alipay') outcome = await this.#send(refund, order, creds)
    const applied = await this.deps.payments.applyRefundOutcome(refund, outcome)
    if (applied.status === 'processing') throw new NotSettledYet(`refund still ${outcome.kind === 'unknown' ? `unknown: ${outcome.reason}` : outcome.kind}`)
    return { status: applied.status }
  }

  handler (): JobHandler<RefundSyncPayload> {
    return {
      // WeChat settles most refunds within minutes, some (bank cards) within days. The first
      // entry is unused: the delay after the n-th failure is entry n.
      backoffMs: [0, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000],
      maxAttempts: 20,
      handle: async (payload) => await this.sync(payload),
    }
  }

  async #submit (refund: RefundRow, order: OrderRow): Promise<RefundRow> {
    const creds = await this.deps.payments.credentialsOf(order)
    const outcome = await this.#send(refund, order, creds)
    // pending / unknown: the refund stays processing; notifications and the sync job finish it.
    return await this.deps.payments.applyRefundOutcome(refund, outcome)
  }

  async #send (refund: RefundRow, order: OrderRow, creds: ChannelCredentials): Promise<RefundOutcome> {
    const deposit = this.#depositAdapter(order)
    const input = this.#input(refund, order)
    return deposit === undefined ? await this.deps.channels[order.payPlatform].refund(input, creds) : await deposit.refund(await this.#depositInput(refund, order), creds)
  }

  async #query (refund: RefundRow, order: OrderRow, creds: ChannelCredentials): Promise<RefundOutcome> {
    const deposit = this.#depositAdapter(order)
    if (deposit === undefined) return await this.deps.channels[order.payPlatform].queryRefund(order.outTradeNo, refund.outRefundNo, creds)
    return await deposit.queryRefund(await this.#depositInput(refund, order), creds)
  }

  async #depositInput (refund: RefundRow, order: OrderRow): Promise<DepositRefundInput> {
    const freezeFen = await this.deps.deposits?.freezeFen(order.depositId ?? '')
    if (freezeFen === undefined) throw new Error(`order ${order.id} consumes a deposit but no deposit adapter is configured`)
    // The consumption's transaction is the deposit's (WeChat consumes under the deposit's transaction_id).
    return { ...this.#input(refund, order), channelFreezeId: order.channelTxnId ?? '', freezeFen }
  }

  #depositAdapter (order: OrderRow): DepositAdapter | undefined {
    if (order.depositId === null) return undefined
    const adapter = this.deps.deposits?.adapters[order.payPlatform]
    if (adapter === undefined) throw new Error(`order ${order.id} consumes a deposit but no deposit adapter is configured`)
    return adapter
  }

  #input (refund: RefundRow, order: OrderRow): RefundInput {
    return {
      outTradeNo: order.outTradeNo,
      outRefundNo: refund.outRefundNo,
      refundFen: refund.amountFen,
      totalFen: order.amountFen,
      ...(refund.reason === null ? {} : { reason: refund.reason }),
      // Refund notifications come to the order's hook, where applyNotification matches them by out_refund_no.
      notifyUrl: `${this.deps.publicUrl}/hooks/${order.payPlatform}/${order.id}`,
    }
  }

  async #order (id: string): Promise<OrderRow> {
    const [order] = await this.deps.db.select().from(orders).where(eq(orders.id, id))
    if (order === undefined) throw new Error(`refund of a missing order ${id}`)
    return order
  }
}
