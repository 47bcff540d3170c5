import type { DefaultContext, DefaultState, ParameterizedContext } from 'koa'
import type Router from '@koa/router'
import type { Logger } from '../logger'
import type { Actor } from '../modules/identity'

export interface AppState extends DefaultState {
  requestId: string
  logger: Logger
  /** The signed-in caller, set by `requireAccount`; idempotency keys are scoped by it. */
  actor?: Actor
}

export type AppContext = ParameterizedContext<AppState, DefaultContext>
export type AppRouter = Router<AppState, DefaultContext>
