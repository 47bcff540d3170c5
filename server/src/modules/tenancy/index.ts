import type { IdGenerator } from '@yima/shared'
import type { Clock } from '../../clock'
import type { Config } from '../../config'
import type { Db } from '../../db/client'
import type { Outbox } from '../../outbox'
import type { SecretBox } from '../../secrets'
import { WechatComponent } from '../../channels/wechat-mp/component'
import type { AuditLog } from '../audit'
import { MaidanService } from './maidan.service'
import { MerchantService } from './merchants.service'
import { MiniProgramSignIn } from './mini-program'
import { OfficialAccountService } from './official-account.service'
import type { TenancyServices } from './routes'
import { ScanTokens } from './scan-tokens'
import { ticketStore } from './scan.routes'
import { ServiceProviderService } from './service-providers.service'
import { StaffService } from './staff.service'
import { StoreService } from './stores.service'
import { SubServiceProviderService } from './sub-service-providers.service'

export { tenancyRoutes, type TenancyServices } from './routes'
export { storeRoutes } from './stores.routes'
export { staffRoutes } from './staff.routes'
export { miniProgramRoutes } from './mini-program.routes'
export { mobileSession, mobileCaller, rolesOf, requireStoreManager } from './mobile'
export { scanRoutes, WX_SESSION_COOKIE } from './scan.routes'
export { MAIDAN_SYNC_TOPIC } from './maidan.service'
export { consoleScope, wechatScope, scopeWhere, inScope, scopeOfStaff, type Scope } from './scope'
export type { Caller } from './caller'
export * from './tenancy.schema'

export interface TenancyDeps {
  config: Pick<Config, 'publicUrl' | 'channels' | 'wechatComponent' | 'sessionSecret' | 'miniProgram'>
  db: Db
  clock: Clock
  newId: IdGenerator
  box: SecretBox
  audit: AuditLog
  outbox: Outbox
}

/** Wires the tenancy module: one instance of each service, shared by routes and jobs. */
export function createTenancy (d: TenancyDeps): { services: TenancyServices, tokens: ScanTokens, component: WechatComponent | null } {
  const base = { db: d.db, clock: d.clock, newId: d.newId, box: d.box, audit: d.audit, channels: d.config.channels, publicUrl: d.config.publicUrl }
  const tokens = new ScanTokens({ secret: d.config.sessionSecret, clock: d.clock })
  const c = d.config.wechatComponent
  const component = c === null
    ? null
    : new WechatComponent({ hosts: d.config.channels.wechat, config: c, tickets: ticketStore(d.db, d.box, c.appId), clock: d.clock })
  const sps = new ServiceProviderService(base)
  const ssps = new SubServiceProviderService(base, sps)
  const stores = new StoreService(base, sps)
  const services: TenancyServices = {
    sps,
    ssps,
    merchants: new MerchantService(base, sps, ssps, tokens, stores),
    stores,
    staff: new StaffService(base),
    officialAccounts: new OfficialAccountService(base, sps, component, tokens),
    maidan: new MaidanService({ ...base, outbox: d.outbox }, sps),
    miniProgram: new MiniProgramSignIn({ db: d.db, clock: d.clock, tokens, hosts: d.config.channels.wechat, miniProgram: d.config.miniProgram }),
    publicUrl: d.config.publicUrl,
  }
  return { services, tokens, component }
}
