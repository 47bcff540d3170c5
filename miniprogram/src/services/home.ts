import type { MpLinkCodeDto, TodayTakingsDto } from '@yima/shared'
import { api } from '../lib/session'

/** The home page: today's takings of the stores the signed-in person may see. */
export async function getTodayTakings (): Promise<TodayTakingsDto> {
  return await api<TodayTakingsDto>({ path: '/v1/mobile/takings/today' })
}

/** On the official-account pages (cookie session): a one-time code for the mini-program to link with. */
export async function getLinkCode (): Promise<MpLinkCodeDto> {
  return await api<MpLinkCodeDto>({ path: '/v1/mobile/link-code' })
}

/** In the mini-program: links its user to the official-account identity of the code. */
export async function linkWithCode (linkCode: string): Promise<{ linked: boolean, roles: number }> {
  return await api<{ linked: boolean, roles: number }>({ path: '/v1/mp/link', method: 'POST', data: { linkCode } })
}
