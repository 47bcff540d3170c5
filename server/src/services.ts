import type { IdGenerator } from '@yima/shared'
import type { Clock } from './clock'
import type { Config } from './config'
import type { Db } from './db/client'
import { Outbox, type JobHandlers } from './outbox'
import { AuditLog } from './modules/audit'
import { IdentityService, WechatBindingService } from './modules/identity'
import { createTenancy, MAIDAN_SYNC_TOPIC, type TenancyServices } from './modules/tenancy'
import { ReportsService } from './modules/reports/reports.service'
import type { ScanTokens } from './modules/tenancy/scan-tokens'
import type { WechatComponent } from './channels/wechat-mp/component'
import { secretBoxFrom, type SecretBox } from './secrets'
import { createMetrics, readOpenIncidents, readOutboxDepth, type Metrics } from './metrics'
import { createChannelRegistry, createDepositRegistry, type ChannelRegistry } from './channels/registry'
import { DEPOSIT_SYNC_TOPIC, DepositService } from './modules/deposits/deposit.service'
import { PaymentService, type PaymentEvents } from './modules/payments/payment.service'
import { CallbackService, TRADE_CALLBACK_TOPIC } from './modules/payments/callbacks/callbacks.service'
import { urlPolicyFor } from './modules/payments/callbacks/url-guard'
import { MicropayService } from './modules/payments/micropay.service'
import { PaymentReconciler } from './modules/payments/reconcile.jobs'
import { REFUND_SYNC_TOPIC, RefundService } from './modules/payments/refund.service'
import { createDeviceVendors } from './channels/devices'
import { PRINT_TOPIC, PrinterService } from './modules/devices/printers.service'
import { ANNOUNCE_TOPIC, SpeakerService } from './modules/devices/speakers.service'
import { AccessTokens } from './channels/wechat-mp/access-token'
import { TencentSms } from './channels/sms/client'
import { CardAdminService } from './modules/cards/card-admin.service'
import { WALLET_SYNC_TOPIC } from './modules/cards/balances'
import { CustomerCardService } from './modules/cards/customer.service'
import { MembersService } from './modules/cards/members.service'
import { WalletApi } from './modules/cards/wallet-api'
import { walletSyncHandler } from './modules/cards/wallet-sync'
import { createWechatVoucherApi } from './channels/wechat-pay/vouchers'
import { VoucherBatchService } from './modules/vouchers/batches.service'
import { VOUCHER_SEND_TOPIC, VoucherGrantService } from './modules/vouchers/grants.service'
import { VoucherSigners } from './modules/vouchers/signers'
import { DeliveryLedger, NotificationSettings, PAYMENT_TEMPLATE_TOPIC, PaymentMessages, SMS_TOPIC, SmsDeliveries, TemplateSender } from './modules/notify'

export type ServiceConfig = Pick<Config, 'publicUrl' | 'sessionSecret' | 'secretsKey' | 'secretsKeysRetired' | 'channels' | 'platformOfficialAccount' | 'miniProgram' | 'wechatComponent'>
  // Decides which callback URLs may be called; absent means production rules.
  & Partial<Pick<Config, 'env'>>
  // Cloud printer and speaker vendors (S6, S7); absent means none can be added.
  & Partial<Pick<Config, 'devices'>>
  // Payment messages (N1): without a template nothing is sent by WeChat, without SMS nothing by SMS.
  & Partial<Pick<Config, 'paymentTemplates' | 'sms'>>
  // The sandbox's JS bridge shims (card pages as well as pay pages).
  & Partial<Pick<Config, 'payBridgeScripts'>>

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
  callbacks: CallbackService
  reconciler: PaymentReconciler
  refunds: RefundService
  micropay: MicropayService
  /** The delivery ledger (N2): messages, SMS, prints and announcements, one row per recipient. */
  ledger: DeliveryLedger
  messages: PaymentMessages
  notificationSettings: NotificationSettings
  /** Cloud printers and speakers (S6, S7): receipts and announcements through the delivery ledger. */
  printers: PrinterService
  speakers: SpeakerService
  /** Every outbox topic this server carries out (main.ts gives them to the worker). */
  reports: ReportsService
  /** The merchant's membership card (M1–M5): console, staff phones, customers. */
  cards: { admin: CardAdminService, members: MembersService, customer: CustomerCardService }
  /** WeChat Pay vouchers and pay-complete marketing (C1–C4). */
  vouchers: { batches: VoucherBatchService, grants: VoucherGrantService }
  /** Deposits (押金, P8): freeze, consume, unfreeze through the channels' deposit APIs. */
  deposits: DepositService
  jobHandlers: JobHandlers
  /** Prometheus metrics (O3): channel calls and notification lag here, HTTP in app.ts, served at /metrics. */
  metrics: Metrics
}

/** One instance of every service, shared by the HTTP routes and the job worker. */
export function createServices (d: { config: ServiceConfig, db: Db, clock: Clock, newId: IdGenerator, metrics?: Metrics }): Services {
  const box = secretBoxFrom(d.config)
  const metrics = d.metrics ?? createMetrics({ outbox: async () => await readOutboxDepth(d.db, d.clock.now()), incidents: async () => await readOpenIncidents(d.db), clock: d.clock })
  const audit = new AuditLog({ clock: d.clock, newId: d.newId })
  // Handlers are filled in below; the outbox only checks a topic exists when a job is enqueued.
  const jobHandlers: Record<string, JobHandlers[string]> = {}
  const outbox = new Outbox({ clock: d.clock, newId: d.newId, handlers: jobHandlers })
  const identity = new IdentityService({ db: d.db, clock: d.clock, newId: d.newId, sessionSecret: d.config.sessionSecret })
  const bindings = new WechatBindingService({ db: d.db, clock: d.clock, newId: d.newId, audit, publicUrl: d.config.publicUrl })
  const { services: tenancy, tokens, component } = createTenancy({ config: d.config, db: d.db, clock: d.clock, newId: d.newId, box, audit, outbox })
  jobHandlers[MAIDAN_SYNC_TOPIC] = tenancy.maidan.handler()
  const channels = createChannelRegistry(d.config.channels, metrics)
  const callbacks = new CallbackService({ db: d.db, clock: d.clock, newId: d.newId, box, outbox, audit, policy: urlPolicyFor(d.config.env) })
  jobHandlers[TRADE_CALLBACK_TOPIC] = callbacks.handler()
  // Payment messages to clerks (N1), with the SMS fallback; both are delivery-ledger jobs.
  const ledger = new DeliveryLedger({ clock: d.clock, newId: d.newId, outbox })
  const sms = d.config.sms == null ? null : new TencentSms(d.config.sms)
  const accessTokens = new AccessTokens({ hosts: d.config.channels.wechat, clock: d.clock })
  const sender = new TemplateSender({
    hosts: d.config.channels.wechat,
    tokens: accessTokens,
    box,
    component,
    templates: d.config.paymentTemplates ?? null,
  })
  const messages = new PaymentMessages({ db: d.db, ledger, sender, smsEnabled: sms !== null })
  jobHandlers[PAYMENT_TEMPLATE_TOPIC] = messages.handler()
  jobHandlers[SMS_TOPIC] = new SmsDeliveries({ db: d.db, ledger, sms }).handler()
  const notificationSettings = new NotificationSettings({ db: d.db, clock: d.clock, audit })
  // Cloud printers and speakers (S6, S7): receipts and announcements are delivery-ledger jobs too.
  const deviceDeps = { db: d.db, clock: d.clock, newId: d.newId, box, audit, outbox, ledger, vendors: createDeviceVendors(d.config.devices) }
  const printers = new PrinterService(deviceDeps)
  const speakers = new SpeakerService(deviceDeps)
  jobHandlers[PRINT_TOPIC] = printers.handler()
  jobHandlers[ANNOUNCE_TOPIC] = speakers.handler()
  // What follows a payment or refund, in its transaction: the callback, clerk messages, receipts, announcements.
  // A paid card recharge credits its member in the payment's transaction (M5).
  const cardEvents: PaymentEvents = { paid: async (tx, order) => { await customerCards.credit(tx, order) }, refunded: async () => {} }
  // Vouchers a payment used are marked redeemed, and the spend gifts it earned are queued (C1, C2).
  const voucherEvents: PaymentEvents = { paid: async (tx, order, vouchers) => { await voucherGrants.events.paid(tx, order, vouchers) }, refunded: async () => {} }
  // A deposit's consumption settles the deposit (releasing the rest when it completes it) in the payment's transaction (P8).
  const depositEvents: PaymentEvents = { paid: async (tx, order, vouchers) => { await deposits.events.paid(tx, order, vouchers) }, refunded: async () => {} }
  const events = allOf([callbacks.events, messages.events, printers.events, speakers.events, cardEvents, voucherEvents, depositEvents])
  const payments = new PaymentService({ db: d.db, clock: d.clock, newId: d.newId, box, channels, publicUrl: d.config.publicUrl, events, outbox, metrics })
  // Micropay, refunds, reconciliation and expiry (P2, P5, P7): their jobs follow every order and refund.
  const reconciler = new PaymentReconciler({ db: d.db, clock: d.clock, channels, payments })
  const depositChannels = createDepositRegistry(d.config.channels, metrics)
  const deposits = new DepositService({ db: d.db, clock: d.clock, newId: d.newId, outbox, payments, adapters: depositChannels })
  jobHandlers[DEPOSIT_SYNC_TOPIC] = deposits.handler()
  const refunds = new RefundService({ db: d.db, clock: d.clock, newId: d.newId, channels, deposits: { adapters: depositChannels, freezeFen: async (id) => await deposits.freezeFen(id) }, outbox, payments, publicUrl: d.config.publicUrl })
  const micropay = new MicropayService({ db: d.db, payments, reconciler })
  Object.assign(jobHandlers, reconciler.handlers(), { [REFUND_SYNC_TOPIC]: refunds.handler() })
  const reports = new ReportsService({ db: d.db, clock: d.clock, newId: d.newId, printers })
  const wallet = new WalletApi({ hosts: d.config.channels.wechat, tokens: accessTokens, box, component })
  const signers = new VoucherSigners({ db: d.db, box, payments, api: createWechatVoucherApi({ baseUrl: d.config.channels.wxpayBaseUrl }) })
  const voucherGrants = new VoucherGrantService({ db: d.db, clock: d.clock, newId: d.newId, outbox, signers, tenancy })
  const vouchers = { batches: new VoucherBatchService({ db: d.db, clock: d.clock, newId: d.newId, audit, box, publicUrl: d.config.publicUrl, tenancy, signers }), grants: voucherGrants }
  jobHandlers[VOUCHER_SEND_TOPIC] = voucherGrants.handler()
  const cardDeps = { db: d.db, clock: d.clock, newId: d.newId, outbox, publicUrl: d.config.publicUrl, tenancy, payments, wallet, bridgeScripts: d.config.payBridgeScripts ?? null }
  const customerCards = new CustomerCardService({
    ...cardDeps,
    // 开卡有礼 (C1): the card's first activation earns the merchant's card-gift vouchers.
    onActivated: async (tx, o) => { await voucherGrants.cardActivated(tx, o) },
  })
  const cards = {
    admin: new CardAdminService({ db: d.db, clock: d.clock, newId: d.newId, audit, publicUrl: d.config.publicUrl, tenancy, wallet }),
    members: new MembersService({ db: d.db, clock: d.clock, newId: d.newId, outbox }),
    customer: customerCards,
  }
  jobHandlers[WALLET_SYNC_TOPIC] = walletSyncHandler({ db: d.db, tenancy, wallet })
  return { box, audit, outbox, identity, bindings, tenancy, tokens, component, channels, payments, callbacks, reconciler, refunds, micropay, ledger, messages, notificationSettings, printers, speakers, reports, cards, vouchers, deposits, jobHandlers, metrics }
}

/** Several listeners as one, called in order within the same transaction. */
function allOf (list: readonly PaymentEvents[]): PaymentEvents {
  return {
    paid: async (tx, order, vouchers) => { for (const e of list) await e.paid(tx, order, vouchers) },
    refunded: async (tx, refund, order) => { for (const e of list) await e.refunded(tx, refund, order) },
  }
}
