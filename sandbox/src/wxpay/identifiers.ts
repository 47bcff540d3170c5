import { chinaDate, digits, hex, nonce, rfc3339China } from '../core/ids'

/** yyyyMMddHHmmss in China time. */
export const chinaDateTime = (at: Date): string => rfc3339China(at).slice(0, 19).replace(/[-T:]/g, '')

/** 28 digits, `4200…` + the payment date, like a real WeChat transaction_id. */
export const transactionId = (at: Date): string => `4200${digits(6)}${chinaDate(at)}${digits(10)}`

/** `wx` + creation time + 20 hex digits (36 characters). */
export const prepayId = (at: Date): string => `wx${chinaDateTime(at)}${hex(10)}`

export const codeUrl = (): string => `weixin://wxpay/bizpayurl?pr=${nonce(9)}`

/** 29 digits with the refund date in the middle. */
export const refundId = (at: Date): string => `50${digits(8)}${chinaDate(at)}${digits(11)}`

export const notificationId = (at: Date): string => `EV-${chinaDateTime(at)}${digits(5)}`

export const requestId = (): string => hex(16).toUpperCase()
