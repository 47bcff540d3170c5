import { useMemo, useState } from 'react'
import { Image, View } from '@tarojs/components'
import { qrPngDataUrl } from './qr-png'
import { IMAGES_CARRY_SESSION } from './session-images'
import './index.scss'

interface Props {
  /** What the QR encodes. */
  value: string
  /**
   * The same QR as a PNG the server serves under the session (e.g. a device's config-qr.png).
   * Shown where an image request carries the session (H5); elsewhere, or if it fails to load,
   * the QR is drawn on the phone from `value`.
   */
  pngPath?: string
  className?: string
}

const API_BASE = process.env.TARO_APP_API_BASE ?? ''

/** A square QR image; long-press on the phone offers to save or recognise it. */
export function QrImage ({ value, pngPath, className = '' }: Props) {
  const [pngFailed, setPngFailed] = useState(false)
  const usePng = pngPath !== undefined && IMAGES_CARRY_SESSION && !pngFailed
  const drawn = useMemo(() => {
    if (usePng) return null
    try {
      return qrPngDataUrl(value)
    } catch {
      return null // longer than a QR holds: the caller shows the text itself
    }
  }, [usePng, value])

  const src = usePng ? `${API_BASE}${pngPath}` : drawn
  return (
    <View className={`qr-image ${className}`}>
      {src !== null
        ? <Image className='qr-image__img' src={src} mode='aspectFit' showMenuByLongpress onError={() => { setPngFailed(true) }} />
        : <View className='qr-image__failed'>无法生成二维码</View>}
    </View>
  )
}
