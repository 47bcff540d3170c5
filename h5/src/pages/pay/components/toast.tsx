import { useCallback, useEffect, useRef, useState } from 'react'
import { View } from '@tarojs/components'

const SHOW_MS = 2000

/**
 * A short message over the page (已取消支付). The pay pages keep their own: vantui's Toast would
 * bring the UI kit onto the first page a customer loads.
 */
export function useToast (): { text: string | null, show: (text: string) => void } {
  const [text, setText] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout>>()
  useEffect(() => () => { clearTimeout(timer.current) }, [])
  const show = useCallback((t: string) => {
    clearTimeout(timer.current)
    setText(t)
    timer.current = setTimeout(() => { setText(null) }, SHOW_MS)
  }, [])
  return { text, show }
}

export function Toast ({ text }: { text: string | null }) {
  return text === null ? null : <View className='pay-toast'>{text}</View>
}
