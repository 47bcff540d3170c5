import Taro from '@tarojs/taro'

/** Opens a page of this app: `go('/pages/store/index', { id })`. */
export function go (page: string, query: Record<string, string> = {}): void {
  const q = new URLSearchParams(query).toString()
  Taro.navigateTo({ url: q === '' ? page : `${page}?${q}` })
}

/** The page's query (`?id=…`); always strings, '' when absent. */
export function param (name: string): string {
  const value = Taro.getCurrentInstance().router?.params[name]
  return typeof value === 'string' ? decodeURIComponent(value) : ''
}

/** A short confirmation that the action worked. */
export function toast (title: string, icon: 'success' | 'none' = 'success'): void {
  Taro.showToast({ title, icon, duration: 1500 })
}

/** Asks before something that cannot be undone; resolves true when confirmed. */
export async function confirm (title: string, content: string): Promise<boolean> {
  const res = await Taro.showModal({ title, content, confirmText: '确定', cancelText: '取消' })
  return res.confirm
}
