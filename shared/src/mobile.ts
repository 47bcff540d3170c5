/* eslint-disable @typescript-eslint/no-redeclare -- each zod schema and the type it infers share one name, the zod idiom */
import { z } from 'zod'
import type { StaffRole } from './tenancy'

/**
 * The staff app (mini-program 商户助手, and its H5 build in the official account): who the signed-in
 * WeChat user is, how the mini-program signs in, and the home page's figures.
 *
 * Staff are activated through the service provider's official account, so their roles hang on
 * that account's openid. The mini-program has openids of its own; a one-time link code, shown on
 * the official-account pages, ties the mini-program user to those roles (`POST /v1/mp/link`).
 */

/** `POST /v1/mp/session`: the code `wx.login()` returned. */
export const MpSessionBody = z.object({ code: z.string().trim().min(1, '缺少登录凭证').max(128) })
export type MpSessionBody = z.infer<typeof MpSessionBody>

export interface MpSessionDto {
  /** Bearer token for `/v1/mobile/*` and `/v1/mp/*`. */
  token: string
  expiresAt: string
  /** False until the user linked their official-account identity (then `/v1/mobile/*` answers 401). */
  linked: boolean
}

/** `POST /v1/mp/link`: the code shown on the official-account pages (QR or typed). */
export const MpLinkBody = z.object({ linkCode: z.string().trim().min(1, '请填写关联码').max(2048) })
export type MpLinkBody = z.infer<typeof MpLinkBody>

/** `GET /v1/mobile/link-code` (official-account session): what the mini-program scans or the user types. */
export interface MpLinkCodeDto { linkCode: string, expiresAt: string }

/** One activated role of the signed-in user. */
export interface MobileRoleDto {
  staffId: string
  role: StaffRole
  roleLabel: string
  name: string
  merchantId: string | null
  merchantName: string | null
  storeId: string | null
  storeName: string | null
  refundPermission: boolean
  /** Clerks and managers: whether they are clocked in at their store now. */
  onDuty: boolean
}

/** `GET /v1/mobile/me`. A person may hold several roles (e.g. admin of one merchant, clerk elsewhere). */
export interface MobileMeDto {
  name: string
  roles: MobileRoleDto[]
}

/** Takings of one store on one day (Asia/Shanghai), counted as the handover summaries count. */
export interface StoreTakingsDto {
  storeId: string
  storeName: string
  paymentCount: number
  paymentFen: number
  refundCount: number
  refundFen: number
  /** paymentFen − refundFen. */
  netFen: number
}

/**
 * `GET /v1/mobile/takings/today`: per store the caller may see the takings of — admins and managers
 * their stores, a clerk only the stores they are on duty at now.
 */
export interface TodayTakingsDto {
  /** YYYY-MM-DD in China time. */
  date: string
  stores: StoreTakingsDto[]
  total: Omit<StoreTakingsDto, 'storeId' | 'storeName'>
}
