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
  /**
   * The Idempotency-Key this request runs under, with the scope it is unique in (idempotency.ts).
   * A route whose side effect is outside the database (a charge) derives its own unique number
   * from it, so a retry that takes over a dead request's key finds what that request did.
   */
  idempotency?: { scope: string, key: string }
}

export type AppContext = ParameterizedContext<AppState, DefaultContext>
export type AppRouter = Router<AppState, DefaultContext>
