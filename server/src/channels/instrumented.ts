import type { Metrics } from '../metrics'
import type { DepositAdapter } from './deposits'
import { ChannelSignatureError, type ChannelAdapter, type ChannelName } from './types'

export type ChannelMetrics = Pick<Metrics, 'channelCalls' | 'channelCallDuration'>

/**
 * The same adapter, counting every channel call by outcome and timing it (O3): the outcome is the
 * result's `kind` (succeeded, pending, failed, unknown, frozen…), `error` when the call threw (the
 * error is rethrown unchanged). A notification counts as `ok` when verified, `unverified` on a
 * ChannelSignatureError. `supports` and `ack` do no I/O and are passed through.
 *
 * Every operation is listed in an object literal of the adapter's type, so an operation added to
 * the contract fails to compile here rather than going uncounted.
 */
export function instrumentAdapter (adapter: ChannelAdapter, metrics: ChannelMetrics): ChannelAdapter
export function instrumentAdapter (adapter: DepositAdapter, metrics: ChannelMetrics): DepositAdapter
export function instrumentAdapter (adapter: ChannelAdapter | DepositAdapter, metrics: ChannelMetrics): ChannelAdapter | DepositAdapter {
  return 'createPayment' in adapter ? instrumentPayments(adapter, metrics) : instrumentDeposits(adapter, metrics)
}

const kindOf = (r: { kind: string }): string => r.kind

function instrumentPayments (a: ChannelAdapter, metrics: ChannelMetrics): ChannelAdapter {
  const call = recorder(metrics, a.channel, '')
  return {
    channel: a.channel,
    supports: (method) => a.supports(method),
    createPayment: async (i, c) => await call('createPayment', async () => await a.createPayment(i, c), (r) => r.outcome.kind),
    queryPayment: async (outTradeNo, c) => await call('queryPayment', async () => await a.queryPayment(outTradeNo, c), kindOf),
    closePayment: async (outTradeNo, c) => await call('closePayment', async () => await a.closePayment(outTradeNo, c), kindOf),
    reversePayment: async (outTradeNo, c) => await call('reversePayment', async () => await a.reversePayment(outTradeNo, c), kindOf),
    refund: async (i, c) => await call('refund', async () => await a.refund(i, c), kindOf),
    queryRefund: async (outTradeNo, outRefundNo, c) => await call('queryRefund', async () => await a.queryRefund(outTradeNo, outRefundNo, c), kindOf),
    parseNotification: async (req, c) => await call(
      'parseNotification',
      async () => await a.parseNotification(req, c),
      () => 'ok',
      (err) => err instanceof ChannelSignatureError ? 'unverified' : 'error',
    ),
    ack: (ok) => a.ack(ok),
  }
}

/** Deposit operations are labelled `deposit.<operation>`, apart from the payment adapter's (both have `refund`). */
function instrumentDeposits (a: DepositAdapter, metrics: ChannelMetrics): DepositAdapter {
  const call = recorder(metrics, a.channel, 'deposit.')
  const scanFreeze = a.scanFreeze
  return {
    channel: a.channel,
    microFreeze: async (i, c) => await call('microFreeze', async () => await a.microFreeze(i, c), kindOf),
    scanFreeze: scanFreeze === null ? null : async (i, c) => await call('scanFreeze', async () => await scanFreeze(i, c), (r) => r.outcome.kind),
    queryFreeze: async (outFreezeNo, c) => await call('queryFreeze', async () => await a.queryFreeze(outFreezeNo, c), kindOf),
    cancelFreeze: async (outFreezeNo, c) => await call('cancelFreeze', async () => await a.cancelFreeze(outFreezeNo, c), kindOf),
    consume: async (i, c) => await call('consume', async () => await a.consume(i, c), kindOf),
    queryConsume: async (i, c) => await call('queryConsume', async () => await a.queryConsume(i, c), kindOf),
    unfreeze: async (i, c) => await call('unfreeze', async () => await a.unfreeze(i, c), kindOf),
    queryUnfreeze: async (i, c) => await call('queryUnfreeze', async () => await a.queryUnfreeze(i, c), kindOf),
    refund: async (i, c) => await call('refund', async () => await a.refund(i, c), kindOf),
    queryRefund: async (i, c) => await call('queryRefund', async () => await a.queryRefund(i, c), kindOf),
  }
}

/** Runs one call, then counts it under its outcome and records how long it took, whether it returned or threw. */
function recorder (metrics: ChannelMetrics, channel: ChannelName, prefix: string) {
  return async <T>(op: string, run: () => Promise<T>, outcome: (r: T) => string, failure: (err: unknown) => string = () => 'error'): Promise<T> => {
    const operation = prefix + op
    const started = process.hrtime.bigint()
    const done = (label: string): void => {
      metrics.channelCallDuration.observe({ channel, operation }, Number(process.hrtime.bigint() - started) / 1e9)
      metrics.channelCalls.inc({ channel, operation, outcome: label })
    }
    let result: T
    try {
      result = await run()
    } catch (err) {
      done(failure(err))
      throw err
    }
    done(outcome(result))
    return result
  }
}
