import type { IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Db } from '../../db/client'
import type { Logger } from '../../logger'
import type { Services } from '../../services'
import type { CpayApis } from '../router'
import { depositApis } from './deposits'
import { payApis } from './pay'
import { listApis } from './lists'
import { shopApis } from './shops'

/** What the endpoints are built on: the same services the REST API uses (a facade, no second engine). */
export interface CpayApiDeps { db: Db, clock: Clock, newId: IdGenerator, publicUrl: string, services: Services, logger: Logger }

/** Every /cpay endpoint (cloudpay-api.md §8), by name. */
export function createCpayApis (d: CpayApiDeps): CpayApis {
  return {
    ...payApis(d),
    ...depositApis(d),
    ...listApis(d),
    ...shopApis(d, { logger: d.logger }),
  }
}
