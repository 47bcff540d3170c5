import { AppError } from '@yima/shared'

/**
 * A channel call that failed in transport or answered something unexpected: the person sees a
 * retryable channel error, the cause stays in the log.
 */
export function channelFailure (err: unknown): never {
  if (err instanceof AppError) throw err
  throw new AppError('channel', 'channel_error', '支付渠道暂时不可用，请稍后再试', { cause: err })
}
