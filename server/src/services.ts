import type { IdGenerator } from '@yima/shared'
import type { Clock } from './clock'
import type { Config } from './config'
import type { Db } from './db/client'
import { Outbox, type JobHandlers } from './outbox'
import { AuditLog } from './modules/audit'
import { IdentityService, WechatBindingService } from './modules/identity'
import { createTenancy, MAIDAN_SYNC_TOPIC, type TenancyServices } from './modules/tenancy'
import type { ScanTokens } from './modules/tenancy/scan-tokens'
import type { WechatComponent } from './channels/wechat-mp/component'
import { secretBoxFrom, type SecretBox } from './secrets'
import { createChannelRegistry, type ChannelRegistry } from './channels/registry'
import { PaymentService } from './modules/payments/payment.service'

export type ServiceConfig = Pick<Config, 'publicUrl' | 'sessionSecret' | 'secretsKey' | 'secretsKeysRetired' | 'channels' | 'platformOfficialAccount' | 'wechatComponent'>

export interface Services {
  box: SecretBox
  audit: AuditLog
  outbox: Outbox
  identity: IdentityService
  bindings: WechatBindingService
  tenancy: TenancyServices
  tokens: ScanTokens
  component: WechatComponent | null
  channels: ChannelRegistry
  payments: PaymentService
  /** Every outbox topic this server carries out (main.ts gives them to the worker). */
  jobHandlers: JobHandlers
}

/** One instance of every service, shared by the HTTP routes and the job worker. */
export function createServices (d: { config: ServiceConfig, db: Db, clock: Clock, newId: IdGenerator }): Services {
  const box = secretBoxFrom(d.config)
  const audit = new AuditLog({ clock: d.clock, newId: d.newId })
  // Handlers are filled in below; the outbox only checks a topic exists when a job is enqueued.
  const jobHandlers: Record<string, JobHandlers[string]> = {}
  const outbox = new Outbox({ clock: d.clock, newId: d.newId, handlers: jobHandlers })
  const identity = new IdentityService({ db: d.db, clock: d.clock, newId: d.newId, sessionSecret: d.config.sessionSecret })
  const bindings = new WechatBindingService({ db: d.db, clock: d.clock, newId: d.newId, audit, publicUrl: d.config.publicUrl })
  const { services: tenancy, tokens, component } = createTenancy({ config: d.config, db: d.db, clock: d.clock, newId: d.newId, box, audit, outbox })
  jobHandlers[MAIDAN_SYNC_TOPIC] = tenancy.maidan.handler()
  const channels = createChannelRegistry(d.config.channels)
  const payments = new PaymentService({ db: d.db, clock: d.clock, newId: d.newId, box, channels, publicUrl: d.config.publicUrl })
  return { box, audit, outbox, identity, bindings, tenancy, tokens, component, channels, payments, jobHandlers }
}
