import { useState, type Dispatch, type SetStateAction } from 'react'
import { errorsFromServer, formFromDto, type FieldErrors, type FieldSpec, type FormValues, type Prepared } from './forms'

export interface EntityForm {
  values: FormValues
  errors: FieldErrors
  busy: boolean
  /** Every field's key: a server error naming another path goes on top of the form (FormErrors). */
  keys: string[]
  setValues: Dispatch<SetStateAction<FormValues>>
  /** A Field's name, value, error and onChange for `key`. */
  bind: (key: string) => { name: string, value: string, error: string | undefined, onChange: (v: string) => void }
  submit: () => void
}

/**
 * The state of an add-or-edit form. `dto` is the stored entity (null: adding, starting from
 * `preset`); `prepare` compares with its values so an edit sends only what changed. `save` runs
 * once the form checks out; a refusal goes next to the field the server names.
 */
export function useEntityForm<B> ({ fields, dto, preset, prepare, save }: {
  fields: readonly FieldSpec[]
  dto: object | null
  preset?: FormValues
  prepare: (values: FormValues, initial: FormValues | null) => Prepared<B>
  save: (body: B) => Promise<void>
}): EntityForm {
  const [initial] = useState(() => (dto === null ? null : formFromDto(fields, dto)))
  const [values, setValues] = useState(() => initial ?? { ...formFromDto(fields, null), ...preset })
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const keys = fields.map((f) => f.key)

  const submit = async (): Promise<void> => {
    const prepared = prepare(values, initial)
    if (!prepared.ok) { setErrors(prepared.errors); return }
    setErrors({})
    setBusy(true)
    try {
      await save(prepared.body)
    } catch (e) {
      setErrors(errorsFromServer(e, keys))
    } finally {
      setBusy(false)
    }
  }

  return {
    values,
    errors,
    busy,
    keys,
    setValues,
    bind: (key) => ({ name: key, value: values[key] ?? '', error: errors[key], onChange: (v) => { setValues((old) => ({ ...old, [key]: v })) } }),
    submit: () => { submit().catch(() => {}) },
  }
}
