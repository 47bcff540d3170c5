import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import './index.scss'

interface ModalProps {
  title: string
  /** Without it the dialog has no close button and the mask does nothing. */
  onClose?: () => void
  footer?: ReactNode
  className?: string
  wide?: boolean
  children?: ReactNode
}

/** A centred dialog over a dimmed page (a sheet on phones). */
export function Modal ({ title, onClose, footer, className = '', wide = false, children }: ModalProps) {
  return (
    <View className={`modal ${className}`}>
      <View className='modal__mask' onClick={onClose} />
      <View className={`modal__panel ${wide ? 'modal__panel--wide' : ''}`}>
        <View className='modal__head'>
          <Text className='modal__title'>{title}</Text>
          {onClose !== undefined && <View className='modal__close' onClick={onClose}>×</View>}
        </View>
        <View className='modal__body'>{children}</View>
        {footer !== undefined && <View className='modal__foot'>{footer}</View>}
      </View>
    </View>
  )
}
