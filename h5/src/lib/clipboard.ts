import Taro from '@tarojs/taro'

/** Copies text; resolves false when the browser refused (the text stays selectable on screen). */
export async function copyText (text: string): Promise<boolean> {
  try {
    if (typeof navigator !== 'undefined' && navigator.clipboard !== undefined) {
      await navigator.clipboard.writeText(text)
      return true
    }
    await Taro.setClipboardData({ data: text })
    return true
  } catch {
    return false
  }
}

/** Hands a file to the browser's downloads (a Blob URL on an `<a download>`). */
export function saveBlob (blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(url) }, 10_000)
}

/** Saves text as a file the browser downloads. */
export function downloadText (filename: string, text: string): void {
  saveBlob(new Blob([text], { type: 'text/plain;charset=utf-8' }), filename)
}
