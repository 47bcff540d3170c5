import { useState } from 'react'
import { errorMessage } from './forms'

export interface Notice { tone: 'error' | 'success', text: string }

/**
 * How the last action on a page went (NoticeMessage shows it). `run` clears the old notice, then
 * shows the success text the action returns, or why it failed.
 */
export function useNotice (): { notice: Notice | null, setNotice: (n: Notice | null) => void, run: (action: () => Promise<string>) => void } {
  const [notice, setNotice] = useState<Notice | null>(null)
  const run = (action: () => Promise<string>): void => {
    setNotice(null)
    action().then((text) => { setNotice({ tone: 'success', text }) }, (e: unknown) => { setNotice({ tone: 'error', text: errorMessage(e) }) })
  }
  return { notice, setNotice, run }
}
