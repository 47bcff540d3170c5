import { PermanentJobError, type JobContext, type JobHandler } from '../../outbox'
import type { Db, Tx } from '../../db/client'
import type { OrderRow } from '../payments/payment.schema'
import type { PaymentEvents } from '../payments/payment.service'
import type { StaffRow } from '../tenancy/tenancy.schema'
import type { DeliveryLedger, NewDelivery } from './ledger'
import { maskOpenid, maskPhone, mobileNumber, paymentTemplateData } from './messages.content'
import { paymentRecipients } from './messages.recipients'
import { paymentMessageContext, type PaymentMessageContext } from './messages.repo'
import type { TemplateOutcome, TemplateSender } from './messages.sender'
import type { DeliveryRow } from './notify.schema'
import { SMS_TOPIC } from './sms.service'

export const PAYMENT_TEMPLATE_TOPIC = 'notify.payment_template'

/**
 * A payment message is only worth something soon after the payment: a few tries over about two
 * minutes (now, +10 s, +30 s, +60 s), then the SMS takes over.
 */
export const MESSAGE_BACKOFF_MS: readonly number[] = [0, 10_000, 30_000, 60_000]
export const MESSAGE_MAX_ATTEMPTS = MESSAGE_BACKOFF_MS.length

export interface DeliveryJob { deliveryId: string }

/**
 * Payment messages to clerks (N1): on a paid one-code order, one template-message delivery per
 * recipient (messages.recipients.ts) in the payment's transaction; the job sends it through the
 * SP's official account and, when that cannot work or keeps failing, hands over to an SMS to the
 * person's phone (sms.service.ts). Every step is a row of the delivery ledger (N2).
 */
export class PaymentMessages {
  constructor (private readonly deps: { db: Db, ledger: DeliveryLedger, sender: TemplateSender, smsEnabled: boolean }) {}

  /** For PaymentService (services.ts): refunds tell nobody here. */
  readonly events: PaymentEvents = {
    paid: async (tx, order) => { await this.enqueue(tx, order) },
    refunded: async () => {},
  }

  /** One delivery and job per recipient; a repeated paid event finds the rows and adds nothing. */
  async enqueue (tx: Tx, order: OrderRow): Promise<DeliveryRow[]> {
    const written: DeliveryRow[] = []
    for (const person of await paymentRecipients(tx, order)) {
      const row = await this.deps.ledger.enqueue(tx, {
        ...tenantOf(order),
        subject: 'payment',
        subjectId: order.id,
        channel: 'template',
        recipientKind: 'staff',
        recipientId: person.id,
        target: person.wxOpenid === null ? '未绑定微信' : maskOpenid(person.wxOpenid),
      }, PAYMENT_TEMPLATE_TOPIC)
      if (row !== undefined) written.push(row)
    }
    return written
  }

  handler (): JobHandler<DeliveryJob> {
    return {
      backoffMs: MESSAGE_BACKOFF_MS,
      maxAttempts: MESSAGE_MAX_ATTEMPTS,
      // A token fetch and a send, 10 s each at most.
      timeoutMs: 25_000,
      handle: async (job, ctx) => await this.#send(job, ctx),
    }
  }

  async #send ({ deliveryId }: DeliveryJob, ctx: JobContext): Promise<unknown> {
    const { db, ledger } = this.deps
    const row = await ledger.get(db, deliveryId)
    if (row === undefined) throw new PermanentJobError(`delivery ${deliveryId} does not exist`)
    // Run again after it was settled (a worker died after sending): nothing more to do.
    if (row.status !== 'pending') return { status: row.status }
    const c = await paymentMessageContext(db, row)
    if (c === undefined) throw new PermanentJobError(`order ${row.subjectId} of delivery ${row.id} does not exist`)
    const person = c.person
    if (person === undefined || person.deletedAt !== null) {
      await ledger.settle(db, row.id, { status: 'failed', error: '店员已被删除' })
      return { status: 'failed' }
    }

    const outcome = await this.#attempt(row, person, c, ctx.signal)
    if (outcome.kind === 'sent') {
      await ledger.settle(db, row.id, { status: 'sent' })
      return { msgid: outcome.msgid }
    }
    if (outcome.kind === 'retry' && !await ledger.lastAttempt(db, ctx.jobId, ctx.attempt)) {
      await ledger.settle(db, row.id, { status: 'pending', error: outcome.reason })
      throw new Error(outcome.reason)
    }
    return await this.#fallBack(row, person, outcome.reason)
  }

  /** One try: through the SP's account, if it, the person's openid under it and the template are there. */
  async #attempt (row: DeliveryRow, person: StaffRow, c: PaymentMessageContext, signal: AbortSignal): Promise<TemplateOutcome> {
    const { sender } = this.deps
    const account = sender.account(c.sp)
    if ('problem' in account) return { kind: 'failed', reason: account.problem }
    if (person.wxOpenid === null || person.wxAppId !== account.appId) return { kind: 'failed', reason: '店员未在服务商公众号下激活（没有 openid）' }
    const templateId = sender.templateId(account.appId)
    if (templateId === undefined) return { kind: 'failed', reason: '服务商公众号未配置收款消息模板（WX_PAY_TEMPLATE_ID）' }
    return await sender.send(account.source, {
      touser: person.wxOpenid,
      template_id: templateId,
      // WeChat drops a repeat within 10 minutes: a rerun after a lost answer does not tell twice.
      client_msg_id: row.id,
      data: paymentTemplateData(c.facts),
    }, signal)
  }

  /** The template message will not arrive: an SMS to the person's phone instead, if there is one. */
  async #fallBack (row: DeliveryRow, person: StaffRow, reason: string): Promise<unknown> {
    const { db, ledger } = this.deps
    const phone = mobileNumber(person.phone)
    return await db.transaction(async (tx) => {
      if (phone === undefined || !this.deps.smsEnabled) {
        const why = phone === undefined ? '店员没有手机号，无法改发短信' : '平台未配置短信，无法改发短信'
        await ledger.settle(tx, row.id, { status: 'failed', error: `${reason}；${why}` })
        return { status: 'failed' }
      }
      // Someone else settled it meanwhile: they also decided about the SMS.
      if (!await ledger.settle(tx, row.id, { status: 'fallback', error: reason })) return { status: 'settled elsewhere' }
      await ledger.enqueue(tx, { ...tenantOf(row), subject: row.subject as NewDelivery['subject'], subjectId: row.subjectId, channel: 'sms', recipientKind: 'staff', recipientId: person.id, target: maskPhone(phone) }, SMS_TOPIC)
      return { status: 'fallback' }
    })
  }
}

const tenantOf = (r: { spId: string, sspId: string | null, merchantId: string, storeId: string | null }): Pick<NewDelivery, 'spId' | 'sspId' | 'merchantId' | 'storeId'> =>
  ({ spId: r.spId, sspId: r.sspId, merchantId: r.merchantId, storeId: r.storeId })
