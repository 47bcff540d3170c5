import { ApiError } from '@yima/shared'
import { bpToPercent, PERCENT_ERROR, percentToBp } from './format'

/** Form values keyed by the request body's dotted path (`wechatPay.apiV3Key`), as the server's `param` names them. */
export type FormValues = Record<string, string>
/** One message per dotted path; '' is the form as a whole. */
export type FieldErrors = Record<string, string>

interface Issue { readonly path: ReadonlyArray<PropertyKey>, readonly message: string }
/** What the forms need of a zod schema (structural, so the app does not import zod itself). */
export interface SafeParser<T> {
  safeParse: (value: unknown) => { success: true, data: T } | { success: false, error: { issues: readonly Issue[] } }
}

export type Prepared<T> = { ok: true, body: T } | { ok: false, errors: FieldErrors }

const CJK = /[\u4e00-\u9fff]/

/**
 * Runs the same schema the server validates with; the first message per field wins. The schemas'
 * own messages are Chinese; zod's English defaults (unlabelled ids, numbers) get a Chinese stand-in.
 */
export function validateWith<T> (schema: SafeParser<T>, body: unknown): Prepared<T> {
  const result = schema.safeParse(body)
  if (result.success) return { ok: true, body: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.')
    if (errors[key] === undefined) errors[key] = CJK.test(issue.message) ? issue.message : '请正确填写此项'
  }
  return { ok: false, errors }
}

/**
 * validateWith for a body from buildBody: a required field left empty was not sent, so zod only says
 * it is missing. Those fields are checked again as '' to get the schema's own words (请填写服务商名称).
 */
export function validateForm<T> (schema: SafeParser<T>, built: { body: Record<string, unknown>, blanks: readonly string[] }): Prepared<T> {
  const first = validateWith(schema, built.body)
  if (first.ok) return first
  const missing = Object.keys(first.errors).filter((k) => built.blanks.includes(k))
  if (missing.length === 0) return first
  const probe: Record<string, unknown> = JSON.parse(JSON.stringify(built.body))
  for (const key of missing) {
    const [head, tail] = key.includes('.') ? [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)] : [key, undefined]
    if (tail === undefined) probe[head] = ''
    else if (typeof probe[head] === 'object' && probe[head] !== null) (probe[head] as Record<string, unknown>)[tail] = ''
  }
  const second = validateWith(schema, probe)
  const errors = { ...first.errors }
  if (!second.ok) for (const key of missing) if (second.errors[key] !== undefined) errors[key] = second.errors[key]
  return { ok: false, errors }
}

/**
 * A server refusal as form errors: `{error: {param: 'wechatPay.apiV3Key'}}` goes next to that field
 * when the form shows it, anything else on top of the form.
 */
export function errorsFromServer (e: unknown, fields: readonly string[]): FieldErrors {
  const message = errorMessage(e)
  if (e instanceof ApiError && e.param !== undefined && fields.includes(e.param)) return { [e.param]: message }
  return { '': message }
}

/** The text to show for any failure. */
export function errorMessage (e: unknown): string {
  if (e instanceof ApiError) return e.message
  if (e instanceof Error && e.message !== '') return e.message
  return '操作失败，请稍后再试'
}

export type FieldKind = 'text' | 'secret' | 'bp'
export interface FieldSpec { key: string, kind?: FieldKind }

/**
 * The form for a stored entity (null: a new one, every field empty). Each field reads the DTO's
 * property at its dotted path, 'bp' fields as percent and null as ''. Secrets start empty: write-only,
 * no DTO holds them.
 */
export function formFromDto (specs: readonly FieldSpec[], dto: object | null): FormValues {
  const read = (key: string): unknown => key.split('.').reduce<unknown>((at, k) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[k] : undefined), dto)
  return Object.fromEntries(specs.map((spec) => {
    const v = spec.kind === 'secret' ? null : read(spec.key)
    return [spec.key, spec.kind === 'bp' ? bpToPercent(v as number | null) : typeof v === 'string' ? v : '']
  }))
}

/**
 * The create (`initial` null) or update body of an entity form, checked with the server's own
 * schemas. An update sends only `editable` fields: the others are fixed once created.
 */
export function bodyPreparer<C, U> (create: SafeParser<C>, update: SafeParser<U>, fields: readonly FieldSpec[], editable = fields) {
  return (values: FormValues, initial: FormValues | null): Prepared<C | U> => {
    const built = buildBody(initial === null ? fields : editable, values, initial)
    if (Object.keys(built.errors).length > 0) return { ok: false, errors: built.errors }
    return initial === null ? validateForm(create, built) : validateForm(update, built)
  }
}

/**
 * Builds a request body from form values. Creating (`initial` null): every non-empty field.
 * Editing: only changed fields, '' included so a cleared optional field is cleared. Secrets are
 * write-only: the form starts them empty and they are sent only when typed. A dotted section
 * (`wechatPay.*`) goes out whole when any of its fields is sent, so its required keys come along.
 */
export function buildBody (specs: readonly FieldSpec[], values: FormValues, initial: FormValues | null): { body: Record<string, unknown>, errors: FieldErrors, blanks: string[] } {
  const body: Record<string, unknown> = {}
  const errors: FieldErrors = {}
  /** Empty fields that were left out (for validateForm). */
  const blanks: string[] = []
  const sections = new Map<string, FieldSpec[]>()
  const value = (key: string): string => (values[key] ?? '').trim()
  const changed = (spec: FieldSpec): boolean => {
    if (spec.kind === 'secret') return value(spec.key) !== ''
    return initial === null ? value(spec.key) !== '' : value(spec.key) !== (initial[spec.key] ?? '').trim()
  }
  const put = (target: Record<string, unknown>, name: string, spec: FieldSpec): void => {
    const v = value(spec.key)
    if (spec.kind === 'bp') {
      const bp = percentToBp(v)
      if (bp === null) errors[spec.key] = PERCENT_ERROR
      else if (bp !== undefined) target[name] = bp
      return
    }
    target[name] = v
  }

  for (const spec of specs) {
    const dot = spec.key.indexOf('.')
    if (dot === -1) {
      if (changed(spec)) put(body, spec.key, spec)
      else if (value(spec.key) === '') blanks.push(spec.key)
      continue
    }
    const section = spec.key.slice(0, dot)
    sections.set(section, [...(sections.get(section) ?? []), spec])
  }
  for (const [section, fields] of sections) {
    if (!fields.some(changed)) continue
    const out: Record<string, unknown> = {}
    for (const spec of fields) {
      // Inside a section that goes out, every filled field is sent (secrets only when typed: they start empty).
      if (value(spec.key) !== '') put(out, spec.key.slice(section.length + 1), spec)
      else blanks.push(spec.key)
    }
    body[section] = out
  }
  return { body, errors, blanks }
}
