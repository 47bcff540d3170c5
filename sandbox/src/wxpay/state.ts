import type { SimWorld } from '../core/world'
import { createPlatform, type Platform } from './keys'
import { Ledger } from './ledger'
import { MaidanRegistry } from './maidan'
import { MerchantRegistry } from './merchants'
import type { Signer } from './sign'
import { Vouchers } from './vouchers'

export type SignWith = 'certificate' | 'public_key'

export const CODEPAY_RESULTS = ['SUCCESS', 'USERPAYING_THEN_SUCCESS', 'USERPAYING_TIMEOUT', 'PAYERROR'] as const
export type CodepayResult = typeof CODEPAY_RESULTS[number]

/** One scripted answer for the next codepay call (`POST /__sim/wxpay/codepay/next`). */
export interface CodepayScript {
  result: CodepayResult
  /** HTTP status of the USERPAYING answer; channels.md §2.6 leaves it configurable. */
  userpayingStatus: 200 | 202
  /** USERPAYING_THEN_SUCCESS: simulated seconds until the customer confirms. */
  finishAfterSeconds: number
  /** Who pays (vouchers they hold apply); defaults to the service provider's test customer. */
  openid?: string
}

export interface Bill {
  content: Buffer
  gzip: boolean
}

/** Everything the WeChat Pay simulator holds. Keys and merchants survive `reset()`; business state doesn't. */
export class WxpayState {
  readonly platform: Platform = createPlatform()
  readonly merchants = new MerchantRegistry()
  readonly ledger = new Ledger()
  readonly vouchers = new Vouchers()
  /** 买单 assistants are set up per test (`POST /__sim/wxpay/maidan`), so a reset forgets them. */
  readonly maidan = new MaidanRegistry()
  readonly bills = new Map<string, Bill>()
  readonly codepayScript: CodepayScript[] = []
  signWith: SignWith = 'certificate'

  constructor (readonly world: SimWorld) {}

  /** Which key signs responses and notifications, and the serial clients look it up by. */
  signer (): Signer {
    return this.signWith === 'certificate'
      ? { serial: this.platform.certificate.serial, privateKey: this.platform.certificate.privateKey }
      : { serial: this.platform.publicKeyId, privateKey: this.platform.publicKey.privateKey }
  }

  reset (): void {
    this.ledger.clear()
    this.vouchers.clear()
    this.maidan.clear()
    this.bills.clear()
    this.codepayScript.length = 0
    this.signWith = 'certificate'
  }
}
