import type { DefaultContext, DefaultState, ParameterizedContext } from 'koa'
import type Router from '@koa/router'
import type { Logger } from '../logger'
import type { Actor } from '../modules/identity'
import type { Caller } from '../modules/tenancy/caller'

export interface AppState extends DefaultState {
  requestId: string
  logger: Logger
  /** The signed-in caller, set by `requireAccount`; idempotency keys are scoped by it. */
  actor?: Actor
  /** The caller's identity and tenant scope, set by the console guard. */
  caller?: Caller
}

export type AppContext = ParameterizedContext<AppState, DefaultContext>
export type AppRouter = Router<AppState, DefaultContext>
