/**
 * What a cloud printer or speaker vendor said, in three kinds (the devices' version of the
 * payment channels' ChannelOutcome):
 * - `ok`: done, with the vendor's answer;
 * - `retryable`: nobody knows or the vendor is down (HTTP 5xx, timeout, connection refused, an
 *   answer that does not parse): the same call may be tried again;
 * - `permanent`: the vendor refused for a reason retrying cannot fix (a wrong key, a device that is
 *   not ours); `message` is the vendor's own words, fit for the merchant.
 * Adapters never throw for a vendor's answer; only programming errors throw.
 */
export type DeviceOutcome<T> =
  | { kind: 'ok', value: T, raw: unknown }
  | { kind: 'retryable', reason: string, raw?: unknown }
  | { kind: 'permanent', code: DeviceRefusal, message: string, raw?: unknown }

/**
 * Why a vendor refused, in yima's words: `already_bound` (the SN is taken by another account),
 * `not_found` (no such device), `bad_key` (the label's key or msign is wrong), `not_ours` (the
 * device is not, or no longer, under the platform's account), `auth` (the platform's own
 * credentials are wrong), `invalid` (a parameter the vendor would not take).
 */
export type DeviceRefusal = 'already_bound' | 'not_found' | 'bad_key' | 'not_ours' | 'auth' | 'invalid'

/** A printer's condition as its vendor reports it; `unknown` for an answer the adapter does not know. */
export type PrinterCondition = 'online' | 'offline' | 'paper_out' | 'unknown'

/**
 * A receipt in plain lines; each adapter turns it into its vendor's markup (Feie `<CB>…<BR>`,
 * Yilianyun `<center>` and newlines). A line of `---` prints as a divider.
 */
export interface PrintDocument {
  title: string
  lines: readonly string[]
}

export const DIVIDER = '---'

export interface PrintInput {
  sn: string
  doc: PrintDocument
  /** 1–9. */
  copies: number
  /** Our id for this print (the delivery id), ≤ 32 letters and digits after cleaning. */
  requestId: string
}

/** 飞鹅 and 易联云: printers added under the platform's account. */
export interface PrinterAdapter {
  readonly brand: 'feie' | 'yly'
  /** Adds the device to the platform's account with the key on its label (Feie KEY, Yilianyun msign). */
  bind (i: { sn: string, key: string, name?: string }): Promise<DeviceOutcome<null>>
  unbind (sn: string): Promise<DeviceOutcome<null>>
  /** Submits a job; `ok` once the vendor cloud holds it (it prints as soon as the printer can). */
  print (i: PrintInput): Promise<DeviceOutcome<{ vendorOrderId: string }>>
  status (sn: string): Promise<DeviceOutcome<PrinterCondition>>
}

/** How the customer paid, as speakers announce it. */
export type AnnouncedPayment = 'wechat_pay' | 'alipay'

/** 博瑞皓科: speakers sold under the platform's agency token, bound to a user id (the merchant). */
export interface SpeakerAdapter {
  readonly brand: 'brhk'
  /**
   * Binds the speaker to `userId` (the merchant). A binding to another user id under the platform's
   * own agency token can only be a leftover of the platform's (a removal that never reached the
   * vendor), so it is cleared first; the caller has checked that yima has no live row for the SN.
   */
  bind (i: { sn: string, userId: string }): Promise<DeviceOutcome<null>>
  unbind (sn: string): Promise<DeviceOutcome<null>>
  /** Says "微信收款12.50元"; `seq` makes a repeated request within the vendor's window harmless. */
  announce (i: { sn: string, platform: AnnouncedPayment, amountFen: number, volume: number, seq: string }): Promise<DeviceOutcome<null>>
  /** Free text (TTS), at most 128 bytes. */
  say (i: { sn: string, text: string, volume: number, seq: string }): Promise<DeviceOutcome<null>>
}

/** The adapters of the vendors the platform has accounts with; a brand without one is absent. */
export interface DeviceVendorRegistry {
  printers: Partial<Record<'feie' | 'yly', PrinterAdapter>>
  speakers: Partial<Record<'brhk', SpeakerAdapter>>
}

/** The same replacement every vendor needs: no markup characters from user text (a remark saying `<BR>`). */
export const plainText = (s: string): string => s.replace(/</g, '＜').replace(/>/g, '＞')
