import { monotonicFactory } from 'ulid'

/**
 * Every yima object id is a short type prefix plus a ULID (`pay_01J9Z…`): sortable by creation,
 * unguessable, and self-describing in logs. `pay_` + 26 = 30 characters, within WeChat Pay's
 * 32-character `out_trade_no`, so attempt ids go to the channel as they are.
 */
export const ID_PREFIXES = {
  serviceProvider: 'sp',
  subServiceProvider: 'ssp',
  merchant: 'mch',
  store: 'sto',
  staff: 'stf',
  account: 'acc',
  session: 'ses',
  qrCode: 'qr',
  device: 'dev',
  order: 'ord',
  paymentAttempt: 'pay',
  refund: 'rfd',
  event: 'evt',
  auditEntry: 'aud',
  outboxJob: 'job',
  delivery: 'dlv',
  coupon: 'cpn',
  ledgerEntry: 'led',
  request: 'req',
  activationCode: 'act',
  wechatBinding: 'bnd',
  wechatIdentity: 'wid',
  maidanSync: 'mds',
  paymentIncident: 'inc',
  qrBatch: 'qrb',
  paymentCallback: 'pcb',
  shift: 'shf',
  cloudPrinter: 'prn',
  cloudSpeaker: 'spk',
  /** One printed summary slip (R1), the subject of its print deliveries. */
  summaryPrint: 'sum',
  memberCard: 'mcd',
  member: 'mbr',
  cardPayment: 'cpy',
  cardPaymentRefund: 'cpr',
  voucherBatch: 'vbt',
  voucherGrant: 'vgr',
  deposit: 'dep',
  depositUnfreeze: 'unf',
} as const

export type IdPrefix = typeof ID_PREFIXES[keyof typeof ID_PREFIXES]

/** `Id<'pay'>` is a string known to be a payment-attempt id. */
export type Id<P extends IdPrefix> = `${P}_${string}`

export type IdGenerator = <P extends IdPrefix>(prefix: P) => Id<P>

const ULID = '[0-9A-HJKMNP-TV-Z]{26}'

/** A generator whose ids sort in creation order even within one millisecond. */
export function createIdGenerator (now: () => number = Date.now): IdGenerator {
  // Created on first use: ulid looks for a secure random source when the factory is made, and
  // the mini-program runtime has none, so importing this module there must not build one.
  let next: ReturnType<typeof monotonicFactory> | undefined
  return <P extends IdPrefix>(prefix: P): Id<P> => {
    next ??= monotonicFactory()
    return `${prefix}_${next(now())}` as Id<P>
  }
}

export const newId: IdGenerator = createIdGenerator()

export function isId<P extends IdPrefix> (prefix: P, value: unknown): value is Id<P> {
  return typeof value === 'string' && new RegExp(`^${prefix}_${ULID}$`).test(value)
}
