import type { ReactNode } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import './index.scss'

export interface FieldProps {
  /** The body's dotted path: errors and the CSS class (`field--wechatPay-apiV3Key`) use it. */
  name: string
  label: string
  value: string
  onChange: (value: string) => void
  error?: string
  placeholder?: string
  hint?: ReactNode
  multiline?: boolean
  password?: boolean
  required?: boolean
  disabled?: boolean
  onConfirm?: () => void
}

/** A labelled input with its error underneath. Taro inputs cap at 140 characters unless told -1. */
export function Field (p: FieldProps) {
  const cls = `field field--${p.name.replace(/\./g, '-')}${p.error !== undefined ? ' field--error' : ''}`
  return (
    <View className={cls}>
      <View className='field__label'>
        {p.required === true && <Text className='field__required'>*</Text>}
        {p.label}
      </View>
      <View className='field__control'>
        {p.multiline === true
          ? (
            <Textarea
              className='field__textarea'
              value={p.value}
              maxlength={-1}
              placeholder={p.placeholder}
              disabled={p.disabled}
              onInput={(e) => { p.onChange(e.detail.value) }}
            />
            )
          : (
            <Input
              className='field__input'
              value={p.value}
              maxlength={-1}
              password={p.password}
              placeholder={p.placeholder}
              disabled={p.disabled}
              onInput={(e) => { p.onChange(e.detail.value) }}
              onConfirm={() => { p.onConfirm?.() }}
            />
            )}
        {p.hint !== undefined && <View className='field__hint'>{p.hint}</View>}
        {p.error !== undefined && <View className='field__error'>{p.error}</View>}
      </View>
    </View>
  )
}

export interface ChoiceOption { value: string, label: string }

/** One of a few options as chips (a `<select>` that also works on phones). */
export function Choice (p: { name: string, label: string, options: readonly ChoiceOption[], value: string, onChange: (value: string) => void, error?: string, required?: boolean, empty?: string }) {
  return (
    <View className={`field field--${p.name.replace(/\./g, '-')}${p.error !== undefined ? ' field--error' : ''}`}>
      <View className='field__label'>
        {p.required === true && <Text className='field__required'>*</Text>}
        {p.label}
      </View>
      <View className='field__control'>
        <View className='choice'>
          {p.options.length === 0 && <Text className='choice__empty'>{p.empty ?? '暂无可选项'}</Text>}
          {p.options.map((o) => (
            <View
              key={o.value}
              className={`choice__item ${o.value === p.value ? 'choice__item--active' : ''}`}
              onClick={() => { p.onChange(o.value) }}
            >
              {o.label}
            </View>
          ))}
        </View>
        {p.error !== undefined && <View className='field__error'>{p.error}</View>}
      </View>
    </View>
  )
}

/** Errors that belong to no field on the form (server messages, whole-section problems). */
export function FormErrors ({ errors, fields }: { errors: Record<string, string>, fields: readonly string[] }) {
  const rest = Object.entries(errors).filter(([k]) => !fields.includes(k))
  if (rest.length === 0) return null
  return (
    <View className='form-errors'>
      {rest.map(([k, m]) => <View key={k} className='form-errors__item'>{m}</View>)}
    </View>
  )
}
