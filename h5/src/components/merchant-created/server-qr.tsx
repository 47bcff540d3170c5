import { useEffect, useState } from 'react'
import type { QrCodeDTO } from '@yima/shared'
import { errorMessage } from '../../lib/forms'
import { QrCode } from '../qr-code'
import { Loading, Message } from '../ui'

/** A QR the server issues, shown inline (the dialog variant is QrDialog). */
export function ServerQr ({ load, caption, className }: { load: () => Promise<QrCodeDTO>, caption: string, className: string }) {
  const [qr, setQr] = useState<QrCodeDTO | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    setQr(null)
    setError(null)
    load().then((q) => { if (live) setQr(q) }, (e: unknown) => { if (live) setError(errorMessage(e)) })
    return () => { live = false }
  }, [tick])
  const expired = qr?.expiresAt != null && Date.parse(qr.expiresAt) <= Date.now()
  return (
    <>
      {error !== null && <Message>{`${caption}：${error}`}</Message>}
      {error === null && qr === null && <Loading />}
      {qr !== null && <QrCode className={className} url={qr.url} expiresAt={qr.expiresAt} expired={expired} onRefresh={() => { setTick((n) => n + 1) }} caption={caption} />}
    </>
  )
}
