import type { DefaultContext, DefaultState, ParameterizedContext } from 'koa'
import type Router from '@koa/router'
import type { Logger } from '../logger'

export interface AppState extends DefaultState {
  requestId: string
  logger: Logger
  /** Set by authentication middleware (issue 4); idempotency keys are scoped by it. */
  actor?: { id: string }
}

export type AppContext = ParameterizedContext<AppState, DefaultContext>
export type AppRouter = Router<AppState, DefaultContext>
