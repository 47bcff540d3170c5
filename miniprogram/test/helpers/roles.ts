import type { MobileRoleDto } from '@yima/shared'
import { mockApi, type Reply, routeNotFound, type Sent } from './api'

/**
 * The signed-in staff member the mini-program's pages are tested as: a role of GET /v1/mobile/me,
 * and a Taro.request double that answers /v1/mobile/me with the current roles. Not a test file.
 */

/** 王管理员, merchant admin of 一码咖啡 (mch_1) with the refund permission; tests override what they are about. */
export const roleDto = (over: Partial<MobileRoleDto> = {}): MobileRoleDto => ({
  staffId: 'stf_1',
  role: 'merchant_admin',
  roleLabel: '商户管理员',
  name: '王管理员',
  merchantId: 'mch_1',
  merchantName: '一码咖啡',
  storeId: null,
  storeName: null,
  refundPermission: true,
  onDuty: false,
  ...over,
})

/** A request's answer, or undefined to leave it to the next in line. */
export type Answer = (req: Sent) => Reply | undefined

/**
 * Resets Taro.request (mockApi) for a page of the staff app. Each request goes to `answer` (a test's
 * own replies, read at each request), then GET /v1/mobile/me (王管理员 with `roles()`), then `routes`
 * (the page's usual replies), else 404 route_not_found. Returns every request sent, in order.
 */
export function mockStaffApi ({ roles, answer = () => undefined, routes = () => undefined }: { roles: () => MobileRoleDto[], answer?: Answer, routes?: Answer }): Sent[] {
  return mockApi((req) => {
    const own = answer(req)
    if (own !== undefined) return own
    if (req.url === '/v1/mobile/me') return { statusCode: 200, data: { name: '王管理员', roles: roles() } }
    return routes(req) ?? routeNotFound()
  })
}
