/* global jest */
// @tarojs/taro for jsdom: the APIs vantui touches at render time are real; any other API is a jest.fn().
const sys = { windowWidth: 375, windowHeight: 667, screenWidth: 375, pixelRatio: 2, platform: 'ios', statusBarHeight: 20 }
const known = {
  getEnv: () => 'WEB',
  ENV_TYPE: { WEAPP: 'WEAPP', WEB: 'WEB' },
  getSystemInfoSync: () => sys,
  getWindowInfo: () => sys,
  getSystemInfo: async () => sys,
  nextTick: (fn) => setTimeout(fn, 0),
  getCurrentPages: () => [], // vantui Toast/Dialog mount into the current page; none in jsdom => no-op
  pxTransform: (n) => `${n / 2}px`,
  initPxTransform: () => {},
  createSelectorQuery: () => {
    const q = {
      in: () => q,
      select: () => q,
      selectAll: () => q,
      selectViewport: () => q,
      fields: () => q,
      scrollOffset: () => q,
      boundingClientRect: (cb) => { cb && cb({ width: 0, height: 0, top: 0, left: 0 }); return q },
      exec: (cb) => cb && cb([]),
    }
    return q
  },
  getCurrentInstance: () => ({ router: { params: {}, path: '/pages/index/index' }, page: {} }),
  useLoad: () => {},
  useLaunch: () => {},
  useDidShow: () => {},
  useDidHide: () => {},
  useReady: () => {},
  useUnload: () => {},
  useRouter: () => ({ params: {} }),
  usePageScroll: () => {},
  useReachBottom: () => {},
  usePullDownRefresh: () => {},
  eventCenter: { on () {}, off () {}, trigger () {}, once () {} },
}
const taro = new Proxy(known, {
  get: (t, k) => (k in t ? t[k] : (typeof k === 'string' && k !== 'then' && k !== '__esModule' && k !== 'default' ? (t[k] = jest.fn()) : undefined)),
})
module.exports = new Proxy({ __esModule: true, default: taro }, { get: (t, k) => (k in t ? t[k] : taro[k]) })
