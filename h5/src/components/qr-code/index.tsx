import { useEffect, useState } from 'react'
import { View } from '@tarojs/components'
import { formatTime } from '../../lib/format'
import './index.scss'

interface QrCodeProps {
  /** What the QR encodes; also shown as a link (so it can be opened or copied on a PC). */
  url: string
  expiresAt?: string | null
  /** Covers the code with "二维码已失效，点击刷新". */
  expired?: boolean
  onRefresh?: () => void
  className?: string
  caption?: string
}

/** Renders `url` as a QR image; the encoder is loaded only when a QR is first shown. */
export function QrCode ({ url, expiresAt, expired = false, onRefresh, className = '', caption }: QrCodeProps) {
  const [src, setSrc] = useState<string | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let live = true
    setSrc(null)
    setFailed(false)
    import('qrcode')
      .then((m) => (m.default ?? m).toDataURL(url, { margin: 1, width: 240, errorCorrectionLevel: 'M' }))
      .then((data) => { if (live) setSrc(data) }, () => { if (live) setFailed(true) })
    return () => { live = false }
  }, [url])

  return (
    <View className={`qr ${expired ? 'qr--expired' : ''} ${className}`}>
      <View className='qr__box'>
        {src !== null
          ? <img className='qr__img' src={src} alt='二维码' data-url={url} />
          : <View className='qr__placeholder'>{failed ? '二维码生成失败，请使用下方链接' : '二维码生成中…'}</View>}
        {expired && (
          <View className='qr__mask' onClick={onRefresh}>二维码已失效，点击刷新</View>
        )}
      </View>
      {caption !== undefined && <View className='qr__caption'>{caption}</View>}
      <a className='qr__url' href={url} target='_blank' rel='noreferrer' data-url={url}>{url}</a>
      {expiresAt != null && <View className='qr__expiry'>{`有效期至 ${formatTime(expiresAt)}`}</View>}
    </View>
  )
}
