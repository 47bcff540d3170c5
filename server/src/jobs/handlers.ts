import type { JobHandlers } from '../outbox'

/**
 * Every outbox topic this server can carry out, by name. Modules add theirs here as they arrive
 * (payment messages, SMS, printers, speakers, trade-complete callbacks); a worker only claims the
 * topics listed, so an older instance in a rolling deploy leaves newer topics to newer instances.
 */
export function createJobHandlers (): JobHandlers {
  return {}
}
