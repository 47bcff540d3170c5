import { useEffect, useState, type ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import type { QrCodeDTO } from '@yima/shared'
import { errorMessage } from '../../lib/forms'
import type { Notice } from '../../lib/use-notice'
import { Modal } from '../modal'
import { QrCode } from '../qr-code'
import './index.scss'

/** A white card with a title row. */
export function Section ({ title, actions, className = '', children }: { title: string, actions?: ReactNode, className?: string, children?: ReactNode }) {
  return (
    <View className={`section ${className}`}>
      <View className='section__head'>
        <Text className='section__title'>{title}</Text>
        {actions !== undefined && <View className='section__actions'>{actions}</View>}
      </View>
      <View className='section__body'>{children}</View>
    </View>
  )
}

export type InfoItem = [label: string, value: ReactNode, className?: string]

/** Label / value rows; empty values show '—'. */
export function InfoList ({ items }: { items: readonly InfoItem[] }) {
  return (
    <View className='info'>
      {items.map(([label, value, cls]) => (
        <View key={label} className={`info__row ${cls ?? ''}`}>
          <View className='info__label'>{label}</View>
          <View className='info__value'>{value === null || value === undefined || value === '' ? '—' : value}</View>
        </View>
      ))}
    </View>
  )
}

/** A text action (lighter than a vantui Button, for rows of small actions). */
export function Action ({ onClick, danger = false, className = '', children }: { onClick: () => void, danger?: boolean, className?: string, children?: ReactNode }) {
  return <View className={`action ${danger ? 'action--danger' : ''} ${className}`} onClick={onClick}>{children}</View>
}

export function Message ({ tone = 'error', className = '', children }: { tone?: 'error' | 'info' | 'success', className?: string, children?: ReactNode }) {
  return <View className={`message message--${tone} ${className}`}>{children}</View>
}

/** The outcome of the last action (useNotice); nothing until there is one. */
export function NoticeMessage ({ notice, className }: { notice: Notice | null, className: string }) {
  return notice === null ? null : <Message tone={notice.tone} className={className}>{notice.text}</Message>
}

export function Loading ({ text = '加载中…' }: { text?: string }) {
  return <View className='loading'>{text}</View>
}

/** A QR the server hands out (activation, management): loaded when shown, refreshed once expired. */
export function QrDialog ({ title, load, onClose, className = '', caption }: { title: string, load: () => Promise<QrCodeDTO>, onClose: () => void, className?: string, caption?: string }) {
  const [qr, setQr] = useState<QrCodeDTO | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [expired, setExpired] = useState(false)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    setQr(null)
    setError(null)
    setExpired(false)
    load().then((q) => { if (live) setQr(q) }, (e: unknown) => { if (live) setError(errorMessage(e)) })
    return () => { live = false }
  }, [tick])
  useEffect(() => {
    if (qr?.expiresAt == null) return
    const ms = Date.parse(qr.expiresAt) - Date.now()
    if (!Number.isFinite(ms)) return
    if (ms <= 0) { setExpired(true); return }
    const t = setTimeout(() => { setExpired(true) }, Math.min(ms, 2 ** 31 - 1))
    return () => { clearTimeout(t) }
  }, [qr])

  return (
    <Modal title={title} onClose={onClose} className={`qr-dialog ${className}`}>
      {error !== null && <Message>{error}</Message>}
      {error === null && qr === null && <Loading />}
      {qr !== null && (
        <QrCode url={qr.url} expiresAt={qr.expiresAt} expired={expired} onRefresh={() => { setTick((n) => n + 1) }} caption={caption} />
      )}
    </Modal>
  )
}
