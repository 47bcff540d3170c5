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

/** The label row and the error under the control, shared by Field and Choice. */
function Frame ({ name, label, required, error, children }: { name: string, label: string, required?: boolean, error?: string, children: ReactNode }) {
  return (
    <View className={`field field--${name.replace(/\./g, '-')}${error !== undefined ? ' field--error' : ''}`}>
      <View className='field__label'>
        {required === true && <Text className='field__required'>*</Text>}
        {label}
      </View>
      <View className='field__control'>
        {children}
        {error !== undefined && <View className='field__error'>{error}</View>}
      </View>
    </View>
  )
}

/** A labelled input with its error underneath. Taro inputs cap at 140 characters unless told -1. */
export function Field (p: FieldProps) {
  const input = { value: p.value, maxlength: -1, placeholder: p.placeholder, disabled: p.disabled }
  return (
    <Frame name={p.name} label={p.label} required={p.required} error={p.error}>
      {p.multiline === true
        ? <Textarea className='field__textarea' {...input} onInput={(e) => { p.onChange(e.detail.value) }} />
        : <Input className='field__input' {...input} password={p.password} onInput={(e) => { p.onChange(e.detail.value) }} onConfirm={() => { p.onConfirm?.() }} />}
      {p.hint !== undefined && <View className='field__hint'>{p.hint}</View>}
    </Frame>
  )
}

export interface ChoiceOption { value: string, label: string }

/** One of a few options as chips (a `<select>` that also works on phones). */
export function Choice (p: { name: string, label: string, options: readonly ChoiceOption[], value: string, onChange: (value: string) => void, error?: string, required?: boolean, empty?: string }) {
  return (
    <Frame name={p.name} label={p.label} required={p.required} error={p.error}>
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
    </Frame>
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
