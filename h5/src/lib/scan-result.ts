import { OA_AUTH_PROBLEMS, SCAN_PROBLEMS, STAFF_ROLE_LABELS, type ScanProblem, type StaffRole } from '@yima/shared'
import { queryParam } from './format'

export interface ResultView {
  tone: 'success' | 'error'
  title: string
  detail: string
  /** Where to go on from here, as a link under the text. */
  next?: { label: string, href: string }
}

/** The staff pages (the mini-program's H5 build, served at /mp/): stores, staff, shifts, orders. */
export const STAFF_APP_URL = '/mp/'

type Params = Record<string, string | undefined>
const has = <K extends string>(table: Record<K, unknown>, key: string | undefined): key is K => key !== undefined && Object.prototype.hasOwnProperty.call(table, key)

const UNKNOWN: ResultView = { tone: 'error', title: '扫码失败', detail: '无法识别本次扫码的结果，请重新扫描后台展示的最新二维码；如仍失败，请联系服务商。' }

/**
 * What a phone shows after scanning an activation, binding or management QR (T1, T4), from the
 * query string the server redirected to: `?ok=activated&role=&name=`, `?ok=bound`, `?ok=alipay_authorized`
 * or `?problem=`.
 */
export function scanResultView (params: Params | undefined): ResultView {
  const problem = queryParam(params, 'problem')
  if (problem !== undefined) {
    if (!has<ScanProblem>(SCAN_PROBLEMS, problem)) return UNKNOWN
    const p = SCAN_PROBLEMS[problem]
    return { tone: 'error', title: p.title, detail: p.remedy }
  }
  const ok = queryParam(params, 'ok')
  if (ok === 'bound') {
    return { tone: 'success', title: '绑定成功', detail: '该微信号已绑定到云支付后台账号，请回到电脑上继续操作。' }
  }
  if (ok === 'alipay_authorized') {
    // Seed 000 (添加支付宝子商户): wait a minute after authorizing before the first test payment.
    return { tone: 'success', title: '支付宝授权成功', detail: '子商户已授权服务商的支付宝应用，请等待一分钟后再测试支付。' }
  }
  if (ok === 'activated') {
    const role = queryParam(params, 'role')
    const name = queryParam(params, 'name')
    const label = has<StaffRole>(STAFF_ROLE_LABELS, role) ? STAFF_ROLE_LABELS[role] : '管理员'
    const view: ResultView = { tone: 'success', title: '激活成功', detail: name === undefined ? `您已成为${label}。` : `您已成为「${name}」的${label}。` }
    // Activation signs the phone in to the staff pages (店长、店员 clock in there; admins manage stores).
    return queryParam(params, 'staff') === '1' ? { ...view, next: { label: '进入商户助手', href: STAFF_APP_URL } } : view
  }
  return UNKNOWN
}

/** What the oa-result page posts to the console window that opened the authorization. */
export const OA_RESULT_MESSAGE = 'yima:oa-authorization'

/** The window the official-account authorization ran in ends here (T3): `?status=ok|failed&problem=&sp=`. */
export function oaResultView (params: Params | undefined): ResultView & { serviceProviderId: string | undefined } {
  const serviceProviderId = queryParam(params, 'sp')
  if (queryParam(params, 'status') === 'ok') {
    return { tone: 'success', title: '授权成功', detail: '服务商公众号已将网页服务权限授权给云支付，管理员现在可以扫码激活身份。', serviceProviderId }
  }
  const problem = queryParam(params, 'problem')
  const detail = has<keyof typeof OA_AUTH_PROBLEMS>(OA_AUTH_PROBLEMS, problem) ? OA_AUTH_PROBLEMS[problem] : '公众号授权没有完成，请回到服务商详情重新单击“授权”。'
  return { tone: 'error', title: '授权失败', detail, serviceProviderId }
}
