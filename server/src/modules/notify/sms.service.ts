import { PermanentJobError, type JobContext, type JobHandler } from '../../outbox'
import type { Db } from '../../db/client'
import type { TencentSms } from '../../channels/sms/client'
import type { DeliveryLedger } from './ledger'
import { mobileNumber, paymentSmsParams } from './messages.content'
import { paymentMessageContext } from './messages.repo'

export const SMS_TOPIC = 'notify.sms'

/** Like the template message: a few tries within about two minutes. */
export const SMS_BACKOFF_MS: readonly number[] = [0, 10_000, 30_000, 60_000]

/**
 * Payment messages by SMS (N1's fallback): Tencent Cloud SendSms to the person's phone with the
 * payment template. Per-number refusals (a daily limit, a blacklisted number) fail the row with
 * the gateway's code; a busy gateway or no answer is tried again, then the row fails.
 */
export class SmsDeliveries {
  constructor (private readonly deps: { db: Db, ledger: DeliveryLedger, sms: TencentSms | null }) {}

  handler (): JobHandler<{ deliveryId: string }> {
    return {
      backoffMs: SMS_BACKOFF_MS,
      maxAttempts: SMS_BACKOFF_MS.length,
      timeoutMs: 15_000,
      handle: async (job, ctx) => await this.#send(job.deliveryId, ctx),
    }
  }

  async #send (deliveryId: string, ctx: JobContext): Promise<unknown> {
    const { db, ledger, sms } = this.deps
    const row = await ledger.get(db, deliveryId)
    if (row === undefined) throw new PermanentJobError(`delivery ${deliveryId} does not exist`)
    if (row.status !== 'pending') return { status: row.status }
    const c = await paymentMessageContext(db, row)
    if (c === undefined) throw new PermanentJobError(`order ${row.subjectId} of delivery ${row.id} does not exist`)
    const phone = mobileNumber(c.person?.phone ?? null)
    if (sms === null || c.person === undefined || c.person.deletedAt !== null || phone === undefined) {
      const error = sms === null ? '平台未配置短信' : phone === undefined ? '店员没有手机号' : '店员已被删除'
      await ledger.settle(db, row.id, { status: 'failed', error })
      return { status: 'failed' }
    }

    const outcome = await sms.send({ phone, params: paymentSmsParams(c.facts), sessionContext: row.id })
    if (outcome.kind === 'sent') {
      await ledger.settle(db, row.id, { status: 'sent' })
      return { serialNo: outcome.serialNo, fee: outcome.fee }
    }
    const reason = `短信 ${outcome.code}：${outcome.message}`.slice(0, 500)
    if (outcome.kind === 'retry' && !await ledger.lastAttempt(db, ctx.jobId, ctx.attempt)) {
      await ledger.settle(db, row.id, { status: 'pending', error: reason })
      throw new Error(reason)
    }
    await ledger.settle(db, row.id, { status: 'failed', error: reason })
    return { status: 'failed', code: outcome.code }
  }
}
