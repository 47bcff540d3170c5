import Taro from '@tarojs/taro'

/** Every page of the app; keep in step with app.config.ts. */
export const ROUTES = {
  home: '/pages/index/index',
  login: '/pages/console/login/index',
  serviceProviders: '/pages/console/sp/index',
  serviceProviderEdit: '/pages/console/sp-edit/index',
  serviceProvider: '/pages/console/sp-detail/index',
  subServiceProviders: '/pages/console/ssp/index',
  subServiceProviderEdit: '/pages/console/ssp-edit/index',
  subServiceProvider: '/pages/console/ssp-detail/index',
  merchants: '/pages/console/merchants/index',
  merchantEdit: '/pages/console/merchant-edit/index',
  merchant: '/pages/console/merchant-detail/index',
  wechat: '/pages/console/wechat/index',
  oaResult: '/pages/console/oa-result/index',
  reports: '/pages/console/reports/index',
  orders: '/pages/console/orders/index',
  order: '/pages/console/order/index',
  scanResult: '/pages/scan/result/index',
  manage: '/pages/manage/index',
  pay: '/pages/pay/index',
  payResult: '/pages/pay/result/index',
  card: '/pages/card/index',
  vouchers: '/pages/vouchers/index',
} as const
export type Route = typeof ROUTES[keyof typeof ROUTES]

export function routeUrl (route: Route, params: Record<string, string | undefined> = {}): string {
  const q = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
  return q.length === 0 ? route : `${route}?${q.join('&')}`
}

/** Opens a page on top of the current one (back returns). */
export function go (route: Route, params?: Record<string, string | undefined>): void {
  Taro.navigateTo({ url: routeUrl(route, params) }).catch(() => {})
}

/** Replaces the current page (after saving a form). */
export function replace (route: Route, params?: Record<string, string | undefined>): void {
  Taro.redirectTo({ url: routeUrl(route, params) }).catch(() => {})
}

/** Starts over on a page: the sidebar, sign-in and sign-out. */
export function relaunch (route: Route, params?: Record<string, string | undefined>): void {
  Taro.reLaunch({ url: routeUrl(route, params) }).catch(() => {})
}

/** Back when there is a page to go back to, else the given list page. */
export function back (fallback: Route): void {
  if (Taro.getCurrentPages().length > 1) Taro.navigateBack().catch(() => {})
  else relaunch(fallback)
}

/** The page being shown with its query, to come back to after signing in. */
export function currentPageUrl (): string | undefined {
  const router = Taro.getCurrentInstance().router
  if (router?.path === undefined) return undefined
  const params = Object.entries(router.params ?? {}).filter(([k, v]) => k !== 'stamp' && k !== '$taroTimestamp' && v !== undefined && v !== '')
  const path = router.path.split('?')[0] ?? router.path
  return params.length === 0 ? path : `${path}?${params.map(([k, v]) => `${k}=${v ?? ''}`).join('&')}`
}
