import type { PropsWithChildren } from 'react'
import './app.scss'

// Taro mounts each page as `children`; app-wide providers go here.
export default function App ({ children }: PropsWithChildren) {
  return children
}
